"""Shared fixtures: apps are built per test from explicit Settings; nothing is shared at module level."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from starlette.testclient import TestClient

from server import create_app
from server.catalogs import cldr_plural_forms
from server.settings import REPOSITORY_ROOT, Settings

ROOT = REPOSITORY_ROOT


def repository_settings(**changes: object) -> Settings:
    settings = Settings(
        content_dir=ROOT / "content",
        templates_dir=ROOT / "templates",
        locales_dir=ROOT / "locales",
        reload_interval=3600,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


@pytest.fixture
def client() -> TestClient:
    """The real site: repository content, templates and catalogs."""
    return TestClient(create_app(repository_settings()), follow_redirects=False)


def write_catalog(
    path: Path, locale: str, messages: Mapping[str, str | tuple[str, ...]], fuzzy: tuple[str, ...] = ()
) -> None:
    """Write a .po with the given translations (a tuple for plural forms)."""
    from babel import Locale

    catalog = Catalog(locale=locale, fuzzy=False)
    catalog.mime_headers = [
        (name, cldr_plural_forms(Locale.parse(locale)) if name.lower() == "plural-forms" else value)
        for name, value in catalog.mime_headers
    ]
    for message_id, string in messages.items():
        if isinstance(string, tuple):
            catalog.add((message_id, message_id + " (plural)"), string)
        else:
            catalog.add(message_id, string, flags=("fuzzy",) if message_id in fuzzy else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog)


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the site's content, templates and catalog templates, with no translations."""
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "locales").mkdir()
    for pot in (ROOT / "locales").glob("*.pot"):
        shutil.copy(pot, tmp_path / "locales" / pot.name)
    return tmp_path


@pytest.fixture
def make_client(site_copy: Path) -> Callable[..., TestClient]:
    def make(**changes: object) -> TestClient:
        settings = repository_settings(
            content_dir=site_copy / "content",
            templates_dir=site_copy / "templates",
            locales_dir=site_copy / "locales",
            **changes,
        )
        return TestClient(create_app(settings), follow_redirects=False)

    return make

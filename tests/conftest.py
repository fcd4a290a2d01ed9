"""Shared fixtures: apps are built per test from explicit Settings; nothing is shared at module level."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import hypothesis
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from starlette.applications import Starlette
from starlette.testclient import TestClient

from server import create_app
from server.core.catalogs import CONTENT_FOLDER, cldr_plural_forms
from server.core.settings import REPOSITORY_ROOT, Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = REPOSITORY_ROOT

# CI runs the same examples every time (no flaky discoveries on a slow machine); locally they vary.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis.settings.register_profile("dev", deadline=None)
hypothesis.settings.register_profile("thorough", deadline=None, max_examples=3000)
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


def repository_settings(**changes: object) -> Settings:
    settings = Settings(
        content_dir=ROOT / "content",
        templates_dir=ROOT / "templates",
        locales_dir=ROOT / "locales",
        reload_interval=3600,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def repository_app() -> Starlette:
    """The real site, built once: tests that use it only read from it (tests that change files use copies)."""
    return create_app(repository_settings())


@pytest.fixture
def client(repository_app: Starlette) -> TestClient:
    """The real site: repository content, templates and catalogs; a fresh client (no cookies) per test."""
    return TestClient(repository_app, follow_redirects=False)


def write_catalog(
    path: Path,
    locale: str,
    messages: Mapping[str, str | tuple[str, ...]],
    fuzzy: tuple[str, ...] = (),
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


def write_content(
    root: Path,
    locale: str,
    messages: Mapping[str, str | tuple[str, ...]],
    fuzzy: tuple[str, ...] = (),
    *,
    reviewed: bool = True,
) -> None:
    """Make these the content translations of a language in the site under `root`: each message goes
    to the catalog of every page that has it (messages of no page, to the home page's).

    With `reviewed`, every page of the site also gets a review record, as if a reviewer had
    checked the translation against the current English.
    """
    from server.core.catalogs import page_catalog_path
    from server.core.content import load_page

    pages = [load_page(path) for path in sorted((root / "content").rglob("*.md"))]
    by_page: dict[str, dict[str, str | tuple[str, ...]]] = {}
    for message, string in messages.items():
        keys = [page.key for page in pages if message in {block.text for block in page.blocks}] or ["index"]
        for key in keys:
            by_page.setdefault(key, {})[message] = string
    folder = page_catalog_path(root / "locales", locale, "index").parent
    shutil.rmtree(folder, ignore_errors=True)
    for key, page_messages in by_page.items():
        write_catalog(page_catalog_path(root / "locales", locale, key), locale, page_messages, fuzzy)
    if reviewed:
        record_reviews(root / "content", root / "locales" / locale)


def record_reviews(content_dir: Path, language_dir: Path) -> None:
    """A review record for every page in `content_dir`, against its current English."""
    import datetime

    from server.core.content import load_page
    from server.core.reviews import REVIEWS_FILE, format_review

    records = [
        format_review(load_page(page), "test", ["revision"], datetime.date(2026, 11, 30))
        for page in sorted(content_dir.rglob("*.md"))
    ]
    (language_dir / REVIEWS_FILE).write_text("".join(records), encoding="utf-8")


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the site's content, templates and catalog templates, with no translations."""
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "locales").mkdir()
    for pot in (ROOT / "locales").glob("*.pot"):
        shutil.copy(pot, tmp_path / "locales" / pot.name)
    shutil.copytree(ROOT / "locales" / CONTENT_FOLDER, tmp_path / "locales" / CONTENT_FOLDER)
    return tmp_path


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the whole real site: content, templates, every catalog, glossary and review record."""
    for folder in ("content", "templates", "locales"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def settings_for(root: Path, **changes: object) -> Settings:
    """Settings for a copy of the site under `root` (see `repo_copy`, `site_copy`)."""
    return repository_settings(
        content_dir=root / "content", templates_dir=root / "templates", locales_dir=root / "locales", **changes
    )


def folder_options(root: Path) -> list[str]:
    """The command-line options that point `python -m server …` at a copy of the site."""
    return ["--locales", str(root / "locales"), "--content", str(root / "content"),
            "--templates", str(root / "templates")]  # fmt: skip


def required_messages(site_copy: Path, slug: str) -> dict[str, str]:
    """French translations of what publishes an article: its required blocks and the disclaimer's title and summary."""
    from server.core.content import load_page

    page = load_page(site_copy / f"content/{slug}.md")
    disclaimer = load_page(site_copy / "content/medical-information.md")
    messages = {block.text: "FR " + block.text for block in page.required_blocks}
    messages.update({disclaimer.title.text: "Informations médicales", disclaimer.summary.text: "Avis FR."})
    return messages


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


# --- The real server and a real browser, once per test session -------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"  # every page at 320 and 1280 px, for people to look at
INSTALL_HINT = "Chromium not found: install it with `apt-get install chromium` to run the browser tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a thread."""
    import uvicorn

    port = free_port()
    app = create_app(replace(settings, base_url=f"http://127.0.0.1:{port}"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The whole site, every shipped language plus the pseudo-locales."""
    with running_server(repository_settings(pseudo_locales=True)) as url:
        yield url


BROWSER_MISSING = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """One Chromium for the whole session (see shared/BROWSER.md)."""
    if importlib.util.find_spec("playwright") is None or not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT + " (CI=true: a missing browser is a failure)")
        request.config.stash[BROWSER_MISSING] = True
        pytest.skip(INSTALL_HINT)
    for language in ("en", "es", "fr", "de", "ar", "zh-Hans", "hi", "pt-BR", "pl", "uk", "ur", "bn", "en-XA", "ar-XB"):
        (SCREENSHOT_DIR / language).mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.stash.get(BROWSER_MISSING, False):
        terminalreporter.write_line(f"browser tests skipped. {INSTALL_HINT}")
    if SCREENSHOT_DIR.exists() and any(SCREENSHOT_DIR.rglob("*.png")):
        terminalreporter.write_line(f"screenshots of every page: {SCREENSHOT_DIR}")

"""A Plural-Forms header is untrusted: one that raises or picks a missing form never reaches a reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.core.content import load_page
from server.tools.check import check_all

from .conftest import repository_settings, write_catalog, write_content

ARTICLE = "back-pain-third-trimester"
HOSTILE = ["nplurals=3; plural=(n/0);", "nplurals=3; plural=(n%0);", "nplurals=3; plural=n+5;", "nplurals=3; plural=(;"]


def french_catalogs(site_copy: Path, plural_forms: str) -> Path:
    page = load_page(site_copy / f"content/{ARTICLE}.md")
    disclaimer = load_page(site_copy / "content/medical-information.md")
    messages: dict[str, str | tuple[str, ...]] = {block.text: "FR " + block.text for block in page.required_blocks}
    messages.update({block.text: "FR " + block.text for block in disclaimer.blocks[:2]})
    write_content(site_copy, "fr", messages)
    interface = site_copy / "locales/fr/LC_MESSAGES/interface.po"
    write_catalog(
        interface,
        "fr",
        {"Reading time: %(count)s minute": ("%(count)s minute", "%(count)s de minutes", "%(count)s minutes")},
    )
    text = interface.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith('"Plural-Forms:'))
    interface.write_text(text.replace(header, f'"Plural-Forms: {plural_forms}\\n"'), encoding="utf-8")
    return interface


@pytest.mark.parametrize("plural_forms", HOSTILE)
def test_a_hostile_plural_header_never_gives_a_500(
    site_copy: Path, make_client: Callable[..., TestClient], plural_forms: str
) -> None:
    french_catalogs(site_copy, plural_forms)
    response = make_client().get(f"/fr/{ARTICLE}")
    assert response.status_code == 200
    assert "Reading time:" in response.text  # the English, since the French catalog cannot be used


@pytest.mark.parametrize("plural_forms", HOSTILE)
def test_check_reports_a_hostile_plural_header_at_its_line(site_copy: Path, plural_forms: str) -> None:
    interface = french_catalogs(site_copy, plural_forms)
    line = next(n for n, text in enumerate(interface.read_text().splitlines(), 1) if text.startswith('"Plural-Forms'))
    settings = repository_settings(
        content_dir=site_copy / "content", templates_dir=site_copy / "templates", locales_dir=site_copy / "locales"
    )
    found = [str(problem) for problem in check_all(settings)]
    assert any(p.startswith(f"{interface}:{line}: error:") and "Plural-Forms" in p for p in found), found
    assert not any("Traceback" in p or "cannot be checked" in p for p in found)

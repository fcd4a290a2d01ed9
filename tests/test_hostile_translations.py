"""A hostile or careless translation is never shown: the English is, and the reason is logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.core.catalogs import page_catalog_path
from server.core.site import Site

from .conftest import required_messages, write_catalog, write_content

ARTICLE = "back-pain-third-trimester"
HEADING = "Why it happens"  # a heading of ARTICLE
SKIP = "Skip to main content"  # an interface message on every page


def publishable(site_copy: Path) -> dict[str, str]:
    """French translations that publish ARTICLE, so its other blocks are looked up."""
    return required_messages(site_copy, ARTICLE)


def french_client(
    site_copy: Path, make_client: Callable[..., TestClient], content: dict[str, str], interface: dict[str, str]
) -> TestClient:
    write_content(site_copy, "fr", publishable(site_copy) | content)
    write_catalog(site_copy / "locales/fr/LC_MESSAGES/interface.po", "fr", interface)
    return make_client()


def french_page(
    site_copy: Path, make_client: Callable[..., TestClient], content: dict[str, str], interface: dict[str, str]
) -> str:
    response = french_client(site_copy, make_client, content, interface).get(f"/fr/{ARTICLE}")
    assert response.status_code == 200
    return response.text


def msgstr_line(path: Path, translation: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith("msgstr") and translation in line)


@pytest.mark.parametrize(
    "translation",
    [
        "Aller au contenu %-300000s",  # padded to a width of the translator's choosing
        "Aller au contenu %r",  # the variables dictionary
        "Aller au contenu " + "x" * 400,  # far longer than any translation of three words
        "<b onmouseover=alert(1)>Aller au contenu</b>",  # HTML, which would be shown as text
    ],
)
def test_an_unusable_interface_translation_shows_the_english(
    site_copy: Path, make_client: Callable[..., TestClient], translation: str
) -> None:
    html = french_page(site_copy, make_client, {}, {SKIP: translation})
    assert "Aller au contenu" not in html and "onmouseover" not in html and " " * 1000 not in html
    assert f">{SKIP}</a>" in html


def test_a_padded_copy_of_a_real_placeholder_shows_the_english(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    html = french_page(site_copy, make_client, {}, {"Last reviewed: %(date)s": "Revu le %(date)s%(date)--300000s"})
    assert "Revu le" not in html and " " * 1000 not in html
    assert "Last reviewed: 25 novembre 2026" in html


@pytest.mark.parametrize(
    "translation",
    [
        "Pourquoi \u202ecela arrive",  # right-to-left override, typed
        "Pourquoi &#x202E;cela arrive",  # the same as an HTML entity, which Markdown decodes
        "Pourquoi\u200b cela arrive",  # zero-width space
        "Pourquoi <b>cela</b> arrive",  # HTML, which would be shown as text
        "Pourquoi " + "x" * 400,
    ],
)
def test_an_unusable_content_translation_shows_the_english(
    site_copy: Path, make_client: Callable[..., TestClient], translation: str
) -> None:
    html = french_page(site_copy, make_client, {HEADING: translation}, {})
    assert "Pourquoi" not in html and "\u202e" not in html and "\u200b" not in html
    assert f'<h2 lang="en" dir="ltr">{HEADING}</h2>' in html


def test_a_translated_image_must_be_the_englishs(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    page = site_copy / f"content/{ARTICLE}.md"
    source = "See ![a chart](/static/chart.png)."
    page.write_text(page.read_text(encoding="utf-8") + f"\n{source}\n", encoding="utf-8")
    html = french_page(site_copy, make_client, {source: "Voir ![un graphique](https://tracker.example/p.gif)."}, {})
    assert "tracker.example" not in html
    assert '<p lang="en" dir="ltr">See <img src="/static/chart.png" alt="a chart" />.</p>' in html


def test_only_local_images_are_shown(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    page = site_copy / "content/terms.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA ![pixel](https://tracker.example/p.gif).\n")
    html = make_client().get("/en/terms").text
    assert "tracker.example" not in html
    assert "<p>A pixel.</p>" in html


def test_a_rejected_translation_is_logged_once_with_file_line_and_why(
    site_copy: Path, make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="server.core.translation")
    client = french_client(site_copy, make_client, {HEADING: "Pourquoi <b>cela</b>"}, {SKIP: "Aller au contenu %r"})
    assert client.get(f"/fr/{ARTICLE}").status_code == 200
    client.get("/fr/topics/back-ache")  # another page with the same interface message
    interface = site_copy / "locales/fr/LC_MESSAGES/interface.po"
    content = page_catalog_path(site_copy / "locales", "fr", ARTICLE)
    records = [record.getMessage() for record in caplog.records if record.name == "server.core.translation"]
    skip = [message for message in records if message.startswith(f"{interface}:{msgstr_line(interface, '%r')}: ")]
    heading = [message for message in records if message.startswith(f"{content}:{msgstr_line(content, '<b>')}: ")]
    assert len(skip) == 1 and "`%r`" in skip[0], records
    assert len(heading) == 1 and "HTML" in heading[0], records


def test_the_translator_lists_the_current_rejections(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    client = french_client(site_copy, make_client, {HEADING: "Pourquoi \u202ecela"}, {SKIP: "Aller %-9s"})
    site: Site = client.app.state.holder.site  # type: ignore[attr-defined]
    rejections = site.translator(site.language("fr")).rejections(ARTICLE)  # type: ignore[arg-type]
    assert sorted((Path(rejection.path).name, rejection.message) for rejection in rejections) == [
        (f"{ARTICLE}.po", HEADING),
        ("interface.po", SKIP),
    ]
    assert all(rejection.lineno > 1 and rejection.reason for rejection in rejections)

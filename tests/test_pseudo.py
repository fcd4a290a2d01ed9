"""Pseudo-locales: every visible string must have gone through gettext."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.dates import format_date
from starlette.testclient import TestClient

from server import create_app
from server.core.content import load_page

from .conftest import ROOT, repository_settings

PAGES = ["", "back-pain-miscarriage", "back-pain-third-trimester", "medical-information", "privacy", "terms",
         "accessibility", "topics/miscarriage-signs", "topics/back-ache", "topics/miscarriage-back-pain",
         "translation-status", "no-such-page"]  # fmt: skip
VISIBLE_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
SKIPPED_ELEMENTS = {"code", "style", "script"}


class VisibleText(HTMLParser):
    """Text a reader sees or hears, with the language it is marked as."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[tuple[str, str]] = []  # (lang, text)

    def lang(self) -> str:
        return next((lang for _, lang in reversed(self.stack) if lang), "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in ("meta", "link", "br", "img", "input"):
            self.stack.append((tag, values.get("lang")))
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.found.append((self.lang(), values[name] or ""))
        if tag == "meta" and values.get("name") == "description":
            self.found.append((self.lang(), values.get("content") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(tag in SKIPPED_ELEMENTS for tag, _ in self.stack):
            self.found.append((self.lang(), data.strip()))


@pytest.fixture(scope="module")
def pseudo_client() -> TestClient:
    return TestClient(create_app(repository_settings(pseudo_locales=True)), follow_redirects=False)


@pytest.mark.parametrize("page", PAGES)
def test_no_visible_text_escapes_gettext_in_en_xa(pseudo_client: TestClient, page: str) -> None:
    html = pseudo_client.get(f"/en-xa/{page}").text
    assert '<html lang="en-XA" dir="ltr">' in html
    reviewed = {format_date(p.reviewed, "long", locale="en") for p in map(load_page, (ROOT / "content").glob("*.md"))
                if p.reviewed}  # fmt: skip
    parser = VisibleText()
    parser.feed(html)
    escaped = []
    for lang, text in parser.found:
        if lang != "en-XA":
            continue  # language names in the switcher are in their own language, on purpose
        for date in reviewed:
            text = text.replace(date, "")  # dates are Babel's locale data, not messages
        # language codes on the status page
        text = re.sub(r"\b(en-XA|ar-XB|[a-z]{2}(-[A-Z][a-z]{3}|-[A-Z]{2})?)\b", "", text)
        text = re.sub(r"\b[a-z]+(-[a-z]+)+\b", "", text)  # page slugs on the status page
        if re.search(r"[A-Za-z]{2,}", text):
            escaped.append(text)
    assert not escaped, f"text that did not go through gettext: {escaped}"


def test_en_xa_is_longer_and_accented(pseudo_client: TestClient) -> None:
    html = pseudo_client.get("/en-xa/privacy").text
    assert "[Þŕîṽåçý þöļîçý ~~~~~~]" in html


def test_ar_xb_is_mirrored_right_to_left(pseudo_client: TestClient) -> None:
    html = pseudo_client.get("/ar-xb/terms").text
    assert '<html lang="ar-XB" dir="rtl">' in html
    assert "\u202eTerms\u202c" in html


def test_pseudo_locales_are_off_by_default(client: TestClient) -> None:
    assert client.get("/en-xa/").status_code == 404
    assert "en-XA" not in client.get("/en/").text


@pytest.mark.parametrize("header", ["en-XA", "ar-XB, de;q=0.5"])
def test_pseudo_locales_served_are_never_chosen_for_a_reader(pseudo_client: TestClient, header: str) -> None:
    response = pseudo_client.get("/", headers={"Accept-Language": header})
    assert response.headers["location"] in {"/en/", "/ar/"}
    cookie = pseudo_client.get("/", headers={"Cookie": "site_language=en-XA"})
    assert cookie.headers["location"] == "/en/"

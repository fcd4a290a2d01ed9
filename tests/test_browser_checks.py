"""Each browser check, seen to fail on a deliberately broken page (so a pass means something)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from .a11y import (
    TEXT_SPACING_CSS,
    axe,
    clipped_text,
    forced_colors_problems,
    keyboard_problems,
    mirroring_problems,
    print_problems,
    reflow_problems,
    screen_reader_problems,
    vnu_errors,
)

pytestmark = pytest.mark.browser

ARTICLE = "/en/back-pain-miscarriage"


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def real_html(live_server: str, path: str = ARTICLE) -> str:
    return httpx2.get(live_server + path).text


def broken_page(context: BrowserContext, live_server: str, html: str) -> Page:
    """Serve `html` at a URL of the live site (so its stylesheet loads), without our CSP."""
    page = context.new_page()

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, body=html, headers={"content-type": "text/html; charset=utf-8"})

    page.route(f"{live_server}/broken", fulfil)
    page.goto(f"{live_server}/broken")
    return page


def with_style(html: str, css: str) -> str:
    return html.replace("</head>", f"<style>{css}</style></head>")


BREAKAGES: dict[str, tuple[Callable[[str], str], Callable[[Page], list[str]]]] = {
    "axe: image without alt text": (
        lambda html: html.replace("<h1>", '<img src="/favicon.ico"><h1>'),
        axe,
    ),
    "axe: low contrast": (
        lambda html: with_style(html, ".lede { color: #bbb !important; }"),
        lambda page: axe(page, only_rules=["color-contrast"]),
    ),
    "screen reader: two h1": (
        lambda html: html.replace("<h2>", "<h1>", 1).replace("</h2>", "</h1>", 1),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "screen reader: skipped heading level": (
        lambda html: html.replace("<h2>Reasons", "<h4>Reasons").replace("Back Pain</h2>", "Back Pain</h4>"),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "screen reader: unnamed navigation": (
        lambda html: html.replace('aria-label="Breadcrumb"', ""),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "screen reader: switcher entry without lang": (
        lambda html: html.replace('hreflang="es" lang="es"', 'hreflang="es"'),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "screen reader: wrong page language": (
        lambda html: html.replace('<html lang="en" dir="ltr">', '<html lang="fr" dir="ltr">'),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "screen reader: disclaimer not labeled": (
        lambda html: (
            html.replace('<aside class="disclaimer" aria-labelledby="disclaimer-title">', '<div class="disclaimer">')
            .replace('<aside class="related" aria-labelledby="related-title">', '<div class="related">')
            .replace('<aside class="topics" aria-labelledby="topics-title">', '<div class="topics">')
        ),
        lambda page: screen_reader_problems(page, lang="en", direction="ltr", is_article=True),
    ),
    "keyboard: skip link not first": (
        lambda html: html.replace('<a class="site-name"', '<a tabindex="1" class="site-name"'),
        lambda page: keyboard_problems(page, direction="ltr"),
    ),
    "keyboard: skip link target missing": (
        lambda html: html.replace('id="main-content"', 'id="content"'),
        lambda page: keyboard_problems(page, direction="ltr"),
    ),
    "keyboard: focus indicator removed": (
        lambda html: with_style(html, "a:focus-visible { outline: none !important; box-shadow: none !important; }"),
        lambda page: keyboard_problems(page, direction="ltr"),
    ),
    "keyboard: tab order against visual order": (
        lambda html: with_style(html, ".site-footer { position: absolute; top: 0; }"),
        lambda page: keyboard_problems(page, direction="ltr"),
    ),
    "reflow: fixed-width element": (
        lambda html: with_style(html, "main { min-width: 600px; }"),
        reflow_problems,
    ),
    "text spacing: clipped box": (
        lambda html: with_style(html, ".callout p { height: 4.5em; overflow: hidden; }"),
        clipped_text,
    ),
    "print: navigation printed": (
        lambda html: with_style(html, "@media print { .site-header, .breadcrumbs { display: block !important; } }"),
        lambda page: print_problems(page, is_article=True),
    ),
    "print: disclaimer hidden": (
        lambda html: with_style(html, "@media print { .disclaimer { display: none !important; } }"),
        lambda page: print_problems(page, is_article=True),
    ),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_check_fails_on_a_broken_page(context: BrowserContext, live_server: str, name: str) -> None:
    breakage, check = BREAKAGES[name]
    original = real_html(live_server)
    page = broken_page(context, live_server, original)
    if name.startswith("text spacing"):
        page.add_style_tag(content=TEXT_SPACING_CSS)
    if name.startswith("reflow"):
        page.set_viewport_size({"width": 320, "height": 640})
    assert check(page) == [], f"the unbroken page must pass first: {name}"
    page.close()
    page = broken_page(context, live_server, breakage(original))
    if name.startswith("text spacing"):
        page.add_style_tag(content=TEXT_SPACING_CSS)
    if name.startswith("reflow"):
        page.set_viewport_size({"width": 320, "height": 640})
    try:
        assert check(page), f"the check did not notice: {name}"
    finally:
        page.close()


def test_forced_colors_check_fails_when_links_lose_their_underline(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, forced_colors="active")
    try:
        html = with_style(real_html(live_server), "a { text-decoration: none !important; }")
        assert forced_colors_problems(broken_page(context, live_server, html))
        html = with_style(
            real_html(live_server), "@media (forced-colors: active) { a:focus-visible { outline: none !important; } }"
        )
        assert forced_colors_problems(broken_page(context, live_server, html))
    finally:
        context.close()


def test_mirroring_check_fails_when_rtl_layout_is_not_mirrored(context: BrowserContext, live_server: str) -> None:
    original = real_html(live_server, "/ar/back-pain-miscarriage")
    assert mirroring_problems(broken_page(context, live_server, original)) == []
    html = with_style(
        original, ".breadcrumbs ol, .language-nav ul { direction: ltr; } .skip-link { left: 0; right: auto; }"
    )
    assert mirroring_problems(broken_page(context, live_server, html))


def test_vnu_check_fails_on_invalid_html(live_server: str, tmp_path: Path) -> None:
    html = real_html(live_server)
    assert vnu_errors({"good": html}, tmp_path) == []
    broken = html.replace("<main", "<main><p><div>unclosed</p>", 1).replace('lang="en"', 'lang="en" lang="fr"', 1)
    assert vnu_errors({"broken": broken}, tmp_path)

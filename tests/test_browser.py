"""WCAG 2.2 AA in a real Chromium: every page in every language (and the pseudo-locales)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .a11y import (
    TEXT_SPACING_CSS,
    axe,
    clipped_text,
    disclosure_problems,
    forced_colors_problems,
    keyboard_problems,
    mirroring_problems,
    print_problems,
    reflow_problems,
    screen_reader_problems,
    vnu_errors,
)
from .conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "ltr", "es": "ltr", "fr": "ltr", "de": "ltr", "ar": "rtl", "zh-Hans": "ltr", "hi": "ltr",
             "pt-BR": "ltr", "pl": "ltr", "uk": "ltr", "ur": "rtl", "bn": "ltr",
             "en-XA": "ltr", "ar-XB": "rtl"}  # fmt: skip
ARTICLES = ["back-pain-miscarriage", "back-pain-third-trimester"]
PAGES = ["", *ARTICLES, "medical-information", "privacy", "terms", "accessibility", "topics/miscarriage-signs",
         "topics/back-ache", "topics/miscarriage-back-pain", "translation-status", "no-such-page"]  # fmt: skip
CASES = [(lang, page) for lang in LANGUAGES for page in PAGES]


def case_id(case: tuple[str, str]) -> str:
    return f"{case[0]}/{case[1] or 'home'}"


@pytest.fixture(scope="session")
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def open_page(context: BrowserContext, live_server: str, lang: str, page: str) -> Page:
    tab = context.new_page()
    response = tab.goto(f"{live_server}/{lang.lower()}/{page}")
    assert response is not None and response.status == (404 if page == "no-such-page" else 200)
    return tab


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_desktop_axe_screen_reader_print_and_keyboard(
    desktop: BrowserContext, live_server: str, case: tuple[str, str]
) -> None:
    """At 1280 px: axe in light and dark, the accessibility tree, print, then the keyboard."""
    lang, page = case
    tab = open_page(desktop, live_server, lang, page)
    try:
        problems = screen_reader_problems(tab, lang=lang, direction=LANGUAGES[lang], is_article=page in ARTICLES)
        problems += axe(tab)
        tab.emulate_media(color_scheme="dark")
        problems += [f"dark theme: {problem}" for problem in axe(tab, only_rules=["color-contrast"])]
        tab.emulate_media(color_scheme="light")
        problems += print_problems(tab, is_article=page in ARTICLES)
        problems += reflow_problems(tab)
        tab.screenshot(path=SCREENSHOT_DIR / f"{screenshot_name(case)}-1280.png", full_page=True)
        problems += disclosure_problems(tab)
        tab.reload()
        problems += keyboard_problems(tab, direction=LANGUAGES[lang])  # last: it reloads the page
    finally:
        tab.close()
    assert not problems, "\n".join(problems)


def screenshot_name(case: tuple[str, str]) -> str:
    return f"{case[0]}/{case[1].replace('/', '-') or 'home'}"


@pytest.fixture(scope="session")
def narrow(browser: Browser) -> Iterator[BrowserContext]:
    # bypass_csp only so the test can add the WCAG 1.4.12 text-spacing overrides, as a user style sheet would
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture(scope="session")
def zoomed(browser: Browser) -> Iterator[BrowserContext]:
    """1280 device pixels at 400% zoom: 320 CSS pixels wide."""
    context = browser.new_context(viewport={"width": 320, "height": 200}, device_scale_factor=4)
    yield context
    context.close()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_reflow_zoom_and_text_spacing(
    narrow: BrowserContext, zoomed: BrowserContext, live_server: str, case: tuple[str, str]
) -> None:
    """No horizontal scrolling at 320 px or at 400% zoom; no clipped text with WCAG text spacing."""
    tab = open_page(zoomed, live_server, *case)
    try:
        problems = [f"400% zoom: {problem}" for problem in reflow_problems(tab)]
    finally:
        tab.close()
    tab = open_page(narrow, live_server, *case)
    try:
        problems += [f"320px: {problem}" for problem in reflow_problems(tab)]
        tab.screenshot(path=SCREENSHOT_DIR / f"{screenshot_name(case)}-320.png", full_page=True)
        tab.add_style_tag(content=TEXT_SPACING_CSS)
        problems += [f"text spacing at 320px: {problem}" for problem in clipped_text(tab)]
        tab.set_viewport_size({"width": 1280, "height": 800})
        problems += [f"text spacing at 1280px: {problem}" for problem in clipped_text(tab)]
    finally:
        tab.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def forced_colors(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, forced_colors="active")
    yield context
    context.close()


FORCED_COLORS_LANGUAGES = ("en", "ar", "zh-Hans", "ur", "bn")  # one per script family


@pytest.mark.parametrize("case", [(lang, page) for lang in FORCED_COLORS_LANGUAGES for page in PAGES], ids=case_id)
def test_links_and_focus_stay_visible_in_forced_colors(
    forced_colors: BrowserContext, live_server: str, case: tuple[str, str]
) -> None:
    tab = open_page(forced_colors, live_server, *case)
    try:
        problems = forced_colors_problems(tab)
    finally:
        tab.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", [(lang, page) for lang in ("ar", "ur", "ar-XB") for page in PAGES], ids=case_id)
def test_right_to_left_pages_mirror(desktop: BrowserContext, live_server: str, case: tuple[str, str]) -> None:
    tab = open_page(desktop, live_server, *case)
    try:
        problems = mirroring_problems(tab)
    finally:
        tab.close()
    assert not problems, "\n".join(problems)


def test_every_page_is_valid_html(live_server: str, tmp_path: Path) -> None:
    pages = {}
    with httpx2.Client() as http:
        for lang, page in CASES:
            url = f"{live_server}/{lang.lower()}/{page}"
            pages[url] = http.get(url).text
    errors = vnu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="session")
def review_server() -> Iterator[str]:
    """The site in review mode, for translators and reviewers."""
    from .conftest import repository_settings, running_server

    with running_server(repository_settings(review_mode=True)) as url:
        yield url


REVIEW_CASES = [(lang, page) for lang in ("fr", "ar", "ur", "zh-Hans", "bn") for page in ("back-pain-miscarriage", "")]


@pytest.mark.parametrize("case", REVIEW_CASES, ids=case_id)
def test_the_review_view_is_accessible(
    desktop: BrowserContext, narrow: BrowserContext, review_server: str, case: tuple[str, str], tmp_path: Path
) -> None:
    """The side-by-side view: axe, keyboard, print, 320 px reflow and valid HTML, like every reader's page."""
    lang, page = case
    url = f"{review_server}/review/{lang.lower()}/{page}"
    tab = desktop.new_page()
    try:
        response = tab.goto(url)
        assert response is not None and response.status == 200
        problems = axe(tab)
        columns = tab.evaluate(
            "() => [...document.querySelectorAll('tbody tr')].map(r => [r.cells[1].lang, r.cells[2].lang])"
        )
        if any(pair != ["en", lang] for pair in columns):
            problems.append(f"columns without their language: {columns[:3]}")
        tab.emulate_media(media="print")
        if tab.evaluate("() => getComputedStyle(document.querySelector('.review-table')).display") == "none":
            problems.append("the review table is not printed")
        tab.emulate_media(media="screen")
        tab.screenshot(path=SCREENSHOT_DIR / f"{lang}/review-{page or 'home'}-1280.png", full_page=True)
        problems += keyboard_problems(tab, direction="ltr")
    finally:
        tab.close()
    tab = narrow.new_page()
    try:
        tab.goto(url)
        problems += [f"320px: {problem}" for problem in reflow_problems(tab)]
        tab.screenshot(path=SCREENSHOT_DIR / f"{lang}/review-{page or 'home'}-320.png", full_page=True)
    finally:
        tab.close()
    with httpx2.Client() as http:
        problems += vnu_errors({url: http.get(url).text}, tmp_path)
    assert not problems, "\n".join(problems)

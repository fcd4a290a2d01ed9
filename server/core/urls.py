"""The site's URL map: the one place that turns a page and a language into a path."""

from __future__ import annotations

from .content import Page
from .languages import Language

HOME_SLUG = "index"


def page_path(language: Language, page: Page) -> str:
    """The path of a page in a language.

    >>> from server.core.content import Block
    >>> block = Block("title", "T", 1)
    >>> page = Page("back-ache", "topic", block, block, (), (), (), None, "x.md")
    >>> page_path(Language.from_code("zh-Hans"), page)
    '/zh-hans/topics/back-ache'
    """
    prefix = f"/{language.url_code}/"
    if page.kind == "home":
        return prefix
    if page.kind == "topic":
        return f"{prefix}topics/{page.slug}"
    return f"{prefix}{page.slug}"


def choose_path(language: Language, page: Page) -> str:
    """The switcher's link: remembers the reader's choice, then shows the page."""
    return "/choose-language" + page_path(language, page)


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path

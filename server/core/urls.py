"""The site's URL map: every path the site answers, by name, in one table.

The web app's routes are made from it (web/app.py), and every link, redirect, sitemap entry and
exported file name asks it for a path (`path_for`), so no URL pattern is written twice.
"""

from __future__ import annotations

import re

from .content import Page
from .languages import Language

HOME_SLUG = "index"

# In the order the router tries them: fixed paths first, a language's pages last.
ROUTES: dict[str, str] = {
    "root": "/",
    "health": "/healthz",
    "sitemap": "/sitemap.xml",
    "sitemap_part": "/sitemaps/{number:int}.xml",
    "robots": "/robots.txt",
    "favicon": "/favicon.ico",
    "static": "/static/{name}",
    "choose_home": "/choose-language/{lang}/",
    "choose_topic": "/choose-language/{lang}/topics/{topic}",
    "choose_page": "/choose-language/{lang}/{slug}",
    "review_home": "/review/{lang}/",  # review mode only
    "review_topic": "/review/{lang}/topics/{topic}",
    "review_page": "/review/{lang}/{slug}",
    "home_without_slash": "/{lang}",
    "home": "/{lang}/",
    "topic": "/{lang}/topics/{topic}",
    "status": "/{lang}/translation-status",
    "page": "/{lang}/{slug}",
}
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def path_for(route: str, /, **parameters: object) -> str:
    """The path of a route with its parameters filled in.

    >>> path_for("sitemap_part", number=2), path_for("status", lang="pt-br")
    ('/sitemaps/2.xml', '/pt-br/translation-status')
    """
    return _PARAMETER.sub(lambda match: str(parameters[match.group(1)]), ROUTES[route])


def page_path(language: Language, page: Page, prefix: str = "") -> str:
    """The path of a page in a language (`prefix`: "choose_" for the switcher's links, "review_" for review views).

    >>> from server.core.content import Block
    >>> block = Block("title", "T", 1)
    >>> page = Page("back-ache", "topic", block, block, b"", (), (), None, "x.md")
    >>> page_path(Language.from_code("zh-Hans"), page), page_path(Language.from_code("de"), page, "choose_")
    ('/zh-hans/topics/back-ache', '/choose-language/de/topics/back-ache')
    """
    if page.kind == "home":
        return path_for(prefix + "home", lang=language.url_code)
    if page.kind == "topic":
        return path_for(prefix + "topic", lang=language.url_code, topic=page.slug)
    return path_for(prefix + "page", lang=language.url_code, slug=page.slug)


def choose_path(language: Language, page: Page) -> str:
    """The switcher's link: remembers the reader's choice, then shows the page."""
    return page_path(language, page, "choose_")


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path

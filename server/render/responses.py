"""Every response the site renders, by kind, with what it was made from: shared by the views and the export.

These run off the event loop (they may read catalogs and they compress); the views store what they return.
"""

from __future__ import annotations

from ..core.content import Page
from ..core.inputs import record
from ..core.languages import Language
from ..core.site import Site
from ..core.stats import translation_status
from ..core.urls import page_path, path_for
from .assets import Asset
from .pages import render_message, render_page
from .sitemap import part_count, render_part, render_robots, render_sitemap
from .stored import Rendered, rendered


def page_response(site: Site, language: Language, page: Page) -> Rendered:
    """The page (200) where it is published in the language, else the "not yet available" page (404)."""

    def make() -> tuple[int, str]:
        record(("page", page.key))  # the view found it by its URL, not through a recording read
        if site.is_published(page, language):
            return 200, render_page(site, language, page)
        return 404, unavailable_page(site, language, page)

    return rendered(make)


def unavailable_page(site: Site, language: Language, page: Page) -> str:
    """Says the page is not yet translated, and lists it in the languages it is published in, by its title there."""
    available = []
    for other in site.languages:
        if other.code != language.code and not other.is_pseudo and site.is_published(page, other):
            title = site.translator(other).block(page.title).text
            available.append({"url": page_path(other, page), "title": title, "language": other})
    return render_message(site, language, "unavailable.html", available=available)


def not_found_response(site: Site, language: Language) -> Rendered:
    return rendered(lambda: (404, render_message(site, language, "not_found.html")))


def status_response(site: Site, language: Language) -> Rendered:
    """The translation status of the URL's language, page by page, with links to every other language's.

    One language per page: in a library, each reads thousands of catalogs (off the loop, once per change).
    """

    def make() -> tuple[int, str]:
        translator = site.translator(language)
        statuses = translation_status(site, [language.code])
        titles = {page.slug: translator.block(page.title) for page in (*site.pages.values(), *site.topics.values())}
        languages = [
            {"language": other, "url": path_for("status", lang=other.url_code), "current": other is language}
            for other in site.languages
            if other.code != site.source.code and not other.is_pseudo
        ]
        return 200, render_message(site, language, "status.html", statuses=statuses, titles=titles, languages=languages)

    return rendered(make)


def sitemap_response(site: Site, number: int = 0) -> Rendered | None:
    """/sitemap.xml (0), or part `number` of a sitemap in several parts; None if there is no such part."""
    if number == 0:
        return rendered(lambda: (200, render_sitemap(site)))
    if not 1 <= number <= part_count(site) or part_count(site) == 1:
        return None
    return rendered(lambda: (200, render_part(site, number)))


def sitemap_responses(site: Site) -> list[Rendered]:
    """/sitemap.xml, then each of its parts when it has several: everything the export writes."""
    count = part_count(site)
    found = [sitemap_response(site, number) for number in range(0, count + 1 if count > 1 else 1)]
    return [response for response in found if response is not None]


def robots_response(site: Site) -> Rendered:
    return rendered(lambda: (200, render_robots(site)))


def asset_response(asset: Asset) -> Rendered:
    return rendered(lambda: (200, asset.body))

"""The body of every response the site stores, by kind: shared by the views and the static export."""

from __future__ import annotations

import functools

from ..core.content import Page
from ..core.languages import Language
from ..core.site import Site
from ..core.stats import translation_status
from ..core.urls import page_path
from .assets import Asset
from .pages import render_message, render_page
from .sitemap import render_robots, render_sitemap, sitemap_parts
from .stored import Stored, stored


def page_body(site: Site, language: Language, page: Page) -> Stored:
    return stored(site, ("page", language.code, page.kind, page.slug), lambda: render_page(site, language, page))


def not_found_body(site: Site, language: Language) -> Stored:
    return stored(site, ("not-found", language.code), lambda: render_message(site, language, "not_found.html"))


def unavailable_body(site: Site, language: Language, page: Page) -> Stored:
    def render() -> str:
        available = []
        for other in site.languages:
            if other.code != language.code and not other.is_pseudo and site.is_published(page, other):
                title = site.translator(other).block(page.title).text
                available.append({"url": page_path(other, page), "title": title, "language": other})
        return render_message(site, language, "unavailable.html", available=available)

    return stored(site, ("unavailable", language.code, page.kind, page.slug), render)


def status_body(site: Site, language: Language) -> Stored:
    def render() -> str:
        translator = site.translator(language)
        titles = {page.slug: translator.block(page.title) for page in (*site.pages.values(), *site.topics.values())}
        # the reader's own language first
        statuses = sorted(translation_status(site), key=lambda status: status.code != language.code)
        return render_message(site, language, "status.html", statuses=statuses, titles=titles)

    return stored(site, ("status", language.code), render)


def sitemap_body(site: Site) -> Stored:
    """/sitemap.xml. Its parts, when it needs several files, are stored with it: the URLs are listed once."""
    found = site.rendered.get(("sitemap",))
    if isinstance(found, Stored):
        return found
    parts = sitemap_parts(site)
    if len(parts) > 1:
        for number, part in enumerate(parts, start=1):
            stored(site, ("sitemap", number), functools.partial(str, part))
    return stored(site, ("sitemap",), lambda: render_sitemap(site, parts))


def sitemap_part_body(site: Site, number: int) -> Stored | None:
    """Part `number` (from 1) of a sitemap that needs several files, or None."""
    sitemap_body(site)
    found = site.rendered.get(("sitemap", number))
    return found if isinstance(found, Stored) else None


def robots_body(site: Site) -> Stored:
    return stored(site, ("robots",), lambda: render_robots(site))


def asset_body(site: Site, asset: Asset) -> Stored:
    return stored(site, ("asset", asset.hashed_name), lambda: asset.body)

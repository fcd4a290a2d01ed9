"""The body of every response the site stores, by kind: shared by the views and the static export."""

from __future__ import annotations

from .assets import Asset
from .caching import Stored, stored
from .content import Page
from .languages import Language
from .pages import render_message, render_page
from .site import Site
from .sitemap import render_robots, render_sitemap, sitemap_parts
from .stats import translation_status
from .urls import page_path


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
    return stored(site, ("sitemap",), lambda: render_sitemap(site))


def sitemap_part_count(site: Site) -> int:
    """How many files the sitemap needs (1: /sitemap.xml holds every URL itself)."""
    index = sitemap_body(site).body
    return index.count(b"<sitemap>") or 1


def sitemap_part_body(site: Site, number: int) -> Stored | None:
    """Part `number` (from 1) of a sitemap that needs several files, or None."""
    if not 1 <= number <= sitemap_part_count(site) or sitemap_part_count(site) == 1:
        return None
    return stored(site, ("sitemap", number), lambda: sitemap_parts(site)[number - 1])


def robots_body(site: Site) -> Stored:
    return stored(site, ("robots",), lambda: render_robots(site))


def asset_body(site: Site, asset: Asset) -> Stored:
    return stored(site, ("asset", asset.hashed_name), lambda: asset.body)

"""sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..core.content import Page
from ..core.languages import Language
from ..core.site import Site
from ..core.urls import absolute, page_path, path_for

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


# The sitemap protocol's limits per file (sitemaps.org); beyond one part, /sitemap.xml is an index.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
# URLs per part: far inside both limits (an entry lists every language's alternate, so a part of 5,000
# stays under 50 MB up to ~60 languages), and small enough to render, compress and store on its own.
PART_URLS = 5_000
URLSET_OPEN = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
URLSET_CLOSE = "</urlset>\n"


def _languages(site: Site) -> list[Language]:
    return [language for language in site.languages if not language.is_pseudo]


def page_groups(site: Site) -> list[list[Page]]:
    """The pages of each part, in a fixed order: a part lists at most PART_URLS URLs whatever is published,
    so which part a page is in does not depend on the catalogs, and one part renders without the others."""
    pages = site.every_page()
    per_part = max(1, PART_URLS // max(1, len(_languages(site))))
    return [pages[start : start + per_part] for start in range(0, len(pages), per_part)] or [[]]


def entries(site: Site, pages: list[Page]) -> list[str]:
    """One <url> entry per published page and language, each with its alternates."""
    base = site.settings.base_url
    root = quoteattr(absolute(base, path_for("root")))
    found = []
    for page in pages:
        published = [language for language in _languages(site) if site.is_published(page, language)]
        for language in published:
            lines = ["  <url>", f"    <loc>{absolute(base, page_path(language, page))}</loc>"]
            if page.reviewed:
                lines.append(f"    <lastmod>{page.reviewed.isoformat()}</lastmod>")
            for alternate in published:
                href = quoteattr(absolute(base, page_path(alternate, page)))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alternate.code}" href={href}/>')
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={root}/>')
            lines.append("  </url>")
            found.append("\n".join(lines) + "\n")
    return found


def render_part(site: Site, number: int) -> str:
    """Part `number` (from 1) of the sitemap: a <urlset> of its pages' published URLs."""
    group = page_groups(site)[number - 1]
    return URLSET_OPEN + "".join(entries(site, group)) + URLSET_CLOSE


def part_count(site: Site) -> int:
    return len(page_groups(site))


def part_path(number: int) -> str:
    return path_for("sitemap_part", number=number)


def render_sitemap(site: Site) -> str:
    """/sitemap.xml: the whole sitemap when one part holds it, else an index of the parts."""
    count = part_count(site)
    if count == 1:
        return render_part(site, 1)
    base = site.settings.base_url
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for number in range(1, count + 1):
        lines.append(f"  <sitemap><loc>{absolute(base, part_path(number))}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def render_robots(site: Site) -> str:
    return "\n".join(
        [
            "User-agent: *",
            "Disallow: /choose-language/",
            f"Sitemap: {site.settings.base_url}/sitemap.xml",
            "",
        ]
    )

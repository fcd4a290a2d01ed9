"""sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..core.site import Site
from ..core.urls import absolute, page_path, path_for

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


# The sitemap protocol's limits per file (sitemaps.org): beyond them, /sitemap.xml is an index.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
URLSET_OPEN = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
URLSET_CLOSE = "</urlset>\n"


def sitemap_entries(site: Site) -> list[str]:
    """One <url> entry per published page and language, each with its alternates."""
    base = site.settings.base_url
    languages = [language for language in site.languages if not language.is_pseudo]
    entries = []
    for page in (*site.pages.values(), *site.topics.values()):
        published = [language for language in languages if site.is_published(page, language)]
        for language in published:
            lines = ["  <url>", f"    <loc>{absolute(base, page_path(language, page))}</loc>"]
            if page.reviewed:
                lines.append(f"    <lastmod>{page.reviewed.isoformat()}</lastmod>")
            for alternate in published:
                href = quoteattr(absolute(base, page_path(alternate, page)))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alternate.code}" href={href}/>')
            root = quoteattr(absolute(base, path_for("root")))
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={root}/>')
            lines.append("  </url>")
            entries.append("\n".join(lines) + "\n")
    return entries


def sitemap_parts(site: Site, max_urls: int | None = None, max_bytes: int | None = None) -> list[str]:
    """The sitemap files: one if everything fits the protocol's limits, else as many as needed."""
    max_urls = max_urls or MAX_URLS
    max_bytes = max_bytes or MAX_BYTES
    parts: list[str] = []
    current: list[str] = []
    size = len(URLSET_OPEN) + len(URLSET_CLOSE)
    for entry in sitemap_entries(site):
        entry_size = len(entry.encode("utf-8"))
        if current and (len(current) >= max_urls or size + entry_size > max_bytes):
            parts.append(URLSET_OPEN + "".join(current) + URLSET_CLOSE)
            current, size = [], len(URLSET_OPEN) + len(URLSET_CLOSE)
        current.append(entry)
        size += entry_size
    parts.append(URLSET_OPEN + "".join(current) + URLSET_CLOSE)
    return parts


def part_path(number: int) -> str:
    return path_for("sitemap_part", number=number)


def render_sitemap(site: Site, parts: list[str] | None = None) -> str:
    """/sitemap.xml: the whole sitemap, or, when it needs several files, an index of them."""
    parts = sitemap_parts(site) if parts is None else parts
    if len(parts) == 1:
        return parts[0]
    base = site.settings.base_url
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for number in range(1, len(parts) + 1):
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

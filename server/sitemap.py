"""sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from .site import Site
from .urls import absolute, page_path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def render_sitemap(site: Site) -> str:
    """Every published page in every language, each with its alternates."""
    base = site.settings.base_url
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    languages = [language for language in site.languages if not language.is_pseudo]
    for page in (*site.pages.values(), *site.topics.values()):
        published = [language for language in languages if site.is_published(page, language)]
        for language in published:
            lines.append("  <url>")
            lines.append(f"    <loc>{absolute(base, page_path(language, page))}</loc>")
            if page.reviewed:
                lines.append(f"    <lastmod>{page.reviewed.isoformat()}</lastmod>")
            for alternate in published:
                href = quoteattr(absolute(base, page_path(alternate, page)))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alternate.code}" href={href}/>')
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(base + "/")}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
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

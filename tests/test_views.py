"""Routing, language negotiation, redirects, cookies and not-found pages, through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server import create_app
from server.core.content import load_page

from .conftest import ROOT, repository_settings, write_catalog, write_content

PAGES = ["/en/", "/en/back-pain-miscarriage", "/en/back-pain-third-trimester", "/en/medical-information",
         "/en/privacy", "/en/terms", "/en/accessibility", "/en/topics/miscarriage-signs",
         "/en/topics/back-ache", "/en/topics/miscarriage-back-pain"]  # fmt: skip


def spanish_site(site_copy: Path, make_client: Callable[..., TestClient], **changes: object) -> TestClient:
    """A site with a complete Spanish content catalog (pseudo-Spanish: "ES:" + English)."""
    messages = {}
    for path in (site_copy / "content").rglob("*.md"):
        for block in load_page(path).blocks:
            messages[block.text] = "ES: " + block.text
    write_content(site_copy, "es", messages)
    return make_client(**changes)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_landmarks(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    for landmark in ("<header", "<main", "<footer", 'aria-label="Language"'):
        assert landmark in html
    assert html.index('class="skip-link" href="#main-content"') < html.index("<header")
    assert 'id="main-content"' in html
    assert '<html lang="en" dir="ltr">' in html
    assert response.headers["content-language"] == "en"
    assert "vary" not in response.headers or "Accept-Language" not in response.headers["vary"]
    assert 'rel="canonical" href="http://127.0.0.1:8000' + path + '"' in html
    assert 'hreflang="x-default"' in html
    for footer_page in ("medical-information", "privacy", "terms", "accessibility"):
        assert f'href="/en/{footer_page}"' in html
    assert 'Copyright © 2021 <span lang="en" dir="ltr">Mac Millan Interactive Communications, LLC</span>' in html


def test_seed_article_keeps_all_its_text_in_order(client: TestClient) -> None:
    seed = (ROOT / "tests/data/seed-article.txt").read_text(encoding="utf-8")  # the article as published
    body = seed.split("Miscarriage Signs : Back Ache")[0]
    body = body.replace("Related Articles\nBack Pain In Third Trimester\n", "")
    html = client.get("/en/back-pain-miscarriage").text
    text = re.sub(r"<[^>]+>", " ", html).replace("&quot;", '"').replace("&#39;", "'").replace("Important:", "")
    text = " ".join(text.split())
    position = 0
    for sentence in re.split(r"(?<=[.?])\s+", " ".join(body.split())):
        found = text.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(sentence)


def test_article_has_disclaimer_callout_related_and_topics(client: TestClient) -> None:
    html = client.get("/en/back-pain-miscarriage").text
    assert re.search(r'<aside class="disclaimer" aria-labelledby="disclaimer-title">', html)
    assert "does not provide medical advice, diagnosis or treatment" in html
    assert re.search(r'<div class="callout">\s*<p><strong class="callout-label">Important:</strong>', html)
    assert 'href="/en/back-pain-third-trimester"' in html
    for topic in ("miscarriage-signs", "back-ache", "miscarriage-back-pain"):
        assert f'href="/en/topics/{topic}"' in html
    assert "Last reviewed: November 25, 2026" in html
    assert re.search(r"Reading time: \d+ minutes?", html)


def test_topic_page_lists_its_articles(client: TestClient) -> None:
    html = client.get("/en/topics/back-ache").text
    assert 'href="/en/back-pain-miscarriage"' in html
    assert 'href="/en/back-pain-third-trimester"' in html
    assert "This topic has 2 articles." in html
    signs = client.get("/en/topics/miscarriage-signs").text
    assert "This topic has 1 article." in signs
    assert 'href="/en/back-pain-third-trimester"' not in signs


def test_home_lists_every_topic_and_every_article_is_one_link_further(client: TestClient) -> None:
    """A library's home lists its topics (and any article filed under none), not thousands of articles."""
    html = client.get("/en/").text
    topics = ("miscarriage-signs", "back-ache", "miscarriage-back-pain")
    assert all(f'href="/en/topics/{topic}"' in html for topic in topics)
    assert 'href="/en/back-pain-miscarriage"' not in html.split("<main", 1)[1]  # filed under topics
    reachable = "".join(client.get(f"/en/topics/{topic}").text for topic in topics)
    assert 'href="/en/back-pain-miscarriage"' in reachable and 'href="/en/back-pain-third-trimester"' in reachable


def test_an_article_under_no_topic_is_listed_on_the_home_page(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    article = site_copy / "content/back-pain-third-trimester.md"
    article.write_text(article.read_text(encoding="utf-8").replace('topics = ["back-ache"]', "topics = []"), "utf-8")
    html = make_client().get("/en/").text
    assert 'href="/en/back-pain-third-trimester"' in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("headers", "location"),
    [
        ({}, "/en/"),
        ({"Accept-Language": ""}, "/en/"),
        ({"Accept-Language": "es;q=0.9, fr;q=0.8"}, "/es/"),
        ({"Accept-Language": "es-MX"}, "/es/"),
        ({"Accept-Language": "ca-ES"}, "/en/"),
        ({"Accept-Language": "es", "Cookie": "site_language=en"}, "/en/"),  # the reader's choice wins
        ({"Accept-Language": "es", "Cookie": "site_language=klingon"}, "/es/"),  # garbage cookie is ignored
        ({"Accept-Language": "es;q=NaN, <b>"}, "/en/"),
    ],
)
def test_root_redirects_to_the_best_language(
    site_copy: Path, make_client: Callable[..., TestClient], headers: dict[str, str], location: str
) -> None:
    client = spanish_site(site_copy, make_client)
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["location"] == location
    assert response.headers["vary"] == "Accept-Language, Cookie"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/EN/", "/en/"),
        ("/En/privacy", "/en/privacy"),
        ("/en_US/privacy", None),
        ("/EN/topics/back-ache", "/en/topics/back-ache"),
        ("/en", "/en/"),
        ("/EN", "/en/"),
    ],
)
def test_other_spellings_of_a_language_redirect_permanently(
    client: TestClient, path: str, location: str | None
) -> None:
    response = client.get(path)
    if location is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 301
        assert response.headers["location"] == location


def test_zh_hans_spellings_redirect_to_the_canonical_url(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    write_catalog(site_copy / "locales/zh_Hans/LC_MESSAGES/interface.po", "zh_Hans", {"Language": "语言"})
    client = make_client()
    assert client.get("/zh_Hans/privacy").headers["location"] == "/zh-hans/privacy"
    assert client.get("/ZH-HANS/").headers["location"] == "/zh-hans/"


@pytest.mark.parametrize(
    "path",
    ["/xx/", "/en/no-such-page", "/en/topics/no-such-topic", "/en/index", "/en/topics/", "/nowhere",
     "/en/back-pain-miscarriage/extra", "/static/site.css", "/choose-language/xx/"],
)  # fmt: skip
def test_unknown_pages_get_a_localized_404_with_a_link_home(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/en/"' in response.text
    assert "Traceback" not in response.text


def test_404_uses_the_readers_language(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    write_catalog(site_copy / "locales/es/LC_MESSAGES/interface.po", "es", {"Page not found": "Página no encontrada"})
    client = make_client()
    response = client.get("/nowhere", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert "Página no encontrada" in response.text
    assert '<html lang="es" dir="ltr">' in response.text
    assert "Página no encontrada" in client.get("/es/nowhere").text


def test_language_switcher_names_languages_in_themselves(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    client = spanish_site(site_copy, make_client)
    html = client.get("/en/privacy").text
    assert re.search(
        r'<a href="/choose-language/es/privacy" hreflang="es" lang="es" dir="ltr" rel="alternate">Español</a>', html
    )
    assert '<span class="current" lang="en" dir="ltr" aria-current="true">English</span>' in html
    assert '<link rel="alternate" hreflang="es" href="http://127.0.0.1:8000/es/privacy">' in html


def test_choosing_a_language_sets_one_cookie_and_redirects_within_the_site(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    client = spanish_site(site_copy, make_client)
    response = client.get("/choose-language/es/topics/back-ache")
    assert response.status_code == 303
    assert response.headers["location"] == "/es/topics/back-ache"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("site_language=es;")
    assert "SameSite=lax" in cookie and "HttpOnly" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie
    assert client.get("/").headers["location"] == "/es/"  # remembered for the next visit


def test_the_cookie_is_secure_behind_https(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    client = spanish_site(site_copy, make_client, behind_https=True)
    assert "Secure" in client.get("/choose-language/es/").headers["set-cookie"]


@pytest.mark.parametrize(
    "path",
    ["/choose-language/es//evil.example", "/choose-language/es/https:%2F%2Fevil.example",
     "/choose-language/es/..%2F..%2Fetc%2Fpasswd", "/choose-language/es/topics/%2F%2Fevil.example"],
)  # fmt: skip
def test_choosing_never_redirects_outside_the_site(
    site_copy: Path, make_client: Callable[..., TestClient], path: str
) -> None:
    response = spanish_site(site_copy, make_client).get(path)
    assert response.status_code == 404
    assert "set-cookie" not in response.headers


def test_plain_page_views_and_redirects_set_no_cookie(client: TestClient) -> None:
    for path in ["/", *PAGES, "/nowhere", "/EN/"]:
        assert "set-cookie" not in client.get(path).headers, path


def test_sitemap_lists_every_published_page_with_alternates(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    xml = spanish_site(site_copy, make_client).get("/sitemap.xml").text
    for path in PAGES:
        assert f"<loc>http://127.0.0.1:8000{path}</loc>" in xml
        assert f"<loc>http://127.0.0.1:8000{path.replace('/en/', '/es/', 1)}</loc>" in xml
    assert 'hreflang="x-default"' in xml


def test_robots_and_favicon(client: TestClient) -> None:
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in client.get("/robots.txt").text
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.headers["cache-control"] == "public, max-age=86400"  # not a permanent redirect to a hashed URL
    assert "<svg" in icon.text


def test_stylesheet_is_served_with_a_hashed_name_and_long_cache(client: TestClient) -> None:
    href = re.search(r'<link rel="stylesheet" href="([^"]+)">', client.get("/en/").text)
    assert href and re.fullmatch(r"/static/site\.[0-9a-f]{12}\.css", href.group(1))
    response = client.get(href.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert "margin-inline" in response.text


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").text == "ok"


def test_a_404_chosen_from_the_readers_headers_varies_with_them(client: TestClient) -> None:
    assert "Accept-Language" in client.get("/nowhere").headers.get("vary", "")
    assert "Accept-Language" not in client.get("/en/nowhere").headers.get("vary", "")


def test_a_method_not_allowed_says_which_are(client: TestClient) -> None:
    response = client.post("/en/privacy")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_a_choice_spelled_otherwise_is_still_remembered(client: TestClient) -> None:
    response = client.get("/choose-language/ES/privacy", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/es/privacy"
    assert response.headers["set-cookie"].startswith("site_language=es;")


def test_the_switcher_is_a_disclosure_that_names_the_current_language(client: TestClient) -> None:
    html = client.get("/pl/").text
    nav = html.split('<nav class="language-nav"', 1)[1].split("</nav>", 1)[0]
    assert "<details>" in nav and "</details>" in nav
    summary = nav.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert '<span lang="pl" dir="ltr">Polski</span>' in summary
    assert len(re.findall(r"<li>", nav)) == 12  # every language, each named in itself
    assert '<span lang="ur" dir="rtl">' in nav or 'lang="ur" dir="rtl"' in nav


def test_the_status_page_shows_its_language_and_links_to_every_other_languages(client: TestClient) -> None:
    """One language per status page: in a library each lists thousands of pages."""
    html = client.get("/uk/translation-status").text
    assert re.findall(r'<h2 id="status-([a-z-]+)">', html) == ["uk"]
    assert "<code>back-pain-miscarriage</code>" in html
    links = html.split('<ul class="jump-links">', 1)[1].split("</ul>", 1)[0]
    assert len(re.findall(r'href="/([a-z-]+)/translation-status"', links)) == 11  # every translation
    assert re.search(r'href="/uk/translation-status" lang="uk" dir="ltr" aria-current="page"', links)
    source = client.get("/en/translation-status").text  # the source language: only the links
    assert "<h2" not in source.split("<main", 1)[1].split("</main>", 1)[0] and 'href="/de/translation-status"' in source


def test_bengali_pages_write_numbers_in_bengali_digits(client: TestClient) -> None:
    html = client.get("/bn/back-pain-miscarriage").text
    meta = html.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert re.search(r"[০-৯]", meta) and not re.search(r"[0-9]", meta), meta  # date and reading time alike
    note = html.split('<p class="review-note">', 1)[1].split("</p>", 1)[0]
    assert "২০২৬" in note and "2026" not in note
    urdu = client.get("/ur/back-pain-miscarriage").text.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert re.search(r"[0-9]", urdu)  # Urdu's CLDR default is ASCII digits


def test_a_sitemap_beyond_one_part_becomes_an_index_of_parts_within_the_protocols_limits(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.core.site import Site
    from server.render import sitemap

    site: Site = client.app.state.holder.site  # type: ignore[attr-defined]
    whole = sitemap.render_sitemap(site)
    assert sitemap.part_count(site) == 1 and whole.count("<url>") > 100  # today's site fits one file
    monkeypatch.setattr(sitemap, "PART_URLS", 50)
    count = sitemap.part_count(site)
    parts = [sitemap.render_part(site, number) for number in range(1, count + 1)]
    assert count > 1 and all(part.count("<url>") <= 50 for part in parts)
    locations = sorted(re.findall(r"<loc>(.*?)</loc>", "".join(parts)))
    assert locations == sorted(re.findall(r"<loc>(.*?)</loc>", whole))  # nothing lost, nothing twice
    index = sitemap.render_sitemap(site)
    assert index.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex')
    assert index.count("<sitemap><loc>http://127.0.0.1:8000/sitemaps/") == count


def test_a_part_stays_within_the_protocols_limits_with_many_languages() -> None:
    """The worst case of PART_URLS: every URL published in 60 languages, with long slugs."""
    from server.render import sitemap

    alternates = 60
    entry = 220 + alternates * (len('    <xhtml:link rel="alternate" hreflang="zh-Hant-HK" href=""/>\n') + 90)
    assert sitemap.PART_URLS <= sitemap.MAX_URLS and sitemap.PART_URLS * entry <= sitemap.MAX_BYTES


def test_the_server_serves_every_part_of_a_split_sitemap(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.render import sitemap

    monkeypatch.setattr(sitemap, "PART_URLS", 40)
    client = TestClient(create_app(repository_settings()))
    index = client.get("/sitemap.xml").text
    locations = re.findall(r"<loc>http://127\.0\.0\.1:8000(/sitemaps/\d+\.xml)</loc>", index)
    assert len(locations) > 1
    urls = 0
    for location in locations:
        part = client.get(location)
        assert part.status_code == 200 and part.headers["content-type"].startswith("application/xml")
        urls += part.text.count("<url>")
    site = client.app.state.holder.site  # type: ignore[attr-defined]
    assert urls == len(sitemap.entries(site, site.every_page()))
    assert client.get(f"/sitemaps/{len(locations) + 1}.xml").status_code == 404
    assert client.get("/sitemaps/0.xml").status_code == 404

"""Incomplete and hostile translations: fallback with lang marking, escaping, placeholder safety."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from server.core.content import load_page

from .conftest import required_messages, write_catalog, write_content

ARTICLE = "back-pain-third-trimester"


def test_untranslated_block_falls_back_to_english_marked_with_lang(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    messages = required_messages(site_copy, ARTICLE)
    write_content(site_copy, "ar", messages)
    html = make_client().get(f"/ar/{ARTICLE}").text
    assert '<html lang="ar" dir="rtl">' in html
    # an untranslated paragraph is English, and says so, with its direction
    assert re.search(r'<p lang="en" dir="ltr">Many people have back pain in pregnancy', html)
    assert re.search(r'<li lang="en" dir="ltr">Wear flat shoes', html)
    # translated blocks carry no lang of their own: they are in the page's language
    assert re.search(r"<h1>FR Back Pain in the Third Trimester</h1>", html)
    assert 'class="notice"' in html


def test_fuzzy_translation_is_not_used(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    messages = required_messages(site_copy, ARTICLE)
    heading = "Why it happens"
    messages[heading] = "Pourquoi (à revoir)"
    write_content(site_copy, "fr", messages, fuzzy=(heading,))
    html = make_client().get(f"/fr/{ARTICLE}").text
    assert "à revoir" not in html
    assert '<h2 lang="en" dir="ltr">Why it happens</h2>' in html


def test_complete_page_has_no_fallback_notice(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    page = load_page(site_copy / f"content/{ARTICLE}.md")
    messages = required_messages(site_copy, ARTICLE)
    messages.update({block.text: "FR " + block.text for block in page.blocks})
    write_content(site_copy, "fr", messages)
    pot_messages = ["Related articles", "Topics", "Skip to main content"]
    write_catalog(site_copy / "locales/fr/LC_MESSAGES/interface.po", "fr", {m: "FR " + m for m in pot_messages})
    html = make_client().get(f"/fr/{ARTICLE}").text
    main = html[html.index("<main") : html.index('<aside class="related"')]
    assert not re.search(r"\slang=\"en\"", main)  # every block of the article is translated
    # the interface catalog is incomplete, so the notice is still shown
    assert 'class="notice"' in html


def test_page_missing_a_required_block_is_not_published(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    messages = required_messages(site_copy, ARTICLE)
    callout = next(text for text in messages if text.startswith("Contact your midwife"))
    del messages[callout]
    write_content(site_copy, "de", messages)
    client = make_client()
    response = client.get(f"/de/{ARTICLE}")
    assert response.status_code == 404
    assert f'href="/en/{ARTICLE}"' in response.text  # offered in a complete language
    assert '<html lang="de" dir="ltr">' in response.text
    switcher = client.get(f"/en/{ARTICLE}").text
    assert re.search(r'<span lang="de" dir="ltr">Deutsch</span> <span class="note">\(not yet available', switcher)
    assert 'hreflang="de"' not in switcher
    assert f"/de/{ARTICLE}" not in client.get("/sitemap.xml").text
    # other pages whose required blocks are translated are still published
    assert client.get("/de/topics/back-ache").status_code == 404  # its title is not translated either


def test_translated_markup_is_never_injected_nor_shown(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    messages = required_messages(site_copy, ARTICLE)
    messages["Why it happens"] = '<script>alert("x")</script> Pourquoi'
    messages["Wear flat shoes, which spread your weight more evenly."] = '<img src=x onerror="alert(1)"> chaussures'
    write_content(site_copy, "fr", messages)
    write_catalog(
        site_copy / "locales/fr/LC_MESSAGES/interface.po",
        "fr",
        {"Related articles": "<b onmouseover=alert(1)>Articles</b>", "Skip to main content": "Aller au <i>contenu</i>"},
    )
    html = make_client().get(f"/fr/{ARTICLE}").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    # nor shown as text: HTML is a mistake (`check` reports it), so the English is shown instead
    assert "&lt;script&gt;" not in html and "onmouseover" not in html and "Aller au" not in html
    assert '<h2 lang="en" dir="ltr">Why it happens</h2>' in html
    assert "Related articles" in html and "Skip to main content" in html


def test_a_translation_with_changed_links_falls_back_to_the_source(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    messages = required_messages(site_copy, ARTICLE) | required_messages(site_copy, "back-pain-miscarriage")
    source = "Read about [back pain as a warning sign of miscarriage](page:back-pain-miscarriage)."
    messages[source] = "Lire [ceci](javascript:alert(1))."
    write_content(site_copy, "fr", messages)
    html = make_client().get(f"/fr/{ARTICLE}").text
    assert "javascript:" not in html
    assert '<p lang="en" dir="ltr">Read about <a href="/fr/back-pain-miscarriage">' in html


def test_wrong_placeholder_falls_back_instead_of_failing(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    messages = required_messages(site_copy, ARTICLE)
    write_content(site_copy, "fr", messages)
    write_catalog(
        site_copy / "locales/fr/LC_MESSAGES/interface.po",
        "fr",
        {
            "Last reviewed: %(date)s": "Revu le %(datum)s",
            "Reading time: %(count)s minute": (
                "Lecture : %(count)s minute",
                "Lecture : %(count)s de minutes",
                "Lecture : %(count)s minutes",
            ),
        },
    )
    response = make_client().get(f"/fr/{ARTICLE}")
    assert response.status_code == 200
    assert "Last reviewed: 25 novembre 2026" in response.text  # source string, French date
    assert re.search(r"Lecture : \d minutes?", response.text)


def test_links_in_content_point_to_the_same_language(site_copy: Path, make_client: Callable[..., TestClient]) -> None:
    messages = required_messages(site_copy, ARTICLE) | required_messages(site_copy, "back-pain-miscarriage")
    source = "Read about [back pain as a warning sign of miscarriage](page:back-pain-miscarriage)."
    messages[source] = "Lire [l'article](page:back-pain-miscarriage)."
    write_content(site_copy, "fr", messages)
    html = make_client().get(f"/fr/{ARTICLE}").text
    assert '<p>Lire <a href="/fr/back-pain-miscarriage">l\'article</a>.</p>' in html


def test_links_to_a_page_not_published_in_the_language_go_to_the_english_page(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    messages = required_messages(site_copy, ARTICLE)  # the other article stays untranslated
    source = "Read about [back pain as a warning sign of miscarriage](page:back-pain-miscarriage)."
    messages[source] = "Lire [l'article](page:back-pain-miscarriage)."
    write_content(site_copy, "fr", messages)
    client = make_client()
    html = client.get(f"/fr/{ARTICLE}").text
    # a link in the text says, like the lists, that it leads to the English page
    assert '<p>Lire <a href="/en/back-pain-miscarriage" hreflang="en">l\'article</a> (anglais).</p>' in html
    assert client.get("/fr/back-pain-miscarriage").status_code == 404
    # related articles, topics, footer and breadcrumbs: English page, marked as English, and said so
    related = html.split('id="related-title"', 1)[1].split("</aside>", 1)[0]
    assert '<a href="/en/back-pain-miscarriage" lang="en" dir="ltr" hreflang="en">' in related
    assert '<span class="note">(anglais)</span>' in related
    footer = html.split("<footer", 1)[1]
    assert '<a href="/en/privacy" lang="en" dir="ltr" hreflang="en">Privacy policy</a>' in footer
    assert 'href="/fr/privacy"' not in html
    # the disclaimer keeps its translated title and summary; its link goes to the English page
    disclaimer = html.split('class="disclaimer"', 1)[1].split("</aside>", 1)[0]
    assert "Informations médicales" in disclaimer and "Avis FR." in disclaimer
    assert '<a href="/en/medical-information" hreflang="en">' in disclaimer
    # no page links to a French page that answers 404
    for href in set(re.findall(r'href="(/fr/[^"]*)"', html)):
        assert client.get(href).status_code == 200, href


def test_the_unavailable_pages_home_link_never_points_to_itself(
    site_copy: Path, make_client: Callable[..., TestClient]
) -> None:
    write_content(site_copy, "fr", required_messages(site_copy, ARTICLE))
    client = make_client()
    unavailable = client.get("/fr/")  # the French home page is not translated
    assert unavailable.status_code == 404
    assert '<a href="/en/" hreflang="en">' in unavailable.text
    assert 'href="/fr/"' not in unavailable.text


def test_counts_are_formatted_for_the_language() -> None:
    from server.core.catalogs import EMPTY
    from server.core.languages import Language
    from server.core.translation import Translator

    translator = Translator(Language.from_code("de"), Language.from_code("en"), EMPTY, lambda page: EMPTY)
    shown = translator.ngettext("%(count)s article", "%(count)s articles", 1234, {"count": 1234})
    assert str(shown) == "1.234 articles"


PIECES = [*"ab *_`[]()<>!\\\n&#;:/.%-é", "page:x", "http://x", "  \n"]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@settings(max_examples=500)
def test_plain_text_shortcuts_agree_with_the_markdown_parser(text: str) -> None:
    """Text without any of MARKUP_CHARACTERS skips parsing: the parser must find nothing in it either."""
    from server.core.inline import _HTML_PARSER, MARKUP_CHARACTERS, _signature

    if MARKUP_CHARACTERS.isdisjoint(text):
        assert _signature(text) == ()
    if "<" not in text:
        tokens = _HTML_PARSER.parseInline(text)
        assert not [token for token in (tokens[0].children or []) if token.type == "html_inline"]

"""What a template needs to show one page in one language."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from ..core.content import Block, ItemList, Page
from ..core.inline import ResolvedLink, render_inline
from ..core.languages import Language
from ..core.site import DISCLAIMER_SLUG, Site
from ..core.translation import Text, Translator
from ..core.urls import absolute, choose_path, page_path

FOOTER_SLUGS = ("medical-information", "privacy", "terms", "accessibility")


@dataclass(frozen=True)
class RenderedBlock:
    kind: str  # "heading", "paragraph", "list_item"
    html: Markup
    lang: str | None  # set when the block fell back to the source language
    dir: str | None
    level: int = 0
    is_callout: bool = False


@dataclass(frozen=True)
class RenderedList:
    ordered: bool
    items: tuple[RenderedBlock, ...]
    kind: str = "list"


@dataclass(frozen=True)
class Link:
    url: str
    text: Text
    summary: Text | None = None
    in_language: Language | None = None  # set when the page is not published in the reader's language
    language_note: str | None = None  # that language's name in the reader's language: "(inglés)"


@dataclass(frozen=True)
class SwitcherEntry:
    language: Language
    url: str | None  # None: the current language, or not yet available for this page
    is_current: bool


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    url: str


class PageContext:
    """Builds the context for one page; records whether anything fell back to the source."""

    def __init__(self, site: Site, language: Language, page: Page) -> None:
        self.site = site
        self.language = language
        self.page = page
        self.translator: Translator = site.translator(language)
        self.fell_back = not site.is_interface_complete(language)

    def text(self, block: Block) -> Text:
        translated = self.translator.block(block)
        self.fell_back = self.fell_back or translated.fallback is not None
        return translated

    def block(self, block: Block) -> RenderedBlock:
        translated = self.text(block)
        return RenderedBlock(
            block.kind,
            render_inline(translated.text, self.resolve_link),
            translated.lang,
            translated.dir,
            block.level,
            block.is_callout,
        )

    def resolve_link(self, target: str) -> ResolvedLink | None:
        """A content link: to the page in the reader's language, or to the English page, saying so."""
        kind, _, slug = target.partition(":")
        pages: Mapping[str, Page] = {"page": self.site.pages, "topic": self.site.topics}.get(kind, {})
        if slug not in pages:
            return None
        language = self.readable_language(pages[slug])
        if language is self.language:
            return ResolvedLink(page_path(language, pages[slug]))
        return ResolvedLink(page_path(language, pages[slug]), language.code, self.name_of(language))

    def readable_language(self, page: Page) -> Language:
        """The reader's language if the page is published in it, else the source language."""
        return self.language if self.site.is_published(page, self.language) else self.site.source

    def name_of(self, language: Language) -> str | None:
        """Another language's name in the reader's language: the note after a link to a page in it."""
        return language.locale.get_display_name(self.language.locale)

    def link(self, page: Page, *, with_summary: bool = False) -> Link:
        """A link in the reader's language, or, for a page not published in it, to the source-language page."""
        if self.readable_language(page) is self.language:
            summary = self.text(page.summary) if with_summary else None
            return Link(page_path(self.language, page), self.text(page.title), summary)
        source = self.site.source
        original = self.site.translator(source)
        return Link(
            page_path(source, page),
            Text(original.block(page.title).text, source),
            Text(original.block(page.summary).text, source) if with_summary else None,
            in_language=source,
            language_note=self.name_of(source),
        )

    def disclaimer_link(self, disclaimer: Page) -> Link:
        """The disclaimer beside an article: always in the reader's language (publishing the article
        requires it), linking to the full page in the reader's language only once that is published."""
        target = self.link(disclaimer)
        return Link(
            target.url,
            self.text(disclaimer.title),
            self.text(disclaimer.summary),
            target.in_language,
            target.language_note,
        )

    def switcher(self) -> list[SwitcherEntry]:
        entries = []
        for language in self.site.languages:
            is_current = language.code == self.language.code
            available = self.site.is_published(self.page, language)
            url = choose_path(language, self.page) if available and not is_current else None
            entries.append(SwitcherEntry(language, url, is_current))
        return entries

    def alternates(self) -> list[Alternate]:
        base = self.site.settings.base_url
        alternates = [
            Alternate(language.code, absolute(base, page_path(language, self.page)))
            for language in self.site.languages
            if not language.is_pseudo and self.site.is_published(self.page, language)
        ]
        alternates.append(Alternate("x-default", absolute(base, "/")))
        return alternates

    def build(self) -> dict[str, Any]:
        site, page, language = self.site, self.page, self.language
        home = site.pages["index"]
        body = [
            RenderedList(node.ordered, tuple(self.block(item) for item in node.items))
            if isinstance(node, ItemList)
            else self.block(node)
            for node in page.body
        ]
        listing: list[Link] = []
        topics: list[Link] = []
        if page.kind == "home":
            # a library's home lists its topics, and only the articles filed under none: thousands of
            # articles are reached through their topics, not from one page
            topics = [self.link(topic, with_summary=True) for topic in site.sorted_topics]
            listing = [self.link(article, with_summary=True) for article in site.articles if not article.topics]
        elif page.kind == "topic":
            listing = [self.link(article, with_summary=True) for article in site.articles_in(page)]
        breadcrumbs = [] if page.kind == "home" else [self.link(home)]
        disclaimer = site.pages.get(DISCLAIMER_SLUG)
        context: dict[str, Any] = {
            "translator": self.translator,
            "language": language,
            "page": page,
            "title": self.text(page.title),
            "summary": self.text(page.summary),
            "body": body,
            "listing": listing,
            "topic_listing": topics,
            "breadcrumbs": breadcrumbs,
            "related": [self.link(site.pages[slug]) for slug in page.related if slug in site.pages],
            "topics": [self.link(site.topics[slug]) for slug in page.topics if slug in site.topics],
            "disclaimer": self.disclaimer_link(disclaimer) if disclaimer and page.kind == "article" else None,
            "reviewed": self.date(page.reviewed) if page.reviewed else None,
            "reading_minutes": page.reading_minutes,
            "home": self.link(home),
            "footer_links": [self.link(site.pages[slug]) for slug in FOOTER_SLUGS if slug in site.pages],
            "switcher": self.switcher(),
            "alternates": self.alternates(),
            "canonical": absolute(site.settings.base_url, page_path(language, page)),
            "provenance": self.provenance(),
            "review": self.review_note(),
            "contact_email": site.settings.contact_email,
        }
        context["has_fallback"] = self.fell_back
        context["preview_problems"] = preview_problems(site, language, page)
        return context

    def review_note(self) -> dict[str, str | None] | None:
        """How current and how reviewed this translation is, for the line under the title."""
        if self.language.is_pseudo:
            return None
        state = self.site.review_state(self.page, self.language)
        if state.status == "source":
            return None
        date = self.date(state.review.date) if state.review else None
        return {"status": state.status, "date": date}

    def provenance(self) -> str | None:
        """The date of the source text this translation was made from, from the catalog."""
        if self.translator.is_source or self.language.is_pseudo:
            return None
        revision = self.site.content_table(self.language.code, self.page.key).source_revision
        return self.date(revision) if revision else None

    def date(self, value: datetime.date) -> str:
        """A date as the language writes it, in its own digits."""
        return self.language.localize_digits(format_date(value, "long", locale=self.language.locale))


def preview_problems(site: Site, language: Language, page: Page) -> list[str]:
    """While translators preview (--reload or --review): stuck files and the page's rejected translations.

    Readers never see these; the log has them too.
    """
    if not (site.settings.reload or site.settings.review_mode) or language.code == site.source.code:
        return []
    folder = f"/{language.catalog_name}/"
    stuck = [problem for problem in site.problems if folder in problem]
    keys = [page.key, *(block.page for block in site.required_blocks(page) if block.page != page.key)]
    return [*stuck, *(str(rejection) for rejection in site.translator(language).rejections(*keys))]


def render_page(site: Site, language: Language, page: Page) -> str:
    template = "home.html" if page.kind == "home" else "topic.html" if page.kind == "topic" else "page.html"
    return site.environment.get_template(template).render(PageContext(site, language, page).build())


def render_message(site: Site, language: Language, template: str, **extra: Any) -> str:
    """A page that is not content: not found, not yet translated, translation status."""
    home = site.pages["index"]
    context = PageContext(site, language, home)
    context_values = {
        "translator": context.translator,
        "language": language,
        "home": context.link(home),
        "footer_links": [context.link(site.pages[slug]) for slug in FOOTER_SLUGS if slug in site.pages],
        "switcher": [
            SwitcherEntry(
                other,
                choose_path(other, home) if other.code != language.code and site.is_published(home, other) else None,
                other.code == language.code,
            )
            for other in site.languages
        ],
        "contact_email": site.settings.contact_email,
        "has_fallback": False,
        "preview_problems": preview_problems(site, language, home),
        "breadcrumbs": [context.link(home)],
        **extra,
    }
    return site.environment.get_template(template).render(context_values)

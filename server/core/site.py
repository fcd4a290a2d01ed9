"""Site: the loaded, immutable world of languages, catalogs, pages and templates."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from jinja2 import Environment, TemplateSyntaxError

from ..render.rendering import make_environment
from .catalogs import (
    DOMAINS,
    EMPTY,
    CatalogError,
    MessageTable,
    catalog_path,
    load_table,
    message_key,
    read_catalog,
    template_path,
)
from .content import ContentError, Page, load_page
from .glossary import EMPTY_GLOSSARY, Glossary, glossary_path, load_glossary
from .inline import link_targets
from .languages import PSEUDO_LOCALES, Language, code_from_catalog_name
from .pseudo import pseudo_table
from .reviews import Review, ReviewError, english_fingerprint, load_reviews, page_key, reviews_path
from .settings import Settings
from .translation import Translator
from .urls import HOME_SLUG

log = logging.getLogger("server.core.site")

DISCLAIMER_SLUG = "medical-information"  # its summary is the disclaimer shown beside every article


@dataclass(frozen=True)
class ReviewState:
    status: str  # "source", "reviewed", "outdated" (the English changed since) or "unreviewed"
    review: Review | None


@dataclass(frozen=True)
class Site:
    settings: Settings
    source: Language
    languages: tuple[Language, ...]  # the source language first
    pages: Mapping[str, Page]  # home, articles and pages, by slug
    topics: Mapping[str, Page]
    tables: Mapping[str, Mapping[str, MessageTable]]  # language code -> domain -> table
    interface_template: Catalog  # the interface .pot: every interface message
    content_messages: frozenset[str]  # every message of the content .pot: what translators were asked for
    reviews: Mapping[str, Mapping[str, Review]]  # language code -> page key -> its latest recorded review
    glossaries: Mapping[str, Glossary]  # language code -> approved terminology
    environment: Environment
    problems: tuple[str, ...] = field(default=())
    # What each part was built from: "source" (content, templates, .pot) and each language's catalogs.
    digests: Mapping[str, str] = field(default_factory=dict)
    # Responses rendered from this site, by key; a reload makes a new Site and so a new store.
    rendered: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    # Those responses as raw ASGI messages, by URL path for the fast path (caching.Prepared).
    prepared: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(
        cls, settings: Settings, previous: Site | None = None, static_urls: Mapping[str, str] | None = None
    ) -> Site:
        """Read everything. With `previous`, a broken file keeps its last good version.

        At start-up (no `previous`) a broken content file or template raises; a broken
        catalog never does: that language is served in the source language until it is fixed.
        """
        problems: list[str] = []
        source = Language.from_code(settings.source_language)
        pages, topics = _load_pages(settings.content_dir, previous, problems)
        languages, tables = _load_catalogs(settings, source, previous, problems)
        reviews, glossaries = _load_reviews_and_glossaries(settings, languages[1:], previous, problems)
        interface_template = _load_template(settings.locales_dir, "interface", previous, problems)
        content_template = _load_template(settings.locales_dir, "content", previous, problems)
        content_messages = frozenset(message_key(message) for message in content_template if message.id)
        if settings.pseudo_locales:
            every_block = {block.text for page in (*pages.values(), *topics.values()) for block in page.blocks}
            for code in PSEUDO_LOCALES:
                languages.append(Language.from_code(code))
                tables[code] = {
                    "interface": _pseudo_interface(interface_template, code),
                    "content": pseudo_table(every_block, (), code),
                }
        environment = _load_environment(settings, previous, problems, static_urls or {})
        for problem in broken_references(pages, topics):
            problems.append(problem)
            log.warning("%s", problem)
        return cls(
            digests={
                **{language.code: "" for language in languages},  # the source and pseudo-locales: no catalogs
                **_digests(settings, [language.catalog_name for language in languages[1:] if not language.is_pseudo]),
            },
            settings=settings,
            source=source,
            languages=tuple(languages),
            pages=pages,
            topics=topics,
            tables=tables,
            interface_template=interface_template,
            content_messages=content_messages,
            reviews=reviews,
            glossaries=glossaries,
            environment=environment,
            problems=tuple(problems),
        )

    @property
    def published(self) -> frozenset[tuple[str, str, str]]:
        """(language, kind, slug) of every page live in a language: what switchers and sitemaps show."""
        return frozenset(
            (language.code, page.kind, page.slug)
            for language in self.languages
            for page in (*self.pages.values(), *self.topics.values())
            if self.is_published(page, language)
        )

    def language(self, code: str) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)

    def translator(self, language: Language) -> Translator:
        tables = self.tables.get(language.code, {})
        return Translator(language, self.source, tables.get("interface", EMPTY), tables.get("content", EMPTY))

    @property
    def articles(self) -> list[Page]:
        return sorted((page for page in self.pages.values() if page.kind == "article"), key=lambda p: p.title.text)

    def articles_in(self, topic: Page) -> list[Page]:
        return [page for page in self.articles if topic.slug in page.topics]

    def required_blocks(self, page: Page) -> list[str]:
        """Messages that must be translated before the page is published in a language."""
        required = [block.text for block in page.required_blocks]
        disclaimer = self.pages.get(DISCLAIMER_SLUG)
        if page.kind == "article" and disclaimer is not None:
            required += [disclaimer.title.text, disclaimer.summary.text]
        return required

    def blocking_messages(self, page: Page, language: Language) -> list[str]:
        """Required messages with no translation at all, which keep the page from being published.

        Once a page has been translated, an author's edit never takes it away from readers:
        a fuzzy translation (of the earlier English) does not block, and neither does English
        that is newer than the catalogs (not yet extracted by `update`). The changed block is
        shown in English, and the page is flagged as needing review, until a translator has
        seen it.
        """
        if language.code == self.source.code:
            return []
        content = self.tables.get(language.code, {}).get("content", EMPTY)
        started = any(content.gettext(block.text) is not None for block in page.blocks)
        return [
            message
            for message in dict.fromkeys(self.required_blocks(page))
            if content.gettext(message) is None
            and message not in content.fuzzy
            and (message in self.content_messages or not started)
        ]

    def is_published(self, page: Page, language: Language) -> bool:
        """Readers see a translation once its required blocks are translated and a review is recorded.

        In review mode, translators and reviewers also see the translations that wait for a review.
        """
        if self.settings.review_mode:
            return not self.blocking_messages(page, language)
        return self.is_published_for_readers(page, language)

    def is_published_for_readers(self, page: Page, language: Language) -> bool:
        """What readers see, whether or not this server runs in review mode."""
        if self.blocking_messages(page, language):
            return False
        return self.review_state(page, language).status != "unreviewed"

    def review_state(self, page: Page, language: Language) -> ReviewState:
        """Whether the translation of a page was reviewed against its current English."""
        if language.code == self.source.code or language.is_pseudo:
            return ReviewState("source", None)
        review = self.reviews.get(language.code, {}).get(page_key(page))
        if review is None:
            return ReviewState("unreviewed", None)
        current = review.english == english_fingerprint(page)
        return ReviewState("reviewed" if current else "outdated", review)

    def changed_since_translation(self, page: Page, language: Language) -> list[str]:
        """Messages of a published page whose English changed after it was translated (fuzzy, or not yet extracted)."""
        if language.code == self.source.code or not self.is_published(page, language):
            return []
        content = self.tables.get(language.code, {}).get("content", EMPTY)
        return [
            block.text
            for block in page.blocks
            if content.gettext(block.text) is None
            and (block.text in content.fuzzy or block.text not in self.content_messages)
        ]

    def needs_review(self, page: Page, language: Language) -> bool:
        """Whether a published translation waits for review: its English changed, or nobody reviewed it yet."""
        if not self.is_published(page, language):
            return False
        return bool(self.changed_since_translation(page, language)) or self.review_state(page, language).status in (
            "outdated",
            "unreviewed",
        )

    def is_interface_complete(self, language: Language) -> bool:
        if language.code == self.source.code:
            return True
        interface = self.tables.get(language.code, {}).get("interface", EMPTY)
        for message in self.interface_template:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                if message.id[0] not in interface.plural:
                    return False
            elif interface.gettext(message.id) is None:
                return False
        return True


def _digests(settings: Settings, catalog_names: list[str]) -> dict[str, str]:
    def digest(paths: list[Path]) -> str:
        hasher = hashlib.sha256()
        for path in sorted(paths):
            hasher.update(str(path).encode())
            try:
                hasher.update(path.read_bytes())
            except OSError:
                hasher.update(b"unreadable")
        return hasher.hexdigest()

    source = [
        *settings.content_dir.rglob("*.md"),
        *settings.templates_dir.rglob("*.html"),
        *settings.locales_dir.glob("*.pot"),
    ]
    digests = {"source": digest(source)}
    for name in catalog_names:
        # catalogs, glossary and review records: a page shows how it was reviewed
        files = [path for path in (settings.locales_dir / name).rglob("*") if path.suffix in (".po", ".toml")]
        digests[code_from_catalog_name(name)] = digest(files)
    return digests


def _load_pages(
    content_dir: Path, previous: Site | None, problems: list[str]
) -> tuple[dict[str, Page], dict[str, Page]]:
    last_good = {page.path: page for page in (*previous.pages.values(), *previous.topics.values())} if previous else {}
    pages: dict[str, Page] = {}
    topics: dict[str, Page] = {}
    for path in sorted(content_dir.rglob("*.md")):
        try:
            page = load_page(path)
        except (ContentError, OSError) as error:
            if previous is None:
                raise ContentError(path, getattr(error, "lineno", 1), _reason(error)) from None
            problems.append(str(error))
            log.error("content error: %s; serving the last good version", error)
            if str(path) not in last_good:
                continue
            page = last_good[str(path)]
        bucket = topics if page.kind == "topic" else pages
        if page.slug in bucket:
            raise ContentError(path, 1, f"slug {page.slug!r} is used twice (also in {bucket[page.slug].path})")
        bucket[page.slug] = page
    if previous is None and HOME_SLUG not in pages:
        raise ContentError(content_dir / f"{HOME_SLUG}.md", 1, "the home page is missing")
    return pages, topics


def _reason(error: Exception) -> str:
    if isinstance(error, ContentError):
        return str(error).split(": ", 1)[-1]
    return str(error)


def _load_catalogs(
    settings: Settings, source: Language, previous: Site | None, problems: list[str]
) -> tuple[list[Language], dict[str, dict[str, MessageTable]]]:
    languages = [source]
    tables: dict[str, dict[str, MessageTable]] = {}
    for folder in sorted(settings.locales_dir.iterdir()):
        if not (folder / "LC_MESSAGES").is_dir():
            continue
        code = code_from_catalog_name(folder.name)
        if code == source.code:
            continue
        try:
            language = Language.from_code(code)
        except ValueError as error:
            problems.append(f"{folder}: {error}")
            log.error("locale folder %s: %s", folder, error)
            continue
        languages.append(language)
        tables[code] = {}
        for domain in DOMAINS:
            path = catalog_path(settings.locales_dir, language.catalog_name, domain)
            if not path.exists():
                tables[code][domain] = EMPTY
                continue
            try:
                tables[code][domain] = load_table(path)
            except CatalogError as error:
                problems.append(str(error))
                log.error("catalog error: %s; serving the last good version", error)
                tables[code][domain] = previous.tables.get(code, {}).get(domain, EMPTY) if previous else EMPTY
    return languages, tables


def _load_reviews_and_glossaries(
    settings: Settings, languages: list[Language], previous: Site | None, problems: list[str]
) -> tuple[dict[str, Mapping[str, Review]], dict[str, Glossary]]:
    reviews: dict[str, Mapping[str, Review]] = {}
    glossaries: dict[str, Glossary] = {}
    for language in languages:
        try:
            reviews[language.code] = load_reviews(reviews_path(settings.locales_dir, language.catalog_name))
        except ReviewError as error:
            problems.append(str(error))
            log.error("review record error: %s; using the last good version", error)
            reviews[language.code] = previous.reviews.get(language.code, {}) if previous else {}
        try:
            glossaries[language.code] = load_glossary(glossary_path(settings.locales_dir, language.catalog_name))
        except CatalogError as error:
            problems.append(str(error))
            log.error("glossary error: %s; using the last good version", error)
            glossaries[language.code] = (
                previous.glossaries.get(language.code, EMPTY_GLOSSARY) if previous else EMPTY_GLOSSARY
            )
    return reviews, glossaries


def _load_template(locales_dir: Path, domain: str, previous: Site | None, problems: list[str]) -> Catalog:
    path = template_path(locales_dir, domain)
    if not path.exists():
        return Catalog()
    try:
        return read_catalog(path)
    except CatalogError as error:
        problems.append(str(error))
        log.error("catalog error: %s; serving the last good version", error)
        if previous is None:
            return Catalog()
        if domain == "interface":
            return previous.interface_template
        kept = Catalog()
        for message_id in previous.content_messages:
            kept.add(message_id)
        return kept


def _pseudo_interface(template: Catalog, code: str) -> MessageTable:
    singular = [message.id for message in template if message.id and isinstance(message.id, str)]
    plurals = [(m.id[0], m.id[1]) for m in template if m.id and isinstance(m.id, tuple | list)]
    return pseudo_table(singular, plurals, code)


def _load_environment(
    settings: Settings, previous: Site | None, problems: list[str], static_urls: Mapping[str, str]
) -> Environment:
    environment = make_environment(settings.templates_dir, static_urls)
    try:
        for name in environment.list_templates(extensions=["html", "xml", "txt"]):
            environment.get_template(name)
    except TemplateSyntaxError as error:
        message = f"{error.filename}:{error.lineno}: template error: {error.message}"
        if previous is None:
            raise ValueError(message) from None
        problems.append(message)
        log.error("%s; serving the last good templates", message)
        return previous.environment
    return environment


def broken_references(pages: Mapping[str, Page], topics: Mapping[str, Page]) -> list[str]:
    problems = []
    for page in (*pages.values(), *topics.values()):
        for topic in page.topics:
            if topic not in topics:
                problems.append(f"{page.path}:1: unknown topic {topic!r}")
        for slug in page.related:
            if slug not in pages:
                problems.append(f"{page.path}:1: unknown related page {slug!r}")
        for block in page.blocks:
            for target in link_targets(block.text):
                kind, _, slug = target.partition(":")
                if (kind == "page" and slug not in pages) or (kind == "topic" and slug not in topics):
                    problems.append(f"{page.path}:{block.lineno}: link to unknown {kind} {slug!r}")
                elif kind not in ("page", "topic"):
                    problems.append(f"{page.path}:{block.lineno}: link {target!r} must start with page: or topic:")
    return problems

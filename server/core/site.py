"""Site: the loaded, immutable world of languages, catalogs, pages and templates."""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from jinja2 import Environment, TemplateSyntaxError

from .catalogs import (
    EMPTY,
    CatalogError,
    MessageTable,
    catalog_path,
    load_table,
    read_catalog,
    template_path,
)
from .content import Block, ContentError, Page, key_for
from .glossary import EMPTY_GLOSSARY, Glossary, glossary_path, load_glossary
from .inline import link_targets
from .inputs import record, unrecorded
from .languages import PSEUDO_LOCALES, Language, code_from_catalog_name
from .page_cache import parse_pages
from .page_catalogs import PageCatalogs
from .pseudo import pseudo_table
from .rendering import make_environment
from .reviews import LazyReviews, Review, reviews_path
from .settings import Settings
from .translation import Translator
from .urls import HOME_SLUG

log = logging.getLogger("server.core.site")

DISCLAIMER_SLUG = "medical-information"  # its summary is the disclaimer shown beside every article


@dataclass(frozen=True)
class ReviewState:
    status: str  # "source", "reviewed", "outdated" (the English changed since) or "unreviewed"
    review: Review | None


class RecordedPages(Mapping[str, Page]):
    """Pages by slug. Reading one records it as an input of the render in progress (inputs.py)."""

    def __init__(self, pages: Mapping[str, Page], kind: str) -> None:
        self._pages = dict(pages)
        self._kind = kind  # "page" or "topic": how a slug becomes a key

    def __getitem__(self, slug: str) -> Page:
        record(("page", key_for(self._kind, slug)))  # also when missing: the page may be added later
        return self._pages[slug]

    def __contains__(self, slug: object) -> bool:
        if isinstance(slug, str):
            record(("page", key_for(self._kind, slug)))
        return slug in self._pages

    def __iter__(self) -> Iterator[str]:
        record(("pages",))
        return iter(self._pages)

    def __len__(self) -> int:
        record(("pages",))
        return len(self._pages)

    def unrecorded(self) -> Mapping[str, Page]:
        """The pages, read without recording: for tools and for deciding what a reload changed."""
        return self._pages


@dataclass(frozen=True)
class Site:
    settings: Settings
    source: Language
    languages: tuple[Language, ...]  # the source language first
    pages: RecordedPages  # home, articles and pages, by slug
    topics: RecordedPages
    interface_template: Catalog  # the interface .pot: every interface message
    interface_tables: Mapping[str, MessageTable]  # language code -> its interface translations
    catalogs: PageCatalogs  # each page's content translations, read on first use
    reviews: LazyReviews  # language code -> page key -> its latest recorded review
    glossaries: Mapping[str, Glossary]  # language code -> approved terminology
    environment: Environment
    load_problems: tuple[str, ...] = field(default=())
    generation: int = 0  # counts reloads: a response rendered from an older site is never stored
    # (language code, page key) -> whether published, decided once per site; kept across reloads for the
    # pages whose inputs did not change (changes_since)
    # (a dict per language, keyed by the page key string the pages already hold: no object per decision)
    publication: dict[str, dict[str, bool]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(
        cls,
        settings: Settings,
        previous: Site | None = None,
        static_urls: Mapping[str, str] | None = None,
        changed: Collection[Path] | None = None,
    ) -> Site:
        """Read everything but the page catalogs, which are read on first use.

        With `previous`, a broken file keeps its last good version, and with `changed` (the files
        that changed since `previous` was loaded) everything else is taken from `previous`.
        At start-up (no `previous`) a broken content file or template raises; a broken
        catalog never does: that language is served in the source language until it is fixed.
        """
        problems: list[str] = []
        source = Language.from_code(settings.source_language)
        changed = None if previous is None else changed
        pages, topics = _load_pages(settings, previous, problems, changed)
        languages = _find_languages(settings, source, problems)
        names = {language.code: language.catalog_name for language in languages[1:]}
        interface_tables = _load_interface(settings, languages[1:], previous, problems, changed)
        reviews = LazyReviews(
            {language.code: reviews_path(settings.locales_dir, language.catalog_name) for language in languages[1:]},
            previous.reviews if previous else None,
            changed,
            settings.cache_dir,
        )
        glossaries = _load_glossaries(settings, languages[1:], previous, problems)
        interface_template = _load_template(settings.locales_dir, "interface", previous, problems)
        if previous is not None and changed is not None:
            catalogs = previous.catalogs.successor(changed, names)
        else:
            catalogs = PageCatalogs(settings.locales_dir, names, settings.catalog_cache)
        if settings.pseudo_locales:
            for code in PSEUDO_LOCALES:
                languages.append(Language.from_code(code))
                interface_tables[code] = _pseudo_interface(interface_template, code)
        environment = _load_environment(settings, previous, problems, static_urls or {})
        for problem in broken_references(pages, topics):
            problems.append(problem)
            log.warning("%s", problem)
        return cls(
            settings=settings,
            source=source,
            languages=tuple(languages),
            pages=RecordedPages(pages, "page"),
            topics=RecordedPages(topics, "topic"),
            interface_template=interface_template,
            interface_tables=interface_tables,
            catalogs=catalogs,
            reviews=reviews,
            glossaries=glossaries,
            environment=environment,
            load_problems=tuple(problems),
            generation=previous.generation + 1 if previous else 0,
        )

    @property
    def problems(self) -> list[str]:
        """What could not be read, with file:line: found at load, and in catalogs read since."""
        return [*self.load_problems, *self.catalogs.problems, *self.reviews.problems]

    def every_page(self) -> list[Page]:
        """Home, articles, pages and topics, unrecorded: for tools and whole-site views that declare it."""
        return [*self.pages.unrecorded().values(), *self.topics.unrecorded().values()]

    def page_by_key(self, key: str) -> Page | None:
        kind, _, slug = key.rpartition("/")
        return (self.topics if kind == "topics" else self.pages).get(slug) if kind in ("", "topics") else None

    @property
    def published(self) -> frozenset[tuple[str, str, str]]:
        """(language, kind, slug) of every page live in a language: reads every catalog, for tools and tests."""
        return frozenset(
            (language.code, page.kind, page.slug)
            for language in self.languages
            for page in self.every_page()
            if self.is_published(page, language)
        )

    def language(self, code: str) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)

    def interface_table(self, code: str) -> MessageTable:
        record(("interface", code))
        return self.interface_tables.get(code, EMPTY)

    def content_table(self, code: str, key: str) -> MessageTable:
        """One page's content translations in one language (read from its catalog on first use)."""
        record(("catalog", code, key))
        if code == self.source.code:
            return EMPTY
        if code in PSEUDO_LOCALES:
            page = self.page_by_key(key)
            blocks = [block.text for block in page.blocks] if page else []
            found = self.catalogs.cached(("pseudo", code, key), lambda: pseudo_table(blocks, (), code))
            assert isinstance(found, MessageTable)
            return found
        return self.catalogs.table(code, key)

    def content_messages(self, code: str, key: str) -> frozenset[str]:
        """The messages of a page's template: what translators were asked for (the template is an input
        of the page's catalog in every language)."""
        record(("catalog", code, key))
        return self.catalogs.messages(key)

    def translator(self, language: Language) -> Translator:
        return Translator(
            language,
            self.source,
            self.interface_table(language.code),
            functools.partial(self.content_table, language.code),
        )

    @property
    def articles(self) -> list[Page]:
        return sorted((page for page in self.pages.values() if page.kind == "article"), key=lambda p: p.title.text)

    @property
    def sorted_topics(self) -> list[Page]:
        return sorted(self.topics.values(), key=lambda topic: topic.title.text)

    def articles_in(self, topic: Page) -> list[Page]:
        return [page for page in self.articles if topic.slug in page.topics]

    def required_blocks(self, page: Page) -> list[Block]:
        """Blocks that must be translated before the page is published in a language."""
        required = list(page.required_blocks)
        disclaimer = self.pages.get(DISCLAIMER_SLUG)
        if page.kind == "article" and disclaimer is not None:
            required += [disclaimer.title, disclaimer.summary]
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
        blocking = []
        for block in dict.fromkeys(self.required_blocks(page)):
            content = self.content_table(language.code, block.page)
            started = block.page != page.key or any(content.gettext(b.text) is not None for b in page.iter_blocks())
            if (
                content.gettext(block.text) is None
                and block.text not in content.fuzzy
                and (block.text in self.content_messages(language.code, block.page) or not started)
            ):
                blocking.append(block.text)
        return blocking

    def is_published(self, page: Page, language: Language) -> bool:
        """Readers see a translation once its required blocks are translated and a review is recorded.

        In review mode, translators and reviewers also see the translations that wait for a review.
        A render that asks records the answer as its input, not the catalogs behind it: a page that
        lists another is re-rendered only when that one's publication changes.
        """
        record(("published", language.code, page.key))
        decided = self.publication.setdefault(language.code, {})
        found = decided.get(page.key)
        if found is None:
            with unrecorded():
                found = self._decide_publication(page, language)
            decided[page.key] = found
        return found

    def _decide_publication(self, page: Page, language: Language) -> bool:
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
        record(("review", language.code, page.key))
        review = self.reviews.get(language.code, {}).get(page.key)
        if review is None:
            return ReviewState("unreviewed", None)
        current = review.english == page.english
        return ReviewState("reviewed" if current else "outdated", review)

    def changed_since_translation(self, page: Page, language: Language) -> list[str]:
        """Messages of a published page whose English changed after it was translated (fuzzy, or not yet extracted)."""
        if language.code == self.source.code or not self.is_published(page, language):
            return []
        content = self.content_table(language.code, page.key)
        messages = self.content_messages(language.code, page.key)
        return [
            block.text
            for block in page.blocks
            if content.gettext(block.text) is None and (block.text in content.fuzzy or block.text not in messages)
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
        interface = self.interface_table(language.code)
        for message in self.interface_template:
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                if message.id[0] not in interface.plural:
                    return False
            elif interface.gettext(message.id) is None:
                return False
        return True


def _load_pages(
    settings: Settings, previous: Site | None, problems: list[str], changed: Collection[Path] | None
) -> tuple[dict[str, Page], dict[str, Page]]:
    """Every content page: from `previous` when its file did not change, else parsed (or from the page cache)."""
    last_good = {page.path: page for page in previous.every_page()} if previous else {}
    paths = sorted(settings.content_dir.rglob("*.md"))
    found: dict[Path, Page | ContentError | OSError]
    if changed is not None:
        again = [path for path in paths if path in changed or str(path) not in last_good]
        parsed = parse_pages(again, None)
        found = {path: parsed[path] if path in parsed else last_good[str(path)] for path in paths}
    else:
        found = parse_pages(paths, settings.cache_dir)
    pages: dict[str, Page] = {}
    topics: dict[str, Page] = {}
    for path in paths:
        result = found[path]
        if isinstance(result, Page):
            page = result
        else:
            if previous is None:
                raise ContentError(path, getattr(result, "lineno", 1), _reason(result)) from None
            problems.append(str(result))
            log.error("content error: %s; serving the last good version", result)
            if str(path) not in last_good:
                continue
            page = last_good[str(path)]
        bucket = topics if page.kind == "topic" else pages
        if page.slug in bucket:
            raise ContentError(path, 1, f"slug {page.slug!r} is used twice (also in {bucket[page.slug].path})")
        bucket[page.slug] = page
    if previous is None and HOME_SLUG not in pages:
        raise ContentError(settings.content_dir / f"{HOME_SLUG}.md", 1, "the home page is missing")
    return pages, topics


def _reason(error: Exception) -> str:
    if isinstance(error, ContentError):
        return str(error).split(": ", 1)[-1]
    return str(error)


def _find_languages(settings: Settings, source: Language, problems: list[str]) -> list[Language]:
    """The source language, then one language per locale folder."""
    languages = [source]
    for folder in sorted(settings.locales_dir.iterdir()):
        if not (folder / "LC_MESSAGES").is_dir():
            continue
        code = code_from_catalog_name(folder.name)
        if code == source.code:
            continue
        try:
            languages.append(Language.from_code(code))
        except ValueError as error:
            problems.append(f"{folder}: {error}")
            log.error("locale folder %s: %s", folder, error)
    return languages


def _load_interface(
    settings: Settings,
    languages: list[Language],
    previous: Site | None,
    problems: list[str],
    changed: Collection[Path] | None,
) -> dict[str, MessageTable]:
    """Each language's interface catalog: small, one per language, so read at start."""
    tables: dict[str, MessageTable] = {}
    for language in languages:
        path = catalog_path(settings.locales_dir, language.catalog_name, "interface")
        last_good = previous.interface_tables.get(language.code, EMPTY) if previous else EMPTY
        unchanged = previous is not None and changed is not None and path not in changed
        if unchanged and previous is not None and language.code in previous.interface_tables:
            tables[language.code] = last_good
        elif not path.exists():
            tables[language.code] = EMPTY
        else:
            try:
                tables[language.code] = load_table(path)
            except CatalogError as error:
                problems.append(str(error))
                log.error("catalog error: %s; serving the last good version", error)
                tables[language.code] = last_good
    return tables


def _load_glossaries(
    settings: Settings, languages: list[Language], previous: Site | None, problems: list[str]
) -> dict[str, Glossary]:
    glossaries: dict[str, Glossary] = {}
    for language in languages:
        try:
            glossaries[language.code] = load_glossary(glossary_path(settings.locales_dir, language.catalog_name))
        except CatalogError as error:
            problems.append(str(error))
            log.error("glossary error: %s; using the last good version", error)
            glossaries[language.code] = (
                previous.glossaries.get(language.code, EMPTY_GLOSSARY) if previous else EMPTY_GLOSSARY
            )
    return glossaries


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
        return previous.interface_template


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
        front = [
            (block.lineno, target)
            for block in (page.title, page.summary)
            if "](" in block.text
            for target in link_targets(block.text)
        ]
        for lineno, target in (*front, *page.links):
            kind, _, slug = target.partition(":")
            if (kind == "page" and slug not in pages) or (kind == "topic" and slug not in topics):
                problems.append(f"{page.path}:{lineno}: link to unknown {kind} {slug!r}")
            elif kind not in ("page", "topic"):
                problems.append(f"{page.path}:{lineno}: link {target!r} must start with page: or topic:")
    return problems

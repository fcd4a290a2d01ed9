"""Translation status: per language and per page, how many messages are translated, fuzzy or missing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .catalogs import MessageTable, page_catalog_path
from .content import Page
from .site import DISCLAIMER_SLUG, Site

INTERFACE = "interface"  # the row name for templates' strings


@dataclass(frozen=True)
class Counts:
    name: str  # a page slug, or "interface"
    translated: int
    fuzzy: int
    missing: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing

    @property
    def percent(self) -> int:
        return 100 * self.translated // self.total if self.total else 100


@dataclass(frozen=True)
class Blocker:
    """A message that keeps a page from being published in a language."""

    slug: str
    message: str
    role: str  # "title", "summary", "safety advice", or the disclaimer's title or summary
    location: str  # file:line of its entry in the catalog that translates it


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    rows: tuple[Counts, ...]
    published: tuple[str, ...]  # slugs of the pages live in this language
    blockers: tuple[Blocker, ...] = ()  # what to translate to publish the rest
    needs_review: tuple[str, ...] = ()  # slugs of published pages whose English changed since translation
    unreviewed: tuple[str, ...] = ()  # page keys translated far enough to publish, waiting for a recorded review

    @property
    def total(self) -> Counts:
        return Counts(
            "total",
            sum(row.translated for row in self.rows),
            sum(row.fuzzy for row in self.rows),
            sum(row.missing for row in self.rows),
        )


def _count(name: str, messages: list[str], table: MessageTable, plural: set[str]) -> Counts:
    translated = fuzzy = missing = 0
    for message in dict.fromkeys(messages):
        found = table.plural.get(message) if message in plural else table.gettext(message)
        if found is not None:
            translated += 1
        elif message in table.fuzzy:
            fuzzy += 1
        else:
            missing += 1
    return Counts(name, translated, fuzzy, missing)


def translation_status(site: Site, codes: Collection[str] | None = None) -> list[LanguageStatus]:
    """The status of every language but the source (or of those in `codes`), interface first, then each page."""
    interface_messages = []
    plural_messages = set()
    for message in site.interface_template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            plural_messages.add(message.id[0])
            interface_messages.append(message.id[0])
        else:
            interface_messages.append(message.id)
    statuses = []
    for language in site.languages:
        if (
            language.code == site.source.code
            or language.is_pseudo
            or (codes is not None and language.code not in codes)
        ):
            continue
        rows = [_count(INTERFACE, interface_messages, site.interface_table(language.code), plural_messages)]
        pages = sorted(site.every_page(), key=lambda page: (page.kind, page.slug))
        for page in pages:
            content = site.content_table(language.code, page.key)
            rows.append(_count(page.slug, [block.text for block in page.blocks], content, set()))
        published = tuple(page.slug for page in pages if site.is_published(page, language))
        blockers = tuple(
            Blocker(page.slug, message, _role(site, page, message), _location(site, language.code, page, message))
            for page in pages
            for message in site.blocking_messages(page, language)
        )
        review = tuple(
            slug for slug in published if site.needs_review(site.pages.get(slug) or site.topics[slug], language)
        )
        unreviewed = tuple(
            page.key
            for page in pages
            if not site.blocking_messages(page, language) and site.review_state(page, language).status == "unreviewed"
        )
        statuses.append(
            LanguageStatus(language.code, language.name, tuple(rows), published, blockers, review, unreviewed)
        )
    return statuses


def _role(site: Site, page: Page, message: str) -> str:
    if message == page.title.text:
        return "title"
    if message == page.summary.text:
        return "summary"
    disclaimer = site.pages.get(DISCLAIMER_SLUG)
    if disclaimer is not None and page is not disclaimer:
        if message == disclaimer.title.text:
            return f"title of {DISCLAIMER_SLUG}, shown beside every article"
        if message == disclaimer.summary.text:
            return f"summary of {DISCLAIMER_SLUG}, shown beside every article"
    return "safety advice"


def _location(site: Site, code: str, page: Page, message: str) -> str:
    """`file:line` of a page's message in the catalog that translates it (the disclaimer's, for its blocks)."""
    block = next((block for block in site.required_blocks(page) if block.text == message), None)
    key = block.page if block else page.key
    language = site.language(code)
    path = page_catalog_path(site.settings.locales_dir, language.catalog_name if language else code, key)
    line = site.content_table(code, key).lines.get(message)
    return f"{path}:{line}" if line else f"{path} (no entry: run `python -m server update`)"


# Beyond this many finished pages in a language, `stats` counts them instead of listing each (`--all` lists them).
LISTED_FINISHED = 50


def format_status(statuses: list[LanguageStatus], *, every_page: bool = False) -> str:
    """A plain-text table for the terminal; then, per language, what blocks publication, with file:line.

    In a large library the pages with nothing left to do (translated, published, reviewed) are counted, not listed.
    """
    lines = [f"{'language':<10} {'page':<28} {'translated':>10} {'fuzzy':>6} {'missing':>8}  published"]
    for status in statuses:
        finished = [row for row in status.rows if _is_finished(row, status)]
        listed = every_page or len(finished) <= LISTED_FINISHED
        for row in (*status.rows, status.total):
            if not listed and row in finished:
                continue
            live = "" if row.name in (INTERFACE, "total") else _published_label(row.name, status)
            lines.append(
                f"{status.code:<10} {row.name:<28} {row.translated:>10} {row.fuzzy:>6} {row.missing:>8}  {live}"
            )
        if not listed:
            lines.append(f"{status.code}: {len(finished):,} more pages are translated, published and reviewed "
                         "(`python -m server stats --all` lists every page)")  # fmt: skip
    for status in statuses:
        if status.blockers:
            lines.append("")
            lines.append(f"{status.code}: to publish a page, translate (and do not leave fuzzy) its title, summary and")
            lines.append(f"{status.code}: safety advice, and for articles the title and summary of {DISCLAIMER_SLUG}:")
        for blocker in status.blockers:
            lines.append(f"{blocker.location}: blocks {blocker.slug} ({blocker.role}): {blocker.message[:70]!r}")
        if status.unreviewed:
            lines.append("")
            lines.append(f"{status.code}: translated, waiting for a second person's review before readers see them:")
            for key in status.unreviewed:
                lines.append(f"  python -m server review {status.code} {key} --reviewer INITIALS --method revision")
    return "\n".join(lines)


def _is_finished(row: Counts, status: LanguageStatus) -> bool:
    return (
        row.name != INTERFACE
        and row.translated == row.total
        and row.name in status.published
        and row.name not in status.needs_review
    )


def _published_label(slug: str, status: LanguageStatus) -> str:
    if slug not in status.published:
        return "no"
    return "yes, needs review" if slug in status.needs_review else "yes"

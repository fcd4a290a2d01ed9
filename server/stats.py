"""Translation status: per language and per page, how many messages are translated, fuzzy or missing."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogs import EMPTY, MessageTable
from .site import Site

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
class LanguageStatus:
    code: str
    name: str
    rows: tuple[Counts, ...]
    published: tuple[str, ...]  # slugs of the pages live in this language

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


def translation_status(site: Site) -> list[LanguageStatus]:
    """The status of every language but the source, interface first, then each page."""
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
        if language.code == site.source.code or language.is_pseudo:
            continue
        tables = site.tables.get(language.code, {})
        rows = [_count(INTERFACE, interface_messages, tables.get("interface", EMPTY), plural_messages)]
        content = tables.get("content", EMPTY)
        pages = sorted((*site.pages.values(), *site.topics.values()), key=lambda page: (page.kind, page.slug))
        for page in pages:
            rows.append(_count(page.slug, [block.text for block in page.blocks], content, set()))
        published = tuple(page.slug for page in pages if site.is_published(page, language))
        statuses.append(LanguageStatus(language.code, language.name, tuple(rows), published))
    return statuses


def format_status(statuses: list[LanguageStatus]) -> str:
    """A plain-text table for the terminal."""
    lines = [f"{'language':<10} {'page':<28} {'translated':>10} {'fuzzy':>6} {'missing':>8}  published"]
    for status in statuses:
        for row in (*status.rows, status.total):
            live = "" if row.name in (INTERFACE, "total") else ("yes" if row.name in status.published else "no")
            lines.append(
                f"{status.code:<10} {row.name:<28} {row.translated:>10} {row.fuzzy:>6} {row.missing:>8}  {live}"
            )
    return "\n".join(lines)

"""`python -m server check`: the mistakes translators and authors can make, each with file:line."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from .catalogs import (
    DOMAINS,
    CatalogError,
    catalog_path,
    header_line,
    plural_forms_mismatch,
    read_catalog,
    template_path,
)
from .content import ContentError, Page, load_page
from .inline import markup_signature, raw_html
from .languages import code_from_catalog_name
from .settings import Settings
from .site import broken_references
from .translation import placeholders

CLAIMS_FILE = "claims.toml"


@dataclass(frozen=True)
class Problem:
    path: str
    lineno: int | None
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno or 1}: {'error' if self.is_error else 'warning'}: {self.message}"


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, tuple | list):
        return [form for form in message.string if form]
    return [message.string] if message.string else []


def check_message(message: Message, domain: str, path: str) -> Iterator[Problem]:
    """What Babel's checkers do not cover: {name} placeholders, markup and raw HTML."""
    sources = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    for form in _forms(message):
        found, expected = placeholders(form), placeholders(sources[-1])
        # a plural form may leave out the number ("one article"), never add or rename one
        if found != expected and not (len(sources) > 1 and set(found) <= set(expected)):
            yield Problem(path, message.lineno, f"placeholders {found} do not match the source's {expected}: {form!r}")
        if raw_html(form) or (domain == "interface" and ("<" in form or ">" in form) and "<" not in sources[0]):
            yield Problem(path, message.lineno, f"HTML is not allowed in a translation: {form!r}")
        if domain == "content" and markup_signature(form) != markup_signature(sources[0]):
            yield Problem(path, message.lineno, f"the Markdown (emphasis, code, links) differs from the source's "
                          f"{markup_signature(sources[0])}: {markup_signature(form)}")  # fmt: skip


def plural_count_problems(path: Path, num_plurals: int) -> Iterator[Problem]:
    """Entries whose number of msgstr[N] lines differs from the header's nplurals.

    Babel's parser pads missing forms, so its own checker cannot see this.
    """
    plural_line: int | None = None
    forms = 0
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("msgid_plural"):
            plural_line, forms = number, 0
        elif stripped.startswith("msgstr["):
            forms += 1
        elif (not stripped or stripped.startswith("msgid ") or stripped.startswith("#")) and plural_line:
            if forms != num_plurals and not stripped.startswith('"'):
                yield Problem(
                    str(path), plural_line, f"{forms} plural forms, but the header says nplurals={num_plurals}"
                )
            plural_line = None


def check_catalog(
    path: Path, locale_name: str, domain: str, template: Catalog | None, claims_complete: bool
) -> list[Problem]:
    where = str(path)
    try:
        catalog = read_catalog(path)
    except CatalogError as error:
        return [Problem(error.path, error.lineno, str(error).split(": ", 1)[-1])]
    problems: list[Problem] = []
    if catalog.fuzzy:
        problems.append(Problem(where, 1, "the header is marked fuzzy: review it and remove the flag"))
    try:
        locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as error:
        return [Problem(where, 1, f"unknown locale {locale_name!r}: {error}")]
    mismatch = plural_forms_mismatch(catalog.plural_forms, locale)
    if mismatch is not None:
        problems.append(
            Problem(
                where,
                header_line(path, "Plural-Forms"),
                f"Plural-Forms disagrees with the installed CLDR data: {mismatch} "
                "(`python -m server update` migrates the catalog)",
            )
        )
    problems.extend(plural_count_problems(path, catalog.num_plurals))
    for message, errors in catalog.check():
        problems.extend(Problem(where, message.lineno, str(found)) for found in errors)
    for message in catalog:
        if message.id and not message.fuzzy:
            problems.extend(check_message(message, domain, where))
    translated = {
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and not m.fuzzy and _complete(m, catalog)
    }
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    expected = [m.id if isinstance(m.id, str) else m.id[0] for m in (template or catalog) if m.id]
    missing = [message_id for message_id in expected if message_id not in translated]
    fuzzy_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in fuzzy}
    untranslated = [message_id for message_id in missing if message_id not in fuzzy_ids]
    if claims_complete and (untranslated or fuzzy):
        problems.append(
            Problem(
                where,
                1,
                f"{locale_name} claims to be complete ({CLAIMS_FILE}) but has "
                f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy messages",
            )  # fmt: skip
        )
        for message in fuzzy:
            problems.append(Problem(where, message.lineno, f"fuzzy: {_short(message)}"))
        for message_id in untranslated:
            entry = catalog.get(message_id)
            lineno = entry.lineno if entry is not None and entry.lineno else 1
            problems.append(Problem(where, lineno, f"untranslated: {message_id[:60]!r}"))
    return problems


def _complete(message: Message, catalog: Catalog) -> bool:
    forms = _forms(message)
    expected = catalog.num_plurals if isinstance(message.id, tuple | list) else 1
    return len(forms) == expected


def _short(message: Message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return repr(text[:60])


def check_content(content_dir: Path) -> list[Problem]:
    problems = []
    pages: dict[str, Page] = {}
    topics: dict[str, Page] = {}
    for path in sorted(content_dir.rglob("*.md")):
        try:
            page = load_page(path)
        except ContentError as error:
            problems.append(Problem(error.path, error.lineno, str(error).split(": ", 1)[-1]))
            continue
        (topics if page.kind == "topic" else pages)[page.slug] = page
    for problem in broken_references(pages, topics):
        where, lineno, message = problem.split(":", 2)
        problems.append(Problem(where, int(lineno), message.strip()))
    return problems


def claimed_complete(locales_dir: Path) -> set[str]:
    path = locales_dir / CLAIMS_FILE
    if not path.exists():
        return set()
    return set(tomllib.loads(path.read_text(encoding="utf-8")).get("complete", []))


def check_all(settings: Settings) -> list[Problem]:
    """Every problem in the content and the catalogs."""
    problems = check_content(settings.content_dir)
    complete = claimed_complete(settings.locales_dir)
    templates: dict[str, Catalog | None] = {}
    for domain in DOMAINS:
        path = template_path(settings.locales_dir, domain)
        try:
            templates[domain] = read_catalog(path) if path.exists() else None
        except CatalogError as error:
            problems.append(Problem(error.path, error.lineno, str(error).split(": ", 1)[-1]))
            templates[domain] = None
    names = sorted(p.name for p in settings.locales_dir.iterdir() if (p / "LC_MESSAGES").is_dir())
    for name in complete - set(names):
        problems.append(Problem(str(settings.locales_dir / CLAIMS_FILE), 1, f"{name} is listed but has no catalogs"))
    for name in names:
        for domain in DOMAINS:
            path = catalog_path(settings.locales_dir, name, domain)
            if not path.exists():
                if name in complete:
                    problems.append(Problem(str(path), 0, "missing catalog"))
                continue
            problems.extend(check_catalog(path, name, domain, templates[domain], name in complete))
    return problems

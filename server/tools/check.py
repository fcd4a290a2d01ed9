"""`python -m server check`: the mistakes translators and authors can make, each with file:line."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from ..core.catalogs import (
    CONTENT_FOLDER,
    CatalogError,
    NoPluralRule,
    PluralCountError,
    catalog_path,
    cldr_plural_categories,
    cldr_plural_forms,
    forms_for_one_count,
    header_line,
    key_of,
    message_key,
    msgstr_lines,
    page_catalog_path,
    plural_forms_mismatch,
    plural_function,
    read_catalog,
    template_path,
)
from ..core.content import ContentError, Page, load_page
from ..core.glossary import GLOSSARY_FILE, Glossary, glossary_path, load_glossary
from ..core.inline import image_sources, is_local
from ..core.languages import code_from_catalog_name
from ..core.reviews import REVIEWS_FILE, ReviewError, load_reviews, reviews_path, unknown_pages
from ..core.settings import Settings
from ..core.site import Site, broken_references
from ..core.translation import mistakes
from ..core.urls import HOME_SLUG

CLAIMS_FILE = "claims.toml"


@dataclass(frozen=True)
class Problem:
    path: str
    lineno: int | None
    message: str
    is_error: bool = True
    edit: str | None = None  # "content/privacy.md:17": the English edit that caused this problem
    is_note: bool = False  # a heading for the problems below it, not a problem of its own

    def __str__(self) -> str:
        level = "note" if self.is_note else "error" if self.is_error else "warning"
        return f"{self.path}:{self.lineno or 1}: {level}: {self.message}"


def grouped_by_english_edit(problems: list[Problem]) -> list[Problem]:
    """Problems that one English edit caused, in every language, together under a note naming that edit."""
    by_edit: dict[str, list[Problem]] = {}
    grouped = []
    for problem in problems:
        if problem.edit is None:
            grouped.append(problem)
        else:
            by_edit.setdefault(problem.edit, []).append(problem)
    for edit, caused in by_edit.items():
        path, _, line = edit.rpartition(":")
        count = len(caused)
        grouped.append(
            Problem(path, int(line) if line.isdigit() else 1, f"the English here changed: {count} translation"
                    f"{'s' if count != 1 else ''} of it wait{'s' if count == 1 else ''} for review:", is_note=True)
        )  # fmt: skip
        grouped.extend(caused)
    return grouped


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, tuple | list):
        return [form for form in message.string if form]
    return [message.string] if message.string else []


def check_message(
    message: Message,
    domain: str,
    path: str,
    lines: Mapping[int, tuple[int, ...]] | None = None,
    one_count_forms: frozenset[int] = frozenset(),
) -> Iterator[Problem]:
    """Each mistake in one entry's translation, at its msgstr line (`lines`: from `msgstr_lines`).

    The same rules decide what the site shows (`translation.mistakes`), so whatever passes
    here is shown to readers, and whatever fails is not.
    """
    form_lines = (lines or {}).get(message.lineno or 0, ())

    def line_of(index: int) -> int | None:
        return form_lines[index] if index < len(form_lines) else message.lineno

    if message.fuzzy:
        return
    plural = isinstance(message.id, tuple | list)
    source = message.id[1] if isinstance(message.id, tuple | list) else message.id
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    for index, form in enumerate(strings):
        if not form:
            continue
        may_omit = plural and index in one_count_forms
        for mistake in mistakes(source, form, domain, may_omit_placeholders=may_omit):
            yield Problem(path, line_of(index), mistake)


def plural_count_problems(path: Path, num_plurals: int) -> Iterator[Problem]:
    """Entries with fewer msgstr[N] lines than the header's nplurals (Babel's parser pads them)."""
    plural_line: int | None = None
    last_form_line = 0
    forms = 0
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("msgid_plural"):
            plural_line, forms = number, 0
        elif stripped.startswith("msgstr["):
            forms, last_form_line = forms + 1, number
        elif (not stripped or stripped.startswith("msgid ") or stripped.startswith("#")) and plural_line:
            if forms != num_plurals and not stripped.startswith('"'):
                missing = ", ".join(f"msgstr[{index}]" for index in range(forms, num_plurals))
                yield Problem(
                    str(path),
                    last_form_line if forms else plural_line,
                    f"{forms} plural forms, but the header says nplurals={num_plurals}: add {missing}",
                )
            plural_line = None


def previous_msgid_lines(text: str) -> set[int]:
    """The msgid lines of entries with `#|` lines (the English a fuzzy translation was made from).

    Babel reads `#|` lines as translator comments, so only the text tells them apart.

    >>> sorted(previous_msgid_lines('#| msgid "old"\\nmsgid "new"\\nmsgstr "x"\\n\\n# | msgid "a"\\nmsgid "b"\\n'))
    [2]
    """
    found = set()
    pending = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#|"):
            pending = True
        elif line.lstrip().startswith("msgid "):
            if pending:
                found.add(number)
            pending = False
        elif not line.startswith("#") and not line.lstrip().startswith(("msgctxt", '"')):
            pending = False
    return found


def _plural_count_advice(error: PluralCountError, locale: Locale) -> str:
    said = str(error).split(": ", 1)[-1]
    categories = cldr_plural_categories(locale)
    if error.nplurals == len(categories):
        return (f"{said}, as {locale.english_name} has ({', '.join(categories)}): "
                f"delete msgstr[{len(categories)}] and any after it")  # fmt: skip
    try:
        return f"{said}; Plural-Forms should be: {cldr_plural_forms(locale)}"
    except NoPluralRule:
        return said


def check_catalog(
    path: Path,
    locale_name: str,
    domain: str,
    template: Catalog | None,
    claims_complete: bool,
    glossary: Glossary | None = None,
) -> list[Problem]:
    where = str(path)
    try:
        locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as error:
        return [Problem(where, 1, f"unknown locale {locale_name!r}: {error}")]
    try:
        catalog = read_catalog(path)
    except PluralCountError as error:
        return [Problem(error.path, error.lineno, _plural_count_advice(error, locale))]
    except CatalogError as error:
        return [Problem(error.path, error.lineno, str(error).split(": ", 1)[-1])]
    problems: list[Problem] = []
    if catalog.fuzzy:
        problems.append(Problem(where, 1, "the header is marked fuzzy: review it and remove the flag"))
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
    text = path.read_text(encoding="utf-8")
    lines, previous = msgstr_lines(text), previous_msgid_lines(text)
    parsed = plural_function(catalog.plural_forms)
    one_count_forms = frozenset() if isinstance(parsed, str) else forms_for_one_count(parsed[1])
    in_template = {message_key(m) for m in template if m.id} if template is not None else None
    for message in catalog:
        if not message.id:
            continue
        if in_template is not None and message_key(message) not in in_template:
            msgstr_line = lines.get(message.lineno or 0, (message.lineno,))[0]
            problems.append(Problem(where, msgstr_line, f"{_short(message)} is not in the template: did you edit "
                                    "the English? Put your translation in msgstr"))  # fmt: skip
            continue
        if message.lineno in previous and not message.fuzzy:
            problems.append(Problem(where, lines.get(message.lineno, (message.lineno,))[0], "`#|` lines show the "
                                    "earlier English of a fuzzy translation, and this one is not fuzzy: delete them "
                                    "(`python -m server update` does)"))  # fmt: skip
        problems.extend(check_message(message, domain, where, lines, one_count_forms))
        if glossary is not None and not message.fuzzy:
            problems.extend(glossary_problems(message, glossary, where, lines))
    translated = {message_key(m) for m in catalog if m.id and not m.fuzzy and _complete(m, catalog)}
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    expected = [message_key(m) for m in (template or catalog) if m.id]
    missing = [message_id for message_id in expected if message_id not in translated]
    fuzzy_ids = {message_key(m) for m in fuzzy}
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
            # `#|` lines: the English this translation was made from changed (`update` marked it fuzzy)
            changed = message.lineno in previous and message.locations
            edit = f"{message.locations[0][0]}:{message.locations[0][1]}" if changed else None
            problems.append(Problem(where, message.lineno, f"fuzzy: {_short(message)}", edit=edit))
        for message_id in untranslated:
            entry = catalog.get(message_id)
            lineno = entry.lineno if entry is not None and entry.lineno else 1
            problems.append(Problem(where, lineno, f"untranslated: {message_id[:60]!r}"))
    return problems


def glossary_problems(
    message: Message, glossary: Glossary, where: str, lines: Mapping[int, tuple[int, ...]]
) -> Iterator[Problem]:
    """Terms of the English that the translation renders otherwise than the language's glossary."""
    source = message_key(message)
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    form_lines = lines.get(message.lineno or 0, ())
    for index, form in enumerate(strings):
        line = form_lines[index] if index < len(form_lines) else message.lineno
        for finding in glossary.findings(source, form or ""):
            yield Problem(where, line, f"{finding} (see {glossary.path}:{finding.term.lineno})", finding.is_error)


def check_language_files(locales_dir: Path, name: str, pages: list[Page]) -> tuple[list[Problem], Glossary | None]:
    """The glossary and the review records of one language folder."""
    problems = []
    folder = locales_dir / name
    if not (folder / "LC_MESSAGES").is_dir():
        for stray in (folder / REVIEWS_FILE, folder / GLOSSARY_FILE):
            if stray.exists():
                problems.append(Problem(str(stray), 1, f"{name} is not a language of the site (no LC_MESSAGES)"))
        return problems, None
    try:
        glossary = load_glossary(glossary_path(locales_dir, name))
    except CatalogError as error:
        problems.append(Problem(error.path, error.lineno, str(error).split(": ", 1)[-1]))
        glossary = None
    path = reviews_path(locales_dir, name)
    try:
        reviews = load_reviews(path)
    except ReviewError as error:
        problems.append(Problem(error.path, error.lineno, str(error).split(": ", 1)[-1]))
        reviews = {}
    for review in unknown_pages(reviews, pages):
        problems.append(Problem(str(path), review.lineno, f"a review of {review.page!r}, which is not a page of the "
                                "site: use a slug such as back-pain-miscarriage, or topics/back-ache"))  # fmt: skip
    return problems, glossary


def _complete(message: Message, catalog: Catalog) -> bool:
    forms = _forms(message)
    expected = catalog.num_plurals if isinstance(message.id, tuple | list) else 1
    return len(forms) == expected


def _short(message: Message) -> str:
    text = message_key(message)
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
        bucket = topics if page.kind == "topic" else pages
        if page.slug in bucket:  # the server refuses to start on this, so check reports it
            problems.append(
                Problem(page.path, 1, f"slug {page.slug!r} is used twice (also in {bucket[page.slug].path})")
            )
            continue
        bucket[page.slug] = page
        for block in page.blocks:
            for source in image_sources(block.text):
                if not is_local(source):
                    problems.append(Problem(page.path, block.lineno, "only local images are allowed (a path on this "
                                            f"site, such as /static/chart.png), not {source[:80]!r}"))  # fmt: skip
    if HOME_SLUG not in pages:
        problems.append(Problem(str(content_dir / f"{HOME_SLUG}.md"), 1, "the home page is missing"))
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
    """Every problem in the content and the catalogs: the interface catalog and each page's, per language."""
    problems = check_content(settings.content_dir)
    problems.extend(refused_by_the_server(settings, problems))
    complete = claimed_complete(settings.locales_dir)
    templates: dict[str, Catalog | None] = {}  # "interface", then each page's key
    template_files = {"interface": template_path(settings.locales_dir, "interface")}
    content_templates = settings.locales_dir / CONTENT_FOLDER
    for path in sorted(content_templates.rglob("*.pot")):
        template_files[key_of(path, content_templates)] = path
    for key, path in template_files.items():
        try:
            templates[key] = read_catalog(path) if path.exists() else None
        except CatalogError as error:
            problems.append(Problem(error.path, error.lineno, str(error).split(": ", 1)[-1]))
            templates[key] = None
    names = sorted(p.name for p in settings.locales_dir.iterdir() if (p / "LC_MESSAGES").is_dir())
    for name in complete - set(names):
        problems.append(Problem(str(settings.locales_dir / CLAIMS_FILE), 1, f"{name} is listed but has no catalogs"))
    pages = _readable_pages(settings.content_dir)
    for folder in sorted(p for p in settings.locales_dir.iterdir() if p.is_dir() and p.name not in names):
        if folder.name != CONTENT_FOLDER:
            problems.extend(check_language_files(settings.locales_dir, folder.name, pages)[0])
    for name in names:
        language_problems, glossary = check_language_files(settings.locales_dir, name, pages)
        problems.extend(language_problems)
        catalogs = {"interface": catalog_path(settings.locales_dir, name, "interface")}
        catalogs |= {
            key: page_catalog_path(settings.locales_dir, name, key) for key in template_files if key != "interface"
        }
        own_folder = page_catalog_path(settings.locales_dir, name, "index").parent
        for stray in sorted(own_folder.rglob("*.po")):
            if key_of(stray, own_folder) not in template_files:
                reason = "no page has this catalog's name any more: move its translations to the page's new catalog"
                problems.append(Problem(str(stray), 1, reason, is_error=False))
        for key, path in catalogs.items():
            domain = "interface" if key == "interface" else "content"
            if not path.exists():
                if name in complete:
                    problems.append(Problem(str(path), 0, "missing catalog (`python -m server update` makes it)"))
                continue
            try:
                problems.extend(check_catalog(path, name, domain, templates[key], name in complete, glossary))
            except Exception as error:  # noqa: BLE001 - one odd catalog must not hide the others' problems
                problems.append(Problem(str(path), 1, f"cannot be checked ({type(error).__name__}: {error})"))
    return grouped_by_english_edit(problems)


def refused_by_the_server(settings: Settings, found: list[Problem]) -> list[Problem]:
    """What the server's own loader refuses at start-up, if the checks above did not already say it."""
    try:
        Site.load(settings)
    except ContentError as error:
        problem = Problem(error.path, error.lineno, str(error).split(": ", 1)[-1])
        if not any((p.path, p.lineno, p.message) == (problem.path, problem.lineno, problem.message) for p in found):
            return [problem]
    except ValueError as error:  # a template the server cannot compile
        return [Problem(str(settings.templates_dir), 1, str(error))]
    return []


def _readable_pages(content_dir: Path) -> list[Page]:
    pages = []
    for path in sorted(content_dir.rglob("*.md")):
        try:
            pages.append(load_page(path))
        except ContentError:
            continue  # reported by check_content
    return pages

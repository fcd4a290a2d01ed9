"""The translators' commands (extract, update, init, compile), through Babel's Python API.

The interface is one catalog per language (`<ll>/LC_MESSAGES/interface.po`, from `interface.pot`);
the content is one catalog per page and language (`<ll>/LC_MESSAGES/content/<page>.po`, from
`content/<page>.pot`), as Sphinx and po4a keep one per document. Work is bounded by what changed:
a page's messages are extracted again only when its source is newer than its template, and a
page's catalogs are read only when its template changed since they were last updated.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import normalize, read_po, unescape, write_po

from ..core.catalogs import (
    CONTENT_FOLDER,
    PLURAL_SAMPLE,
    CatalogError,
    NoPluralRule,
    PluralCountError,
    PluralMismatch,
    catalog_path,
    cldr_plural_forms,
    key_of,
    message_key,
    page_catalog_path,
    page_template_path,
    plural_forms_mismatch,
    plural_function,
    read_catalog,
    template_path,
)
from ..core.content import ContentError, parse_page, split_front_matter
from ..core.glossary import STARTER_TERMS, glossary_path, starter_glossary
from ..core.languages import code_from_catalog_name
from ..core.rendering import EXTRACTION_SETTINGS
from ..core.reviews import page_key
from ..core.settings import REPOSITORY_ROOT
from ..core.urls import HOME_SLUG

PROJECT = "Pregnancy Health Library"
COPYRIGHT_HOLDER = "Mac Millan Interactive Communications, LLC"
INTERFACE = "interface"  # the domain of the templates' strings: one catalog per language
OLD_CONTENT = "content"  # the single content catalog of the old layout: content.pot, <ll>/LC_MESSAGES/content.po
CONTENT_METHOD = "server.tools.extract:extract_content"
COMMENT_TAGS = ("TRANSLATORS:",)
LISTED_PER_LANGUAGE = 20  # a language with more changed page catalogs than this gets one line for them all
HEADER_BYTES = 4096  # a template's header and first entry, with room to spare
log = logging.getLogger("server.tools.workflow")

# Babel's Jinja extractor must read templates as the site's environment does, or msgids would differ.
JINJA_OPTIONS = {name: str(value).lower() for name, value in EXTRACTION_SETTINGS.items()} | {"silent": "false"}


class WorkflowError(RuntimeError):
    pass


# --- Extraction ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """What `extract` found and did."""

    pages: Mapping[str, Path]  # every page's key, and its source file
    written: frozenset[Path]  # templates written because their messages changed (or are new)
    removed: tuple[Path, ...]  # templates whose page no longer exists


def extract(locales_dir: Path, content_dir: Path, templates_dir: Path, *, everything: bool = False) -> Extraction:
    """Extract the interface into `interface.pot` and each page into its own `content/<key>.pot`.

    A page is extracted again only when its source is newer than its template (or `everything`).
    A template is written only when its messages changed, so its POT-Creation-Date keeps naming
    the source revision that translators worked from; a template whose page is gone is removed.
    """
    written = set()
    interface = template_path(locales_dir, INTERFACE)
    if _write_template(interface, _interface_template(templates_dir)):
        written.add(interface)
    folder = locales_dir / CONTENT_FOLDER
    templates = _mtimes(folder, ".pot")
    extracted_from = {_source_of(page_template_path(locales_dir, key)): key for key in templates}
    single = _single_content_template(locales_dir)
    pages: dict[str, Path] = {}
    for source in sorted(content_dir.rglob("*.md")):
        key = extracted_from.get(_shown_as(source, content_dir))
        # a template extracted from this file since its last edit: its key and messages are known
        is_fresh = not everything and key is not None and templates[key] > source.stat().st_mtime_ns
        if key is None or not is_fresh:
            key = _page_key(source)
        if key in pages:
            raise WorkflowError(f"{source}:1: page {key!r} is defined twice (also in {pages[key]})")
        pages[key] = source
        if is_fresh:
            continue
        path = page_template_path(locales_dir, key)
        template = _page_template(source, content_dir)
        if single is not None and key not in templates and _is_part_of(template, single):
            template.creation_date = single.creation_date  # split from content.pot: the same English as then
        if _write_template(path, template):
            written.add(path)
        else:
            os.utime(path)  # extracted after the source's last edit: not again until the next one
    removed = []
    for key in sorted(set(templates) - set(pages)):
        path = page_template_path(locales_dir, key)
        path.unlink()
        removed.append(path)
        while path.parent != folder and not any(path.parent.iterdir()):  # topics/ when the last topic goes
            path = path.parent
            path.rmdir()
    return Extraction(pages, frozenset(written), tuple(removed))


def _interface_template(templates_dir: Path) -> Catalog:
    template = _new_template()
    found = extract_from_dir(
        str(templates_dir),
        [("**.html", "jinja2.ext:babel_extract")],
        {"**.html": JINJA_OPTIONS},
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    shown_as = templates_dir.name  # locations read "templates/base.html:12", wherever the folder is
    for filename, lineno, text, comments, context in found:
        location = (f"{shown_as}/{Path(filename).as_posix()}", lineno)
        template.add(text, None, [location], auto_comments=comments, context=context)
    for entry in template:  # the order the file system lists files in differs from one clone to the next
        entry.locations = sorted(entry.locations)
    return template


def _page_template(source: Path, content_dir: Path) -> Catalog:
    template = _new_template()
    shown_as = _shown_as(source, content_dir)
    try:
        found = extract_from_file(CONTENT_METHOD, source, comment_tags=COMMENT_TAGS, strip_comment_tags=True)
    except ContentError as error:
        raise WorkflowError(str(error)) from None
    for lineno, text, comments, context in found:
        template.add(text, None, [(shown_as, lineno)], auto_comments=comments, context=context)
    return template


def _source_of(template: Path) -> str | None:
    """The source file a page's template was extracted from, as its first location names it."""
    with template.open("rb") as file:
        return _first_location(file.read(HEADER_BYTES).decode("utf-8", errors="replace"))


def _first_location(text: str) -> str | None:
    """
    >>> _first_location('msgid ""\\nmsgstr ""\\n\\n#. page a: title\\n#: content/a.md:4 content/a.md:9\\nmsgid "A"')
    'content/a.md'
    """
    match = re.search(r"^#: (\S+):\d+(?:\s|$)", text, re.MULTILINE)
    return match.group(1) if match else None


def _single_content_template(locales_dir: Path) -> Catalog | None:
    """The old layout's `content.pot`, if it is still there."""
    path = template_path(locales_dir, OLD_CONTENT)
    return _read_template(path) if path.exists() else None


def _is_part_of(template: Catalog, single: Catalog) -> bool:
    """Whether every message of a page's template is in the single content template, from the same lines."""
    for message in template:
        found = single.get(message.id, message.context) if message.id else None
        if message.id and (found is None or not set(message.locations) <= set(found.locations)):
            return False
    return True


def _shown_as(source: Path, content_dir: Path) -> str:
    """A source's name in locations: "content/privacy.md", wherever the folder is."""
    return f"{content_dir.name}/{source.relative_to(content_dir).as_posix()}"


def _new_template() -> Catalog:
    return Catalog(project=PROJECT, copyright_holder=COPYRIGHT_HOLDER, fuzzy=False)


def _page_key(source: Path) -> str:
    """A page's key, from its front matter: the body is parsed only when its messages are extracted."""
    try:
        text = source.read_text(encoding="utf-8")
        _front, body, _lines = split_front_matter(text, source)
        return page_key(parse_page(text[: len(text) - len(body)], source))
    except UnicodeDecodeError as error:
        raise WorkflowError(f"{source}:1: not valid UTF-8 ({error.reason})") from None
    except ContentError as error:
        raise WorkflowError(str(error)) from None


def _write_template(path: Path, template: Catalog) -> bool:
    """Write a template unless the file already holds the same messages; True if written.

    Compared as written: Babel wraps long comments, so a file reads back differently from memory.
    """
    buffer = io.BytesIO()
    write_po(buffer, template, sort_by_file=True, width=0)
    text = in_gnu_layout(buffer.getvalue().decode("utf-8"))
    if path.exists() and _entries(path.read_text(encoding="utf-8")) == _entries(text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return True


def _entries(text: str) -> str:
    """A PO file without its header entry: what differs between two templates of the same messages.

    >>> _entries('msgid ""\\nmsgstr ""\\n"POT-Creation-Date: 2026-11-30 07:29+0000\\n"\\n\\nmsgid "A"\\nmsgstr ""\\n')
    'msgid "A"\\nmsgstr ""\\n'
    """
    return text.partition("\n\n")[2]


def _mtimes(folder: Path, suffix: str) -> dict[str, int]:
    """The key and modification time (ns) of every file with this suffix in a folder of per-page files."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if name.endswith(suffix):
                path = Path(root, name)
                found[key_of(path, folder)] = path.stat().st_mtime_ns
    return found


def locale_names(locales_dir: Path) -> list[str]:
    return sorted(folder.name for folder in locales_dir.iterdir() if (folder / "LC_MESSAGES").is_dir())


# --- Updating catalogs --------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogChange:
    """What `update` or `init` did to one catalog, for its one-line summary."""

    path: Path
    created: bool
    new: int  # messages added untranslated
    fuzzy: int  # translations marked fuzzy because their English changed
    obsolete: int  # translations of English that is gone
    total: int
    language: str = ""  # the folder under locales/
    page: str = ""  # the page's key, for a page's catalog
    plural_forms: bool = False  # the Plural-Forms header was brought in line with CLDR

    def __str__(self) -> str:
        if self.created:
            return f"{self.path}: created, {self.total} messages to translate"
        migrated = "Plural-Forms brought in line with CLDR; " if self.plural_forms else ""
        if not (self.new or self.fuzzy or self.obsolete):
            return f"{self.path}: {migrated}updated (no new, fuzzy or obsolete messages)"
        return f"{self.path}: {migrated}{self.new} new, {self.fuzzy} fuzzy, {self.obsolete} obsolete"


@dataclass(frozen=True)
class Summary:
    """What `update` or `init` did, in a few lines however large the library."""

    changes: tuple[CatalogChange, ...]  # catalogs created or rewritten
    up_to_date: int  # catalogs left as they were
    notes: tuple[str, ...] = ()  # templates removed, catalogs split or left without a page

    def lines(self) -> Iterator[str]:
        yield from self.notes
        pages: dict[str, list[CatalogChange]] = {}
        for change in self.changes:
            if change.page:
                pages.setdefault(change.language, []).append(change)
        for change in self.changes:
            if not change.page:
                yield str(change)
            elif len(pages[change.language]) <= LISTED_PER_LANGUAGE:
                yield str(change)
            elif change is pages[change.language][0]:
                yield _summed_up(change.language, pages[change.language])
        if self.up_to_date:
            yield f"{self.up_to_date} catalog{'s' if self.up_to_date != 1 else ''} up to date"


def _summed_up(language: str, changes: list[CatalogChange]) -> str:
    folder = changes[0].path.parent
    while folder.name != CONTENT_FOLDER and folder.parent != folder:
        folder = folder.parent
    created = [change for change in changes if change.created]
    updated = [change for change in changes if not change.created]
    parts = []
    if created:
        parts.append(f"{len(created)} created ({sum(change.total for change in created)} messages to translate)")
    if updated:
        new, fuzzy, obsolete = (
            sum(getattr(change, name) for change in updated) for name in ("new", "fuzzy", "obsolete")
        )
        parts.append(f"{len(updated)} updated ({new} new, {fuzzy} fuzzy, {obsolete} obsolete)")
    return f"{folder}/: {len(changes)} page catalogs changed: {'; '.join(parts)}"


def update(
    locales_dir: Path,
    locales: Iterable[str] | None = None,
    *,
    content_dir: Path = REPOSITORY_ROOT / "content",
    templates_dir: Path = REPOSITORY_ROOT / "templates",
    everything: bool = False,
) -> Summary:
    """Extract, then bring every locale's catalogs up to date; says what changed.

    New source text appears untranslated, changed text fuzzy (with the old msgid kept as
    `#| msgid` for the translator), removed text obsolete (`#~`); a new page gets a catalog in
    every language. A page's catalog is read only if it is missing, its template was just written,
    or it is older than its template and differs from it in its messages, locations or notes;
    `everything` reads and updates every catalog (after upgrading Babel or changing how pages are parsed).
    """
    extraction = extract(locales_dir, content_dir, templates_dir, everything=everything)
    names = sorted(locales) if locales is not None else locale_names(locales_dir)
    notes = [f"{path}: removed: its page no longer exists" for path in extraction.removed]
    notes += split_single_content_catalogs(locales_dir, names, extraction, content_dir)
    changes: list[CatalogChange] = []
    up_to_date = 0
    forced = set(names) if everything else set()
    interface = _read_template(template_path(locales_dir, INTERFACE))
    for name in names:
        change = _update_catalog(catalog_path(locales_dir, name, INTERFACE), interface, name)
        if change is None:
            up_to_date += 1
            continue
        changes.append(change)
        if change.plural_forms:  # a Babel upgrade changed the language's plural rules: every page's catalog too
            forced.add(name)
    catalogs = {name: _mtimes(_content_folder(locales_dir, name), ".po") for name in names}
    templates = _mtimes(locales_dir / CONTENT_FOLDER, ".pot")
    for key in sorted(extraction.pages):
        path = page_template_path(locales_dir, key)
        template: Catalog | None = None
        entries: list[str] | None = None
        for name in names:
            catalog = page_catalog_path(locales_dir, name, key)
            mtime = catalogs[name].get(key)
            is_due = name in forced or path in extraction.written or mtime is None
            if not is_due and mtime is not None and mtime <= templates[key]:
                # older than its template (a pull, a fresh clone): read only if made from another version of it
                entries = entries if entries is not None else _entry_lines(path.read_text(encoding="utf-8"))
                is_due = _entry_lines(catalog.read_text(encoding="utf-8")) != entries
                if not is_due:
                    os.utime(catalog)  # checked against this template: not again until it changes
            if not is_due:
                up_to_date += 1
                continue
            template = template or _read_template(path)
            change = _update_catalog(catalog, template, name, page=key)
            if change is None:
                up_to_date += 1
            else:
                changes.append(change)
    notes += _without_a_page(locales_dir, names, catalogs, extraction.pages)
    return Summary(tuple(changes), up_to_date, tuple(notes))


def _content_folder(locales_dir: Path, name: str) -> Path:
    return locales_dir / name / "LC_MESSAGES" / CONTENT_FOLDER


ENTRY_LINES = ("#.", "#:", "msgctxt ", "msgid ", "msgid_plural ")  # what `update` copies from a template


def _entry_lines(text: str) -> list[str]:
    """The lines a catalog takes from its template: equal when it was updated from this version of it.

    >>> _entry_lines('# note\\n#. page a: title\\n#: content/a.md:4\\n#, fuzzy\\n#| msgid "A"\\nmsgid "B"\\nmsgstr "b"')
    ['#. page a: title', '#: content/a.md:4', 'msgid "B"']
    """
    return [line for line in text.splitlines() if line.startswith(ENTRY_LINES)]


def _read_template(path: Path) -> Catalog:
    try:
        return read_catalog(path)
    except CatalogError as error:
        raise WorkflowError(str(error)) from None


def _without_a_page(
    locales_dir: Path, names: list[str], catalogs: Mapping[str, Mapping[str, int]], pages: Mapping[str, Path]
) -> list[str]:
    """One line per page that is gone but whose translations are still there; they are left for the translators."""
    languages: dict[str, list[str]] = {}
    for name in names:
        for key in sorted(set(catalogs[name]) - set(pages)):
            languages.setdefault(key, []).append(name)
    return [
        f"{page_catalog_path(locales_dir, '*', key)}: kept in {', '.join(found)}, but the page {key!r} "
        "no longer exists: delete these files once nothing in them is needed"
        for key, found in sorted(languages.items())
    ]


@dataclass(frozen=True)
class _State:
    ids: frozenset[str]
    fuzzy: frozenset[str]
    obsolete: frozenset[str]


def _state(catalog: Catalog) -> _State:
    ids = frozenset(message_key(message) for message in catalog if message.id)
    fuzzy = frozenset(message_key(message) for message in catalog if message.id and message.fuzzy)
    return _State(ids, fuzzy, frozenset(str(key) for key in catalog.obsolete))


def _update_catalog(path: Path, template: Catalog, locale_name: str, *, page: str = "") -> CatalogChange | None:
    """Create or update one catalog from its template, as `pybabel init`/`update --previous --no-wrap` would.

    The file is written only if it changes; returns what changed, or None.
    """
    try:
        if path.exists():
            before_bytes: bytes | None = path.read_bytes()
            catalog = read_for_update(path)
            before: _State | None = _state(catalog)
            update_in_memory(catalog, template)
        else:
            before_bytes, before = None, None
            catalog = new_catalog(template, locale_name)
        migrated = migrate_plural_forms(catalog, locale_name)
        data = po_bytes(catalog)
    except CatalogError as error:
        raise WorkflowError(str(error)) from None
    except NoPluralRule as error:
        raise WorkflowError(f"{path}: {error}") from None
    if data == before_bytes:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    after = _state(catalog)
    if before is None:
        return CatalogChange(path, True, len(after.ids), 0, 0, len(after.ids), locale_name, page, migrated)
    return CatalogChange(
        path,
        False,
        new=len(after.ids - before.ids - after.fuzzy),
        fuzzy=len(after.fuzzy - before.fuzzy),
        obsolete=len(after.obsolete - before.obsolete),
        total=len(after.ids),
        language=locale_name,
        page=page,
        plural_forms=migrated,
    )


def new_catalog(template: Catalog, locale_name: str) -> Catalog:
    """A language's first catalog from a template: every message, untranslated (`pybabel init`)."""
    catalog = Catalog(project=template.project, copyright_holder=template.copyright_holder, fuzzy=False)
    catalog.creation_date = template.creation_date
    for message in template:
        if message.id:
            catalog[message.id] = message.clone()
    catalog.locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    catalog.revision_date = datetime.datetime.now(datetime.UTC)
    return catalog


def update_in_memory(catalog: Catalog, template: Catalog, *, fuzzy_matching: bool = True) -> None:
    """What `pybabel update --previous` does, with `#|` lines kept right.

    Babel reads `#| msgid` lines as translator comments and writes them back as `# | msgid`,
    an ever-growing pile of stale English. Here a fuzzy entry keeps its earlier English as a
    real `#|` line, and a reviewed (not fuzzy) entry loses it.
    """
    earlier = {message.id: message.previous_id for message in catalog if message.fuzzy and message.previous_id}
    # pybabel's defaults: fuzzy matching, POT-Creation-Date from the template
    catalog.update(template, no_fuzzy_matching=not fuzzy_matching)
    for message in catalog:
        if message.fuzzy and not message.previous_id and message.id in earlier:
            message.previous_id = earlier[message.id]  # Babel drops it when the msgid did not change


def migrate_plural_forms(catalog: Catalog, locale_name: str) -> bool:
    """Make a catalog's Plural-Forms header agree with the installed CLDR data, keeping translations.

    Each new form takes the old form that covered the same counts. A form CLDR added (French
    "many" since CLDR 38 reached Babel 2.19) starts as a copy of the old "other" form, and its
    entry is marked fuzzy for a translator to confirm. Returns whether the header changed.
    """
    mismatch = _plural_forms_mismatch(catalog.plural_forms, locale_name)
    if mismatch is None:
        return False
    old = plural_function(catalog.plural_forms)
    catalog.mime_headers = [
        (name, mismatch.expected if name.lower() == "plural-forms" else value) for name, value in catalog.mime_headers
    ]
    new = plural_function(mismatch.expected)
    if isinstance(new, str):
        raise NoPluralRule(f"the expected header {mismatch.expected!r} cannot be used: {new}")
    new_count, new_index = new
    for message in catalog:
        if not isinstance(message.id, tuple | list) or not message.id[0]:
            continue
        old_forms = list(message.string) if isinstance(message.string, tuple | list) else [message.string or ""]
        if not any(old_forms):
            message.string = ("",) * new_count
            continue
        sources = _old_form_for_each_new_form(old, new_count, new_index, len(old_forms))
        message.string = tuple(old_forms[source] for source, _ in sources)
        if any(not exact for _, exact in sources) or len({source for source, _ in sources}) < new_count:
            message.flags.add("fuzzy")
    return True


@functools.cache
def _plural_forms_mismatch(plural_forms: str, locale_name: str) -> PluralMismatch | None:
    """`plural_forms_mismatch`, worked out once per header and language: it tries a thousand counts."""
    return plural_forms_mismatch(plural_forms, Locale.parse(code_from_catalog_name(locale_name), sep="-"))


def _old_form_for_each_new_form(
    old: tuple[int, Callable[[int], int]] | str, new_count: int, new_index: Callable[[int], int], old_count: int
) -> list[tuple[int, bool]]:
    """For each new form: the old form that covered its counts, and whether it covered exactly those."""
    other = old_count - 1  # gettext puts the "other" form last
    if isinstance(old, str):
        return [(other, False)] * new_count
    old_index = old[1]
    sources = []
    for form in range(new_count):
        covered = {min(old_index(n), other) for n in PLURAL_SAMPLE if new_index(n) == form}
        sources.append((covered.pop(), True) if len(covered) == 1 else (other, False))
    return sources


def read_for_update(path: Path) -> Catalog:
    """A catalog with its `#|` lines (read by Babel as comments) as previous msgids of fuzzy entries only."""
    try:
        catalog = read_catalog(path)
    except PluralCountError as error:
        # more forms than the header's nplurals: like pybabel, keep the first ones; the header migrates next
        log.warning("%s; keeping the first %d forms", error, error.nplurals)
        with contextlib.redirect_stdout(io.StringIO()):  # Babel prints each problem; it is logged above
            catalog = read_po(io.BytesIO(path.read_bytes()))
    for message in catalog:
        parts = [_previous_part(comment) for comment in _take_previous_lines(message)]
        if parts and message.fuzzy and all(parts):  # a line Babel once wrapped cannot be read back
            message.previous_id = _previous_id([part for part in parts if part])
    for message in catalog.obsolete.values():
        _take_previous_lines(message)
    return catalog


def _take_previous_lines(message: Message) -> list[str]:
    """Remove a message's `#|` lines from its translator comments, and return them."""
    lines = [comment for comment in message.user_comments if comment.startswith("|")]
    message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
    return lines


def _previous_part(comment: str) -> tuple[str, str] | None:
    """(keyword, text) of a `#|` line as Babel keeps it ('| msgid "old"'), also garbled ones ('# | …').

    >>> _previous_part('| msgid "Old \\\\"text\\\\""'), _previous_part('| "more"'), _previous_part("| a note")
    (('msgid', 'Old "text"'), ('', 'more'), None)
    """
    if not comment.startswith("|"):
        return None
    rest = comment[1:].strip()
    keyword, quoted = ("", rest) if rest.startswith('"') else (rest.partition(" ")[0], rest.partition(" ")[2].strip())
    if keyword not in ("", "msgctxt", "msgid", "msgid_plural") or len(quoted) < 2 or not quoted[0] == quoted[-1] == '"':
        return None
    return keyword, unescape(quoted)


def _previous_id(parts: list[tuple[str, str]]) -> list[str]:
    texts: dict[str, str] = {}
    keyword = "msgid"
    for part_keyword, text in parts:
        keyword = part_keyword or keyword  # a bare string continues the line before
        texts[keyword] = texts.get(keyword, "") + text
    return [texts[key] for key in ("msgid", "msgid_plural") if key in texts]


def po_bytes(catalog: Catalog) -> bytes:
    """A catalog as `pybabel update --previous --no-wrap` writes it, but with whole `#|` lines.

    Babel wraps `#|` lines at 76 columns, splitting the string inside into invalid PO. So they are
    left out, and each fuzzy entry's are put back after its flags, where GNU gettext has them; a
    temporary flag marks the entry.
    """
    previous = {}
    for number, message in enumerate(catalog):
        if message.fuzzy and message.previous_id:
            marker = f"previous-msgid-{number}"
            previous[marker] = _previous_lines(message.previous_id)
            message.flags.add(marker)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    lines = []
    for line in buffer.getvalue().decode(catalog.charset).splitlines(keepends=True):
        flags = [flag.strip() for flag in line[2:].split(",")] if line.startswith("#,") else []
        markers = [flag for flag in flags if flag in previous]
        if markers:
            lines.append("#, " + ", ".join(flag for flag in flags if flag not in previous) + "\n")
            lines.extend(previous[markers[0]])
        else:
            lines.append(line)
    for message in catalog:
        message.flags -= set(previous)
    return in_gnu_layout("".join(lines)).encode(catalog.charset)


# The header fields in the order GNU msgmerge and msgcat write them; others follow in their own order.
GNU_HEADER_ORDER = (
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date", "Last-Translator",
    "Language-Team", "Language", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms",
)  # fmt: skip


def in_gnu_layout(text: str) -> str:
    """A PO file as GNU gettext's tools write it with --no-wrap, so that a save in Poedit or Weblate changes nothing.

    Babel and GNU agree on everything but the header (field order, `charset=UTF-8`, Babel's
    `Generated-By`, which would change with every Babel release) and the blank line at the end.
    """
    head, separator, rest = text.partition("\n\n")
    lines = head.split("\n")
    start = next((index + 1 for index, line in enumerate(lines) if line == 'msgstr ""'), None)
    if start is None:
        return text.rstrip("\n") + "\n"
    fields = [line for line in lines[start:] if line.startswith('"') and not line.startswith('"Generated-By:')]

    def rank(line: str) -> int:
        name = line[1:].split(":", 1)[0]
        return GNU_HEADER_ORDER.index(name) if name in GNU_HEADER_ORDER else len(GNU_HEADER_ORDER)

    ordered = [line.replace("charset=utf-8", "charset=UTF-8") for line in sorted(fields, key=rank)]
    return "\n".join([*lines[:start], *ordered]) + separator + rest.rstrip("\n") + "\n"


def _previous_lines(previous_id: list[str]) -> list[str]:
    """`#| msgid` (and `#| msgid_plural`) lines, unwrapped, as GNU msgmerge --no-wrap writes them.

    >>> _previous_lines(["Old", "Olds"])
    ['#| msgid "Old"\\n', '#| msgid_plural "Olds"\\n']
    """
    lines = []
    for keyword, text in zip(("msgid", "msgid_plural"), previous_id, strict=False):
        first, *rest = normalize(text, width=0).splitlines()
        lines += [f"#| {keyword} {first}\n", *(f"#| {line}\n" for line in rest)]
    return lines


# --- Once: from one content catalog per language to one per page -------------------------------


def split_single_content_catalogs(
    locales_dir: Path, names: Iterable[str], extraction: Extraction, content_dir: Path
) -> list[str]:
    """Split each language's old `LC_MESSAGES/content.po` into its pages' catalogs; a line saying so, or none.

    Each message goes to every page whose template has it, with its translation, flags, translator
    comments and `#|` lines, under the old header. Either every language is split or nothing
    changes: the catalogs are written to a hidden folder beside `content.po`, and moved into
    place when all are ready. The old `content.pot` goes once no language has a `content.po`.
    """
    olds = [path for path in (catalog_path(locales_dir, name, OLD_CONTENT) for name in names) if path.exists()]
    done = []
    if olds:
        if not extraction.pages:
            raise WorkflowError(f"{olds[0]}: not split into page catalogs: {content_dir} has no pages")
        templates = {key: _read_template(page_template_path(locales_dir, key)) for key in sorted(extraction.pages)}
        sources = {_shown_as(path, content_dir): key for key, path in extraction.pages.items()}
        kept = 0
        try:
            for old in olds:
                kept += _split(old, locales_dir, templates, sources)
        except BaseException:
            for old in olds:
                shutil.rmtree(_staging(old), ignore_errors=True)
            raise
        for old in olds:
            folder = old.parent / CONTENT_FOLDER
            if folder.exists():
                folder.rmdir()  # empty: _split refuses a folder with catalogs in it
            _staging(old).rename(folder)
            old.unlink()
            old.with_suffix(".mo").unlink(missing_ok=True)
        languages = ", ".join(old.parents[1].name for old in olds)
        done.append(
            f"split LC_MESSAGES/{OLD_CONTENT}.po into one catalog per page (LC_MESSAGES/{CONTENT_FOLDER}/<page>.po) "
            f"for {languages}: {kept} translations kept; removed their {OLD_CONTENT}.po and {OLD_CONTENT}.mo"
        )
    old_template = template_path(locales_dir, OLD_CONTENT)
    remaining = [name for name in locale_names(locales_dir) if catalog_path(locales_dir, name, OLD_CONTENT).exists()]
    if old_template.exists() and not remaining:
        old_template.unlink()
        done.append(f"{old_template}: removed: each page has its own template in {locales_dir / CONTENT_FOLDER}/")
    return ["; ".join(done)] if done else []


def _staging(old: Path) -> Path:
    return old.parent / f".{CONTENT_FOLDER}.splitting"


def _split(old: Path, locales_dir: Path, templates: Mapping[str, Catalog], sources: Mapping[str, str]) -> int:
    """Write one language's page catalogs from its `content.po` into the staging folder; the translations kept."""
    name = old.parents[1].name
    folder = old.parent / CONTENT_FOLDER
    if folder.exists() and any(folder.rglob("*.po")):
        raise WorkflowError(
            f"{old}: not split into page catalogs, because {folder} already has some: "
            "keep one of the two, then run update again"
        )
    staging = _staging(old)
    shutil.rmtree(staging, ignore_errors=True)  # left by an interrupted run
    try:
        catalog = read_for_update(old)
    except CatalogError as error:
        raise WorkflowError(str(error)) from None
    kept = sum(1 for message in (*catalog, *catalog.obsolete.values()) if message.id and _has_translation(message))
    every_page = Catalog()
    for template in templates.values():
        for message in template:
            if message.id:
                every_page[message.id] = message.clone()  # a message of several pages: their locations, merged
    update_in_memory(catalog, every_page)  # English changed since the last update: fuzzy, as before the split
    obsolete = _obsolete_by_page(catalog, templates, sources)
    for key, template in templates.items():
        page = _empty_like(catalog)
        for message in template:
            found = catalog.get(message.id, message.context) if message.id else None
            if found is not None:
                page[message.id] = found.clone()
        update_in_memory(page, template, fuzzy_matching=False)
        for obsolete_key, message in obsolete.get(key, []):
            page.obsolete[obsolete_key] = message.clone()
        try:
            migrate_plural_forms(page, name)
        except NoPluralRule as error:
            raise WorkflowError(f"{old}: {error}") from None
        path = staging / page_catalog_path(locales_dir, name, key).relative_to(folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(page))
    return kept


def _has_translation(message: Message) -> bool:
    """Whether a translator wrote anything for this message (a plural message: in any form)."""
    return any(_forms(message))


def _is_translated(message: Message) -> bool:
    """Whether a message is finished: every form translated, not fuzzy."""
    return all(_forms(message)) and not message.fuzzy


def _forms(message: Message) -> list[str]:
    return [
        str(form or "") for form in (message.string if isinstance(message.string, tuple | list) else [message.string])
    ]


def _empty_like(catalog: Catalog) -> Catalog:
    """A catalog with no messages and the same header: language, plural forms, translator, team, dates."""
    empty = Catalog(fuzzy=catalog.fuzzy)
    empty.header_comment = catalog.header_comment
    empty.mime_headers = catalog.mime_headers
    return empty


def _obsolete_by_page(
    catalog: Catalog, templates: Mapping[str, Catalog], sources: Mapping[str, str]
) -> dict[str, list[tuple[str | tuple[str, str], Message]]]:
    """Which page's catalog keeps each obsolete translation: the page it was on, else the page sharing most words.

    Words are weighted by rarity (a word on one page counts more than a word on every page), so
    an old heading such as "Access log" goes to the page that still talks about access logs.
    """
    pages_with: dict[str, set[str]] = {}
    for key, template in templates.items():
        for message in template:
            for word in _words(message_key(message)) if message.id else ():
                pages_with.setdefault(word, set()).add(key)
    fallback = HOME_SLUG if HOME_SLUG in templates else next(iter(templates))
    placed: dict[str, list[tuple[str | tuple[str, str], Message]]] = {}
    for obsolete_key, message in catalog.obsolete.items():
        keys = sorted({sources[file] for file, _line in message.locations if file in sources})
        if not keys:
            scores: dict[str, float] = {}
            for word in _words(message_key(message)):
                for key in pages_with.get(word, ()):
                    scores[key] = scores.get(key, 0.0) + 1 / len(pages_with[word])
            keys = [max(sorted(scores), key=scores.__getitem__) if scores else fallback]
        for key in keys:
            placed.setdefault(key, []).append((obsolete_key, message))
    return placed


def _words(text: str) -> set[str]:
    """
    >>> sorted(_words("Access *log*: the logs"))
    ['access', 'log', 'logs', 'the']
    """
    return set(re.findall(r"\w+", text.lower()))


# --- New languages and compiled catalogs ------------------------------------------------------


def init(
    locales_dir: Path,
    locale_name: str,
    *,
    content_dir: Path = REPOSITORY_ROOT / "content",
    templates_dir: Path = REPOSITORY_ROOT / "templates",
) -> Summary:
    """Start a new language: its catalogs, with every message untranslated, and a starter glossary.

    Either the whole folder is made or nothing is left behind.
    """
    try:
        locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise WorkflowError(
            f"unknown locale {locale_name!r}: use a name Babel knows, such as pt_BR or zh_Hant"
        ) from None
    folder = locales_dir / str(locale)  # the POSIX spelling, whichever the translator typed: pt_BR
    if folder.exists():
        raise WorkflowError(f"{folder} already exists; use `python -m server update`")
    try:
        cldr_plural_forms(locale)
    except NoPluralRule as error:
        raise WorkflowError(f"cannot start {locale}: {error}") from None
    try:
        summary = update(locales_dir, [folder.name], content_dir=content_dir, templates_dir=templates_dir)
        glossary = glossary_path(locales_dir, folder.name)
        glossary.write_text(starter_glossary(code_from_catalog_name(folder.name)), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    started = CatalogChange(glossary, True, 0, 0, 0, len(STARTER_TERMS), folder.name)
    return Summary((*summary.changes, started), summary.up_to_date, summary.notes)


def compile_catalogs(locales_dir: Path) -> list[str]:
    """Write a .mo beside every .po, for other gettext tools (the server reads the .po files); a line per language."""
    lines = []
    for name in locale_names(locales_dir):
        folder = locales_dir / name / "LC_MESSAGES"
        files = translated = messages = 0
        for path in sorted(folder.rglob("*.po")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue  # left by an interrupted split
            try:
                catalog = read_catalog(path)
            except CatalogError as error:
                raise WorkflowError(str(error)) from None
            if catalog.fuzzy:
                raise WorkflowError(f"{path}:1: the header is marked fuzzy; review it and remove the flag")
            with path.with_suffix(".mo").open("wb") as file:
                write_mo(file, catalog)
            files += 1
            translated += sum(1 for message in catalog if message.id and _is_translated(message))
            messages += len(catalog)
        lines.append(f"{folder}: {files} .mo files written, {translated} of {messages} messages compiled")
    return lines

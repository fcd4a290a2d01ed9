"""The translators' commands (extract, update, init, compile), through Babel's Python API."""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import normalize, read_po, unescape, write_po

from ..core.catalogs import (
    DOMAINS,
    PLURAL_SAMPLE,
    CatalogError,
    NoPluralRule,
    PluralCountError,
    catalog_path,
    cldr_plural_forms,
    message_key,
    plural_forms_mismatch,
    plural_function,
    read_catalog,
    template_path,
)
from ..core.glossary import STARTER_TERMS, glossary_path, starter_glossary
from ..core.languages import code_from_catalog_name
from ..core.settings import REPOSITORY_ROOT
from ..core.rendering import EXTRACTION_SETTINGS

PROJECT = "Pregnancy Health Library"
COPYRIGHT_HOLDER = "Mac Millan Interactive Communications, LLC"
log = logging.getLogger("server.tools.workflow")


class WorkflowError(RuntimeError):
    pass


def _messages_signature(catalog: Catalog) -> list[tuple[object, ...]]:
    return [
        (
            message.id,
            message.context,
            tuple(message.locations),
            tuple(message.auto_comments),
            tuple(sorted(message.flags)),
        )
        for message in catalog
        if message.id
    ]


@dataclass(frozen=True)
class Source:
    """Where one domain's messages come from, and how Babel extracts them."""

    domain: str
    folder: Path
    pattern: str
    method: str  # a Babel extraction method, as "module:function"
    options: dict[str, str]


# Babel's Jinja extractor must read templates as the site's environment does, or msgids would differ.
JINJA_OPTIONS = {name: str(value).lower() for name, value in EXTRACTION_SETTINGS.items()} | {"silent": "false"}


def sources(content_dir: Path, templates_dir: Path) -> list[Source]:
    """The site's message sources: the templates (interface) and the content pages (content)."""
    return [
        Source("interface", templates_dir, "**.html", "jinja2.ext:babel_extract", JINJA_OPTIONS),
        Source("content", content_dir, "**.md", "server.tools.extract:extract_content", {}),
    ]


def extract(locales_dir: Path, content_dir: Path, templates_dir: Path) -> list[Path]:
    """Extract each domain with Babel's extraction API into its own .pot.

    A template whose messages did not change is left untouched, so its POT-Creation-Date
    keeps naming the source revision that translators worked from.
    """
    written = []
    for domain in DOMAINS:
        template = Catalog(project=PROJECT, copyright_holder=COPYRIGHT_HOLDER, fuzzy=False)
        for source in sources(content_dir, templates_dir):
            if source.domain != domain:
                continue
            found = extract_from_dir(
                str(source.folder),
                [(source.pattern, source.method)],
                {source.pattern: source.options},
                comment_tags=("TRANSLATORS:",),
                strip_comment_tags=True,
            )
            shown_as = source.folder.name  # locations read "content/privacy.md:12", wherever the folder is
            for filename, lineno, text, comments, context in found:
                location = (f"{shown_as}/{Path(filename).as_posix()}", lineno)
                template.add(text, None, [location], auto_comments=comments, context=context)
        for entry in template:  # the order the file system lists files in differs from one clone to the next
            entry.locations = sorted(entry.locations)
        path = template_path(locales_dir, domain)
        buffer = io.BytesIO()
        write_po(buffer, template, sort_by_file=True, width=0)
        text = in_gnu_layout(buffer.getvalue().decode("utf-8"))
        # compared as written: Babel wraps long comments, so the file reads back differently from memory
        as_written = read_po(io.StringIO(text))
        if path.exists() and _messages_signature(read_catalog(path)) == _messages_signature(as_written):
            continue
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def locale_names(locales_dir: Path) -> list[str]:
    return sorted(folder.name for folder in locales_dir.iterdir() if (folder / "LC_MESSAGES").is_dir())


def migrate_plural_forms(path: Path, locale_name: str) -> bool:
    """Make a catalog's Plural-Forms header agree with the installed CLDR data, keeping translations.

    Each new form takes the old form that covered the same counts. A form CLDR added (French
    "many" since CLDR 38 reached Babel 2.19) starts as a copy of the old "other" form, and its
    entry is marked fuzzy for a translator to confirm.
    """
    locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    catalog = read_for_update(path)
    mismatch = plural_forms_mismatch(catalog.plural_forms, locale)
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
    _write(path, catalog)
    return True


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


@dataclass(frozen=True)
class CatalogChange:
    """What `update` or `init` did to one catalog, for its one-line summary."""

    path: Path
    created: bool
    new: int  # messages added untranslated
    fuzzy: int  # translations marked fuzzy because their English changed
    obsolete: int  # translations of English that is gone
    total: int

    def __str__(self) -> str:
        if self.created:
            return f"{self.path}: created, {self.total} messages to translate"
        if not (self.new or self.fuzzy or self.obsolete):
            return f"{self.path}: up to date"
        return f"{self.path}: {self.new} new, {self.fuzzy} fuzzy, {self.obsolete} obsolete"


def update(
    locales_dir: Path,
    locales: Iterable[str] | None = None,
    *,
    content_dir: Path = REPOSITORY_ROOT / "content",
    templates_dir: Path = REPOSITORY_ROOT / "templates",
) -> list[CatalogChange]:
    """Extract, then bring every locale's catalogs up to date; returns what changed in each.

    New source text appears untranslated, changed text fuzzy (with the old msgid kept as
    `#| msgid` for the translator), removed text obsolete (`#~`).
    """
    extract(locales_dir, content_dir, templates_dir)
    changes = []
    for name in locales or locale_names(locales_dir):
        for domain in DOMAINS:
            path = catalog_path(locales_dir, name, domain)
            template = template_path(locales_dir, domain)
            try:
                before = _state(path) if path.exists() else None
                if before is not None:
                    update_catalog(path, read_catalog(template))
                else:
                    new_catalog(path, read_catalog(template), name)
                migrate_plural_forms(path, name)
                changes.append(_change(path, before, _state(path)))
            except (CatalogError, NoPluralRule) as error:
                raise WorkflowError(str(error) if isinstance(error, CatalogError) else f"{path}: {error}") from None
    return changes


@dataclass(frozen=True)
class _State:
    ids: frozenset[str]
    fuzzy: frozenset[str]
    obsolete: frozenset[str]


def _state(path: Path) -> _State:
    catalog = read_for_update(path)
    ids = frozenset(message_key(message) for message in catalog if message.id)
    fuzzy = frozenset(message_key(message) for message in catalog if message.id and message.fuzzy)
    return _State(ids, fuzzy, frozenset(str(key) for key in catalog.obsolete))


def _change(path: Path, before: _State | None, after: _State) -> CatalogChange:
    if before is None:
        return CatalogChange(path, True, len(after.ids), 0, 0, len(after.ids))
    return CatalogChange(
        path,
        False,
        new=len(after.ids - before.ids - after.fuzzy),
        fuzzy=len(after.fuzzy - before.fuzzy),
        obsolete=len(after.obsolete - before.obsolete),
        total=len(after.ids),
    )


def new_catalog(path: Path, template: Catalog, locale_name: str) -> None:
    """A language's first catalog of a domain: every message of the template, untranslated (`pybabel init`)."""
    catalog = read_catalog_template(template)
    catalog.locale = Locale.parse(code_from_catalog_name(locale_name), sep="-")
    catalog.revision_date = datetime.datetime.now(datetime.UTC)
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, catalog)


def read_catalog_template(template: Catalog) -> Catalog:
    catalog = Catalog(project=template.project, copyright_holder=template.copyright_holder, fuzzy=False)
    catalog.creation_date = template.creation_date
    for message in template:
        if message.id:
            catalog[message.id] = message
    return catalog


def update_catalog(path: Path, template: Catalog) -> None:
    """What `pybabel update --previous --no-wrap` does, with `#|` lines kept right.

    Babel reads `#| msgid` lines as translator comments and writes them back as `# | msgid`,
    an ever-growing pile of stale English. Here a fuzzy entry keeps its earlier English as a
    real `#|` line, and a reviewed (not fuzzy) entry loses it.
    """
    catalog = read_for_update(path)
    earlier = {message.id: message.previous_id for message in catalog if message.fuzzy and message.previous_id}
    catalog.update(template)  # pybabel's defaults: fuzzy matching, POT-Creation-Date from the template
    for message in catalog:
        if message.fuzzy and not message.previous_id and message.id in earlier:
            message.previous_id = earlier[message.id]  # Babel drops it when the msgid did not change
    _write(path, catalog)


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


def _write(path: Path, catalog: Catalog) -> None:
    """Write a catalog as `pybabel update --previous --no-wrap` would, but with whole `#|` lines.

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
    path.write_bytes(in_gnu_layout("".join(lines)).encode(catalog.charset))


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


def init(
    locales_dir: Path,
    locale_name: str,
    *,
    content_dir: Path = REPOSITORY_ROOT / "content",
    templates_dir: Path = REPOSITORY_ROOT / "templates",
) -> list[CatalogChange]:
    """Start a new language: its catalogs, with every message untranslated. Returns what was made.

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
        changes = update(locales_dir, [folder.name], content_dir=content_dir, templates_dir=templates_dir)
        glossary = glossary_path(locales_dir, folder.name)
        glossary.write_text(starter_glossary(code_from_catalog_name(folder.name)), encoding="utf-8")
        changes.append(CatalogChange(glossary, True, 0, 0, 0, len(STARTER_TERMS)))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return changes


def compile_catalogs(locales_dir: Path) -> list[str]:
    """Write .mo files for other gettext tools; the server itself reads the .po files. One line per file."""
    written = []
    for name in locale_names(locales_dir):
        for domain in DOMAINS:
            path = catalog_path(locales_dir, name, domain)
            if not path.exists():
                continue
            catalog = read_catalog(path)
            if catalog.fuzzy:
                raise WorkflowError(f"{path}:1: the header is marked fuzzy; review it and remove the flag")
            with path.with_suffix(".mo").open("wb") as file:
                write_mo(file, catalog)
            translated = sum(1 for message in catalog if message.id and message.string and not message.fuzzy)
            written.append(f"{path.with_suffix('.mo')}: {translated} of {len(catalog)} messages compiled")
    return written

"""Message catalogs: .po files read with Babel, held as lookup tables of finished translations."""

from __future__ import annotations

import datetime
import gettext
import io
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.plural import to_gettext

DOMAINS = ("interface", "content")  # interface: templates and Python; content: the Markdown pages
PLURAL_SAMPLE = range(0, 1001)  # the counts a page can show (minutes, articles) lie well inside this
CLDR_CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")

log = logging.getLogger("server.catalogs")


class CatalogError(ValueError):
    """A catalog that cannot be used; names the file and line."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path = str(path)
        self.lineno = lineno


@dataclass(frozen=True)
class MessageTable:
    """The finished translations of one domain in one language.

    Untranslated, partly translated and fuzzy entries are left out, so a lookup that
    misses means "fall back to the source text".
    """

    singular: Mapping[str, str] = field(default_factory=dict)
    plural: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # keyed by the singular msgid
    plural_index: Callable[[int], int] = lambda n: int(n != 1)
    source_revision: datetime.datetime | None = None  # POT-Creation-Date: the source it was updated from
    fuzzy: frozenset[str] = frozenset()  # msgids whose translation is marked fuzzy (needs review)

    def gettext(self, message: str) -> str | None:
        return self.singular.get(message)

    def ngettext(self, singular: str, count: int) -> str | None:
        forms = self.plural.get(singular)
        if forms is None:
            return None
        index = self.plural_index(count)
        return forms[index] if 0 <= index < len(forms) else None


EMPTY = MessageTable()


def catalog_path(locales_dir: Path, catalog_name: str, domain: str) -> Path:
    return locales_dir / catalog_name / "LC_MESSAGES" / f"{domain}.po"


def template_path(locales_dir: Path, domain: str) -> Path:
    return locales_dir / f"{domain}.pot"


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_PO_STRING}\s*$")


def po_syntax_error(text: str) -> tuple[int, str] | None:
    """The first line that is not valid PO syntax, which Babel's parser would quietly accept.

    >>> po_syntax_error('msgid "a"\\nmsgstr "b"\\n')
    >>> po_syntax_error('msgid "a"\\nmsgstr "b\\n')
    (2, 'unterminated or malformed string')
    >>> po_syntax_error('msgid "a"\\nmsgstr b\\n')
    (2, 'unterminated or malformed string')
    """
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _PO_LINE.match(line):
            keyword = line.split(None, 1)[0] if line.split() else ""
            known = keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr") or keyword.startswith(('"', "msgstr["))
            return number, "unterminated or malformed string" if known else f"unexpected {keyword[:20]!r}"
    return None


def read_catalog(path: Path) -> Catalog:
    """Parse a .po or .pot strictly; raises CatalogError with the file and line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(path, 0, f"cannot be read ({error.strerror})") from None
    if not data.strip():
        raise CatalogError(path, 1, "the file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        lineno = data[: error.start].count(b"\n") + 1
        raise CatalogError(path, lineno, "not valid UTF-8") from None
    syntax_error = po_syntax_error(data.decode("utf-8"))
    if syntax_error:
        raise CatalogError(path, syntax_error[0], f"invalid PO syntax ({syntax_error[1]})")
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        match = re.search(r"line (\d+)", str(error))
        lineno = int(match.group(1)) if match else 1
        reason = str(error).split(":", 1)[0] if ":" in str(error) else str(error)
        raise CatalogError(path, lineno, f"invalid PO syntax ({reason})") from None
    except (ValueError, TypeError, IndexError) as error:
        raise CatalogError(path, 1, f"invalid PO file ({error})") from None


def plural_index_function(catalog: Catalog, path: Path) -> Callable[[int], int]:
    try:
        return gettext.c2py(catalog.plural_expr)
    except (ValueError, SyntaxError) as error:
        raise CatalogError(path, _header_line(path, "Plural-Forms"), f"invalid Plural-Forms ({error})") from None


def build_table(catalog: Catalog, path: Path) -> MessageTable:
    """Lookup table of the finished translations in a parsed catalog."""
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    fuzzy: set[str] = set()
    for message in catalog:
        if not message.id or message.context:
            continue
        if message.fuzzy:
            fuzzy.add(message.id[0] if isinstance(message.id, tuple | list) else message.id)
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string or ())
            if len(forms) == catalog.num_plurals and all(forms):
                plural[message.id[0]] = forms
        elif isinstance(message.string, str) and message.string:
            singular[message.id] = message.string
    revision = catalog.creation_date if isinstance(catalog.creation_date, datetime.datetime) else None
    return MessageTable(singular, plural, plural_index_function(catalog, path), revision, frozenset(fuzzy))


def load_table(path: Path) -> MessageTable:
    return build_table(read_catalog(path), path)


def _header_line(path: Path, header: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.startswith(f'"{header}:'):
                return number
    except OSError:
        pass
    return 1


def cldr_plural_categories(locale: Locale) -> tuple[str, ...]:
    """CLDR's plural categories reached by the counts we show, in CLDR order."""
    reached = {locale.plural_form(n) for n in PLURAL_SAMPLE}
    return tuple(category for category in CLDR_CATEGORY_ORDER if category in reached)


def plural_forms_mismatch(plural_forms: str, locale: Locale) -> int | None:
    """The first count at which a Plural-Forms header disagrees with CLDR, or None.

    Forms are expected in CLDR order (zero, one, two, few, many, other).

    >>> plural_forms_mismatch("nplurals=2; plural=(n != 1);", Locale("de"))
    >>> plural_forms_mismatch(get_plural("ar").plural_forms, Locale("ar"))  # python-babel/babel#816
    11
    """
    categories = cldr_plural_categories(locale)
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", plural_forms)
    if not match:
        return 0
    if int(match.group(1)) != len(categories):
        return 0
    try:
        index_of = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError):
        return 0
    for n in PLURAL_SAMPLE:
        if index_of(n) != categories.index(locale.plural_form(n)):
            return n
    return None


def cldr_plural_forms(locale: Locale) -> str:
    """A Plural-Forms header that agrees with CLDR: Babel's table if right, else CLDR's rule.

    >>> cldr_plural_forms(Locale("fr"))
    'nplurals=2; plural=(n > 1);'
    >>> plural_forms_mismatch(cldr_plural_forms(Locale("ar")), Locale("ar")) is None
    True
    """
    candidates = [get_plural(locale).plural_forms, to_gettext(locale.plural_form).strip()]
    for candidate in candidates:
        if plural_forms_mismatch(candidate, locale) is None:
            return candidate.rstrip(";") + ";"
    raise ValueError(f"No Plural-Forms expression agrees with CLDR for {locale}")

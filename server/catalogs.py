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
# Counts a page can show (minutes, articles) lie well inside 0..1000; CLDR's "many" for French,
# Spanish and Portuguese starts at a million, so a few large counts are sampled too.
PLURAL_SAMPLE = (*range(0, 1001), *(m * 10**e + r for e in (6, 9) for m in (1, 2, 5) for r in (0, 1, 2, 5, 11, 21)))
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
    parsed = plural_function(catalog.plural_forms)
    if isinstance(parsed, str):
        raise CatalogError(path, header_line(path, "Plural-Forms"), f"invalid Plural-Forms: {parsed}")
    return parsed[1]


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


def header_line(path: Path, header: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.startswith(f'"{header}:'):
                return number
    except OSError:
        pass
    return 1


def cldr_plural_categories(locale: Locale) -> tuple[str, ...]:
    """CLDR's plural categories that whole-number counts reach, in CLDR order.

    Categories only fractions reach (Polish "other") get no gettext form.

    >>> cldr_plural_categories(Locale("fr"))
    ('one', 'many', 'other')
    >>> cldr_plural_categories(Locale("pl"))
    ('one', 'few', 'many')
    """
    reached = {locale.plural_form(n) for n in PLURAL_SAMPLE}
    return tuple(category for category in CLDR_CATEGORY_ORDER if category in reached)


@dataclass(frozen=True)
class PluralMismatch:
    """How a Plural-Forms header disagrees with CLDR."""

    expected: str  # the header that agrees with the installed CLDR data
    counts: tuple[int, ...]  # the first counts where the header picks another form (empty: it cannot be used)
    reason: str

    def __str__(self) -> str:
        where = f" at n={', '.join(map(str, self.counts))}" if self.counts else ""
        return f"{self.reason}{where}; Plural-Forms should be: {self.expected}"


MAX_PLURAL_EXPRESSION = 500  # characters; CLDR's longest rule (Arabic) needs about 120


def parse_plural_forms(plural_forms: str) -> tuple[int, str] | None:
    """(nplurals, expression) of a `nplurals=N; plural=EXPRESSION;` header, or None.

    Split by hand, not by a regex: overlapping whitespace patterns took super-linear time
    on a header padded with thousands of spaces.

    >>> parse_plural_forms(" nplurals = 2 ; plural = (n != 1) ; ")
    (2, '(n != 1)')
    >>> parse_plural_forms("nplurals=2; plural=n; extra=1;")
    """
    parts = [part.strip() for part in plural_forms.split(";")]
    if parts and not parts[-1]:
        parts.pop()
    if len(parts) != 2:
        return None
    (count_name, _, count), (expression_name, _, expression) = (part.partition("=") for part in parts)
    count, expression = count.strip(), expression.strip()
    if count_name.strip() != "nplurals" or expression_name.strip() != "plural":
        return None
    if not (count.isascii() and count.isdigit() and len(count) <= 2):
        return None
    if not expression or len(expression) > MAX_PLURAL_EXPRESSION:
        return None
    return int(count), expression


def plural_function(plural_forms: str) -> tuple[int, Callable[[int], int]] | str:
    """(nplurals, index function) of a Plural-Forms header, or why it cannot be used.

    The function is tried on every count a page can show, so one that raises or picks a
    form that does not exist is refused here, not on a reader's request.

    >>> plural_function("nplurals=2; plural=(n/0);")
    'plural=(n/0) fails at n=0 (ZeroDivisionError)'
    >>> plural_function("nplurals=2; plural=n+5;")
    'plural=n+5 gives form 5 at n=0, but nplurals=2'
    >>> plural_function("nplurals=2; plural=(n != 1);")[0]
    2
    """
    parsed = parse_plural_forms(plural_forms or "")
    if parsed is None:
        return "not of the form `nplurals=N; plural=EXPRESSION;`"
    count, expression = parsed
    if count < 1:
        return "nplurals must be at least 1"
    try:
        index_of = gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError) as error:
        return f"plural={expression[:80]} is not a valid expression ({error})"
    for n in PLURAL_SAMPLE:
        try:
            index = index_of(n)
        except (ArithmeticError, ValueError, TypeError, RecursionError) as error:
            return f"plural={expression[:80]} fails at n={n} ({type(error).__name__})"
        if not 0 <= index < count:
            return f"plural={expression[:80]} gives form {index} at n={n}, but nplurals={count}"
    return count, index_of


def _disagreements(plural_forms: str, locale: Locale) -> tuple[int, ...] | str:
    categories = cldr_plural_categories(locale)
    parsed = plural_function(plural_forms)
    if isinstance(parsed, str):
        return parsed
    count, index_of = parsed
    if count != len(categories):
        return f"nplurals={count}, but CLDR has {len(categories)} forms ({', '.join(categories)})"
    wrong = tuple(n for n in PLURAL_SAMPLE if index_of(n) != categories.index(locale.plural_form(n)))
    return wrong[:5] if wrong else ()


def plural_forms_mismatch(plural_forms: str, locale: Locale) -> PluralMismatch | None:
    """How a Plural-Forms header disagrees with the installed CLDR data, or None if it agrees.

    Forms are expected in CLDR order (zero, one, two, few, many, other).

    >>> plural_forms_mismatch("nplurals=2; plural=(n != 1);", Locale("de"))
    >>> print(plural_forms_mismatch("nplurals=2; plural=(n > 1);", Locale("fr")))  # doctest: +ELLIPSIS
    nplurals=2, but CLDR has 3 forms (one, many, other); Plural-Forms should be: nplurals=3; ...
    >>> plural_forms_mismatch("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : 5);", Locale("ar")).counts
    (3, 4, 5, 6, 7)
    """
    found = _disagreements(plural_forms, locale)
    if found == ():
        return None
    expected = cldr_plural_forms(locale)
    if isinstance(found, str):
        return PluralMismatch(expected, (), found)
    return PluralMismatch(expected, found, "Plural-Forms picks another form than CLDR")


class NoPluralRule(ValueError):
    """No gettext expression could be made from the installed CLDR data for a language."""


def cldr_plural_forms(locale: Locale) -> str:
    """A Plural-Forms header that agrees with CLDR: Babel's table if right, else one made from CLDR's rule.

    >>> cldr_plural_forms(Locale("de"))
    'nplurals=2; plural=(n != 1);'
    >>> plural_forms_mismatch(cldr_plural_forms(Locale("fr")), Locale("fr")) is None
    True
    """
    # to_gettext keeps CLDR's exponent operand `e`, which gettext lacks; whole counts have e = 0.
    from_rule = re.sub(r"\be\b", "0", to_gettext(locale.plural_form).strip())
    for candidate in (get_plural(locale).plural_forms, from_rule):
        if _disagreements(candidate, locale) == ():
            return candidate.rstrip(";") + ";"
    raise NoPluralRule(f"no Plural-Forms expression agrees with the installed CLDR data for {locale}")

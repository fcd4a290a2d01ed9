"""Message catalogs: .po files read with Babel, held as lookup tables of finished translations."""

from __future__ import annotations

import datetime
import functools
import gettext
import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.plural import to_gettext

from .translation import Rejection, mistakes

DOMAINS = ("interface", "content")  # interface: templates and Python; content: the Markdown pages
# Counts a page can show (minutes, articles) lie well inside 0..1000; CLDR's "many" for French,
# Spanish and Portuguese starts at a million, so a few large counts are sampled too.
PLURAL_SAMPLE = (*range(0, 1001), *(m * 10**e + r for e in (6, 9) for m in (1, 2, 5) for r in (0, 1, 2, 5, 11, 21)))
CLDR_CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")

log = logging.getLogger("server.core.catalogs")


class CatalogError(ValueError):
    """A catalog that cannot be used; names the file and line."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path = str(path)
        self.lineno = lineno


class PluralCountError(CatalogError):
    """An entry with more msgstr[N] lines than the header's nplurals, which Babel cannot read."""

    def __init__(self, path: Path | str, lineno: int, forms: int, nplurals: int) -> None:
        super().__init__(
            path, lineno, f"this message has {forms} plural forms, but the header says nplurals={nplurals}"
        )
        self.forms = forms
        self.nplurals = nplurals


@dataclass(frozen=True)
class MessageTable:
    """The finished translations of one domain in one language.

    Untranslated, partly translated, fuzzy and rejected entries are left out, so a lookup
    that misses means "fall back to the source text".
    """

    singular: Mapping[str, str] = field(default_factory=dict)
    plural: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # keyed by the singular msgid
    plural_index: Callable[[int], int] = lambda n: int(n != 1)
    source_revision: datetime.datetime | None = None  # POT-Creation-Date: the source it was updated from
    fuzzy: frozenset[str] = frozenset()  # msgids whose translation is marked fuzzy (needs review)
    rejected: Mapping[str, Rejection] = field(default_factory=dict)  # translations that cannot be shown, by msgid
    drafts: Mapping[str, str] = field(default_factory=dict)  # fuzzy or rejected translations (plurals: last form)
    lines: Mapping[str, int] = field(default_factory=dict)  # each entry's msgstr line, by msgid
    # rejected msgids whose fallback has been logged; the one mutable part, so a reason is logged once
    reported: set[str] = field(default_factory=set, compare=False, repr=False)

    def report_once(self, message: str) -> Rejection | None:
        """Why a message's translation is rejected, the first time this is asked; then None.

        Two concurrent renders may both get it: at worst a reason is logged twice.
        """
        if message not in self.rejected or message in self.reported:
            return None
        self.reported.add(message)
        return self.rejected[message]

    def gettext(self, message: str) -> str | None:
        return self.singular.get(message)

    def ngettext(self, singular: str, count: int) -> str | None:
        forms = self.plural.get(singular)
        if forms is None:
            return None
        index = self.plural_index(count)
        return forms[index] if 0 <= index < len(forms) else None


EMPTY = MessageTable()


def message_key(message: Message) -> str:
    """A message's msgid, or its singular for a plural message: how catalogs and tables name it."""
    return message.id if isinstance(message.id, str) else message.id[0]


def catalog_path(locales_dir: Path, catalog_name: str, domain: str) -> Path:
    """A language's catalog of a whole domain: the interface (`interface.po`)."""
    return locales_dir / catalog_name / "LC_MESSAGES" / f"{domain}.po"


def template_path(locales_dir: Path, domain: str) -> Path:
    return locales_dir / f"{domain}.pot"


# The content domain is one catalog per page, as Sphinx and po4a keep one per document: a file a
# translator can open in Poedit and review in a diff, and the unit that loading and reloading work in.
# A page's key is its slug, or `topics/<slug>` for a topic (reviews.page_key).
CONTENT_FOLDER = "content"


def page_template_path(locales_dir: Path, key: str) -> Path:
    """`locales/content/<key>.pot`: the messages of one page.

    >>> page_template_path(Path("locales"), "topics/back-ache").as_posix()
    'locales/content/topics/back-ache.pot'
    """
    return locales_dir / CONTENT_FOLDER / f"{key}.pot"


def page_catalog_path(locales_dir: Path, catalog_name: str, key: str) -> Path:
    """`locales/<ll>/LC_MESSAGES/content/<key>.po`: one page's translations in one language.

    >>> page_catalog_path(Path("locales"), "pt_BR", "index").as_posix()
    'locales/pt_BR/LC_MESSAGES/content/index.po'
    """
    return locales_dir / catalog_name / "LC_MESSAGES" / CONTENT_FOLDER / f"{key}.po"


def key_of(path: Path, folder: Path) -> str:
    """The page key a catalog or template inside `folder` is named after.

    >>> key_of(Path("l/de/LC_MESSAGES/content/topics/back-ache.po"), Path("l/de/LC_MESSAGES/content"))
    'topics/back-ache'
    """
    return path.relative_to(folder).with_suffix("").as_posix()


def msgstr_lines(text: str) -> dict[int, tuple[int, ...]]:
    """For each entry, by the line of its msgid (Babel's `Message.lineno`): its msgstr lines.

    >>> msgstr_lines('msgid "a"\\nmsgstr "b"\\n\\nmsgid "c"\\nmsgid_plural "cs"\\nmsgstr[0] "d"\\nmsgstr[1] "ds"\\n')
    {1: (2,), 4: (6, 7)}
    """
    entries: dict[int, list[int]] = {}
    current: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("msgid "):
            current = entries.setdefault(number, [])
        elif stripped.startswith("msgstr"):
            current.append(number)
    return {msgid_line: tuple(lines) for msgid_line, lines in entries.items()}


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
        if "more translations than num_plurals" in str(error):
            raise _too_many_forms(path, data.decode("utf-8"), error) from None
        match = re.search(r"line (\d+)", str(error))
        lineno = int(match.group(1)) if match else 1
        reason = str(error).split(":", 1)[0] if ":" in str(error) else str(error)
        raise CatalogError(path, lineno, f"invalid PO syntax ({reason})") from None
    except (ValueError, TypeError, IndexError) as error:
        raise CatalogError(path, 1, f"invalid PO file ({error})") from None


def _too_many_forms(path: Path, text: str, error: PoFileError) -> PluralCountError:
    nplurals = error.catalog.num_plurals
    lines = msgstr_lines(text).get(error.lineno + 1, ())  # Babel counts this line from 0
    return PluralCountError(path, lines[nplurals] if len(lines) > nplurals else error.lineno + 1, len(lines), nplurals)


def plural_index_function(catalog: Catalog, path: Path) -> Callable[[int], int]:
    parsed = plural_function(catalog.plural_forms)
    if isinstance(parsed, str):
        raise CatalogError(path, header_line(path, "Plural-Forms"), f"invalid Plural-Forms: {parsed}")
    return parsed[1]


def build_table(catalog: Catalog, path: Path, text: str = "") -> MessageTable:
    """Lookup table of the finished translations in a parsed catalog; `text` is the file, for line numbers.

    Translations that cannot be shown (see `translation.mistakes`) are left out and listed as rejected.
    """
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    fuzzy: set[str] = set()
    rejected: dict[str, Rejection] = {}
    drafts: dict[str, str] = {}
    entry_lines: dict[str, int] = {}
    # the rules differ by domain (interface: placeholders filled in; content: Markdown, links, images)
    domain = "interface" if path.name == "interface.po" else "content"
    plural_index = plural_index_function(catalog, path)
    one_count_forms = forms_for_one_count(plural_index)
    lines = msgstr_lines(text)
    for message in catalog:
        if not message.id or message.context:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        form_lines = lines.get(message.lineno or 0, ())
        entry_lines[key] = form_lines[0] if form_lines else message.lineno or 1
        if message.fuzzy:
            fuzzy.add(key)
            if _last_form(message):
                drafts[key] = _last_form(message)
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string or ())
            if len(forms) != catalog.num_plurals or not all(forms):
                continue
            reasons = [
                (index, reason)
                for index, form in enumerate(forms)
                for reason in mistakes(message.id[1], form, domain, may_omit_placeholders=index in one_count_forms)
            ]
        elif isinstance(message.string, str) and message.string:
            reasons = [(0, reason) for reason in mistakes(message.id, message.string, domain)]
        else:
            continue
        if reasons:
            index, reason = reasons[0]
            lineno = form_lines[index] if index < len(form_lines) else message.lineno or 1
            rejected[key] = Rejection(str(path), lineno, key, reason)
            drafts[key] = _last_form(message)
        elif isinstance(message.id, tuple | list):
            plural[key] = forms
        else:
            singular[key] = str(message.string)
    revision = catalog.creation_date if isinstance(catalog.creation_date, datetime.datetime) else None
    return MessageTable(singular, plural, plural_index, revision, frozenset(fuzzy), rejected, drafts, entry_lines)


def _last_form(message: Message) -> str:
    """The translation, or a plural message's last ("other") form."""
    string = message.string
    if isinstance(string, tuple | list):
        string = string[-1] if string else ""
    return str(string or "")


def load_table(path: Path) -> MessageTable:
    catalog = read_catalog(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # changed since: rejections then give the msgid's line
        text = ""
    return build_table(catalog, path, text)


@functools.lru_cache(maxsize=64)  # one plural function per Plural-Forms header (plural_function is cached)
def forms_for_one_count(plural_index: Callable[[int], int]) -> frozenset[int]:
    """The plural forms used for exactly one count, which may leave out the number ("one article").

    Arabic's "zero", "one" and "two" qualify; French "one" (0 and 1) does not.

    >>> sorted(forms_for_one_count(lambda n: int(n != 1))), sorted(forms_for_one_count(lambda n: int(n > 1)))
    ([0], [])
    """
    uses = Counter(plural_index(n) for n in PLURAL_SAMPLE)
    return frozenset(form for form, count in uses.items() if count == 1)


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


@functools.lru_cache(maxsize=64)  # every catalog of a language has the same header: evaluated once, not per page
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

"""Languages the site offers, and choosing the best one for a reader."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

MAX_HEADER_LENGTH = 4096  # bound untrusted input before parsing; real headers are < 200 bytes
MAX_RANGES = 32  # browsers send a handful; more is noise or an attack
_LANGUAGE_RANGE = re.compile(r"^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$")
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")

# CLDR numbering systems whose digits are a run of ten code points; "latn" (ASCII) needs nothing.
NATIVE_ZERO = {"arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966, "mymr": 0x1040, "thai": 0x0E50}

# Developer pseudo-locales: their code, their own name, direction, and the real locale
# whose data (dates, plurals) they borrow.
PSEUDO_LOCALES = {
    "en-XA": ("[Ëñğļîšĥ]", "ltr", "en"),
    "ar-XB": ("English (mirrored)", "rtl", "en"),
}


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 as written in locales/ ("zh-Hans")
    name: str  # the language's name in itself ("中文 (简体)")
    direction: str  # "ltr" or "rtl"
    locale: Locale  # Babel's data for dates, numbers and plural rules

    @property
    def url_code(self) -> str:
        """The language as it appears in URLs: lower-case BCP 47."""
        return self.code.lower()

    @property
    def catalog_name(self) -> str:
        """The folder under locales/ (POSIX form)."""
        return self.code.replace("-", "_")

    @property
    def is_pseudo(self) -> bool:
        return self.code in PSEUDO_LOCALES

    def localize_digits(self, text: str) -> str:
        """ASCII digits in the language's conventional digits, as CLDR's default numbering system says.

        Babel formats numbers and dates with ASCII digits whatever the locale; Bengali's default
        numbering system is its own digits (`beng`), Urdu's and Hindi's are ASCII (`latn`).

        >>> Language.from_code("bn").localize_digits("25 নভেম্বর, 2026")
        '২৫ নভেম্বর, ২০২৬'
        >>> Language.from_code("ur").localize_digits("2026")
        '2026'
        """
        zero = NATIVE_ZERO.get(self.locale.default_numbering_system or "latn")
        if zero is None:
            return text
        return text.translate({ord("0") + digit: chr(zero + digit) for digit in range(10)})

    @classmethod
    def from_code(cls, code: str) -> Language:
        """Build from a BCP 47 code; raises ValueError for a code Babel does not know.

        >>> Language.from_code("ar").direction
        'rtl'
        >>> Language.from_code("es").name
        'Español'
        """
        if code in PSEUDO_LOCALES:
            name, direction, data_locale = PSEUDO_LOCALES[code]
            return cls(code, name, direction, Locale.parse(data_locale))
        try:
            locale = Locale.parse(code, sep="-")
        except (UnknownLocaleError, ValueError) as error:
            raise ValueError(f"Unknown language code {code!r}") from error
        name = locale.get_display_name(locale) or code
        return cls(code, name[:1].upper() + name[1:], locale.text_direction, locale)


def code_from_catalog_name(folder_name: str) -> str:
    """The BCP 47 code for a folder under locales/.

    >>> code_from_catalog_name("zh_Hans")
    'zh-Hans'
    """
    return folder_name.replace("_", "-")


def parse_accept_language(header: str) -> list[tuple[str, float]]:
    """Language ranges from an Accept-Language header, best first; never raises.

    Invalid ranges and q-values are dropped, q=0 means "not acceptable".

    >>> parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0")
    [('fr-CH', 1.0), ('fr', 0.9), ('en', 0.8)]
    >>> parse_accept_language("es;q=NaN, <b>, en")
    [('en', 1.0)]
    """
    ranges: list[tuple[str, float]] = []
    for item in header[:MAX_HEADER_LENGTH].split(",")[:MAX_RANGES]:
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not _LANGUAGE_RANGE.match(tag):
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.match(value) else -1.0
        if quality > 0:
            ranges.append((tag, quality))
    ranges.sort(key=lambda pair: -pair[1])  # sort is stable: equal q keeps header order
    return ranges


@dataclass(frozen=True)
class Requested:
    """The parts of a language range that matter for matching, scripts filled in from CLDR."""

    language: str  # lower case, "zh"
    script: str | None  # title case, "Hant": written in the range, else CLDR's likely script
    territory: str | None  # upper case, "SG"


def parse_range(tag: str) -> Requested | None:
    """Language, script and region of a range; extensions, private use and unknown subtags are ignored.

    The script is read from the range itself when written, never from Babel's Locale.parse,
    which swaps it for some regions.

    >>> parse_range("zh-Hant-SG")
    Requested(language='zh', script='Hant', territory='SG')
    >>> parse_range("ar-EG-xx"), parse_range("es-a")
    (Requested(language='ar', script='Arab', territory='EG'), Requested(language='es', script='Latn', territory=None))
    >>> parse_range("en-x-private").language, parse_range("x-klingon")
    ('en', None)
    """
    subtags = tag.split("-")
    language = subtags[0].lower()
    if not (2 <= len(language) <= 3 and language.isalpha()):
        return None
    script = territory = None
    for subtag in subtags[1:]:
        if len(subtag) == 1:  # an extension or private-use singleton: the rest is not about the language
            break
        if len(subtag) == 4 and subtag.isalpha() and script is None and territory is None:
            script = subtag.title()
        elif (len(subtag) == 2 and subtag.isalpha() or len(subtag) == 3 and subtag.isdigit()) and territory is None:
            territory = subtag.upper()
    return Requested(language, script or _likely_script(language, territory), territory)


def _likely_script(language: str, territory: str | None) -> str | None:
    likely = get_global("likely_subtags")
    for key in (f"{language}_{territory}", language):
        if key in likely:
            parts = likely[key].split("_")
            return next((part for part in parts[1:] if len(part) == 4), None)
    return None


def _is_variant_of(requested: Requested, offered: Requested) -> bool:
    """True if the offered language serves a reader asking for `requested`.

    A region or script variant falls back to its language (de-AT -> de, zh-CN -> zh-Hans),
    never to a sibling (zh-TW is not zh-Hans, ca is not es).
    """
    return (
        requested.language == offered.language
        and requested.script == offered.script
        and offered.territory in (None, requested.territory)
    )


def negotiate(header: str, available: Sequence[Language], *, default: str) -> str:
    """Best available language code for an Accept-Language header; never raises.

    Pseudo-locales are for developers who type their URL; they are never negotiated.

    >>> langs = [Language.from_code(c) for c in ("en", "es", "zh-Hans", "de")]
    >>> negotiate("es;q=0.9, fr;q=0.8", langs, default="en")
    'es'
    >>> negotiate("zh-CN", langs, default="en"), negotiate("zh-TW", langs, default="en")
    ('zh-Hans', 'en')
    >>> negotiate("ca-ES, de-AT;q=0.5", langs, default="en")
    'de'
    >>> negotiate("pt-PT, en;q=0.5", [*langs, Language.from_code("pt-BR")], default="en")
    'pt-BR'
    """
    real = [language for language in available if not language.is_pseudo]
    offered = [(language, parse_range(language.code)) for language in real]
    by_lower = {language.code.lower(): language.code for language in real}
    for tag, _quality in parse_accept_language(header):
        if tag.lower() in by_lower:
            return by_lower[tag.lower()]
        requested = parse_range(tag)
        if requested is None:
            continue
        for language, parsed in offered:
            if parsed is not None and _is_variant_of(requested, parsed):
                return language.code
        for language, parsed in offered:
            if parsed is not None and _is_sibling_region(requested, parsed):
                return language.code
    return default


def _is_sibling_region(requested: Requested, offered: Requested) -> bool:
    """The same language and script in another region: pt-PT or pt reads pt-BR (as Django matches).

    Regional varieties of one language are written for one another's readers; a reader who
    asks for European Portuguese is better served by Brazilian Portuguese than by English.
    Other languages and other scripts are never siblings (ca is not es, zh-Hant is not zh-Hans).
    """
    return (
        requested.language == offered.language
        and requested.script == offered.script
        and offered.territory is not None
        and offered.territory != requested.territory
    )


def find_by_url_code(code: str, languages: Iterable[Language]) -> Language | None:
    """The language a URL segment names in any spelling (`ES`, `zh_Hans`), or None."""
    wanted = code.replace("_", "-").lower()
    return next((language for language in languages if language.url_code == wanted), None)

"""Translating one page's strings: lookups that fall back to the source text, and why a translation cannot be used."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .inline import markup_differences, raw_html

if TYPE_CHECKING:  # catalogs applies the rules below when it loads a catalog, so it imports this module
    from .catalogs import MessageTable
    from .content import Block
    from .languages import Language

log = logging.getLogger("server.core.translation")

# A translation may be this many times as long as its source, or the source plus the slack, whichever
# is more. Real translations stay within about 3× (short labels) and the slack covers one-word labels;
# the bound stops a catalog from making a page megabytes long.
LENGTH_FACTOR = 10
LENGTH_SLACK = 200
# Characters that reorder or hide text without being seen: bidirectional embeddings, overrides
# and isolates, zero-width spaces and joiners, and the left-to-right and right-to-left marks.
INVISIBLE = frozenset(
    chr(code)
    for first, last in ((0x200B, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))
    for code in range(first, last + 1)
)
_NAME = re.compile(r"\((\w+)\)")
# What Python's %-formatting would take as a conversion after "%" or "%(name)". All of it is
# optional, so a match never backtracks: linear time.
_SPECIFIER = re.compile(r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+)?)?[hlL]?[diouxXeEfFgGcrsa]?")
_BRACES = re.compile(r"\{\w*\}")
_FILLED = re.compile(r"%%|%\((\w+)\)s")
SHOWN = 40  # characters of a translator's text quoted in an error message


class Conversion(NamedTuple):
    """A `%` in a message, other than a literal `%%`."""

    written: str  # as in the message: "%(date)s", "%(date)", "%-20s"
    name: str | None  # the name in "%(name)…", if any

    @property
    def is_placeholder(self) -> bool:
        return self.name is not None and self.written == f"%({self.name})s"


def conversions(message: str) -> list[Conversion]:
    """Every `%` in a message that is not a literal `%%`, as the translator wrote it.

    >>> [c.written for c in conversions("%(date)s, 100%% sure, %(date) et, %-20s, %r")]
    ['%(date)s', '%(date)', '%-20s', '%r']
    """
    found = []
    position = message.find("%")
    while position != -1:
        if message.startswith("%%", position):
            position = message.find("%", position + 2)
            continue
        named = _NAME.match(message, position + 1)
        end = named.end() if named else position + 1
        # "%(date) et" is a forgotten `s`, though Python would read " e" as a conversion
        if not (named and message[end : end + 1].isspace()):
            specifier = _SPECIFIER.match(message, end)
            end = specifier.end() if specifier else end
        found.append(Conversion(message[position:end], named.group(1) if named else None))
        position = message.find("%", max(end, position + 1))
    return found


def placeholders(message: str) -> list[str]:
    """The placeholders in a message, sorted: `%(name)s` and `{name}`; literal %% ignored.

    >>> placeholders("%(num)s minutes, {site}, 100%% sure")
    ['%(num)s', '{site}']
    """
    named = [conversion.written for conversion in conversions(message) if conversion.is_placeholder]
    return sorted([*named, *_BRACES.findall(message)])


def substitute(message: str, variables: Mapping[str, object]) -> Markup:
    """Escape a message, then fill in its `%(name)s` placeholders (escaped too); `%%` is a percent sign.

    Never %-formatting: that would obey whatever a translator wrote, such as `%-200000000s`.

    >>> substitute("<b>%(count)s</b> 100%%", {"count": "<i>"})
    Markup('&lt;b&gt;&lt;i&gt;&lt;/b&gt; 100%')
    """

    def fill(match: re.Match[str]) -> str:
        return "%" if match.group(1) is None else str(escape(variables[match.group(1)]))

    return Markup(_FILLED.sub(fill, str(escape(message))))  # noqa: S704 - every part is escaped


def max_length(source: str) -> int:
    """The longest usable translation of a source text.

    >>> max_length("Yes"), max_length("x" * 100)
    (203, 1000)
    """
    return max(LENGTH_FACTOR * len(source), len(source) + LENGTH_SLACK)


def mistakes(source: str, translated: str, domain: str, *, may_omit_placeholders: bool = False) -> list[str]:
    """Why a translation cannot be shown in place of its source: one sentence per mistake, saying what
    to do. Empty if it can be shown. `domain` is "interface" (placeholders filled in) or "content" (Markdown).

    >>> mistakes("Last reviewed: %(date)s", "Revu le %(datum)s", "interface")
    ['`%(datum)s` is not in the English: use `%(date)s`']
    >>> mistakes("Back \\u202eache", "Mal de \\u202edos", "content")
    []
    """
    limit = max_length(source)
    if len(translated) > limit:
        return [
            f"the translation has {len(translated):,} characters, more than the {limit:,} allowed for this message "
            f"({LENGTH_FACTOR} × the English, or the English + {LENGTH_SLACK}): shorten it"
        ]
    found = []
    if domain == "interface":
        found += _conversion_mistakes(translated)
    found += _placeholder_mistakes(source, translated, may_omit=may_omit_placeholders)
    found += _html_mistakes(source, translated, domain)
    found += _invisible_mistakes(source, translated)
    if domain == "content":
        found += markup_differences(source, translated)
    return found


def _conversion_mistakes(translated: str) -> list[str]:
    found = []
    for conversion in conversions(translated):
        if conversion.is_placeholder:
            continue
        written = f"`{conversion.written[:SHOWN]}`"
        if conversion.name is not None and conversion.written == f"%({conversion.name})":
            found.append(f"{written} is missing its `s`: write `%({conversion.name})s`")
        elif conversion.name is not None:
            found.append(f"{written} is not a placeholder: write `%({conversion.name})s`")
        else:
            found.append(f"{written} is not allowed: placeholders are written `%(name)s`, and a percent sign `%%`")
    return found


def _placeholder_mistakes(source: str, translated: str, *, may_omit: bool) -> list[str]:
    expected = set(placeholders(source))
    # a malformed `%(date)` is reported as such, not also as a missing `%(date)s`
    attempted = {f"%({c.name})s" for c in conversions(translated) if c.name is not None and not c.is_placeholder}
    written = set(placeholders(translated))
    unknown = sorted(written - expected)
    missing = sorted(expected - written - attempted)
    found = []
    for placeholder in unknown:
        if missing:
            found.append(f"`{placeholder[:SHOWN]}` is not in the English: use `{missing.pop(0)}`")
        else:
            found.append(f"`{placeholder[:SHOWN]}` is not in the English: remove it")
    if not may_omit:
        found += [f"`{placeholder}` is missing: keep it where the English has it" for placeholder in missing]
    return found


def _html_mistakes(source: str, translated: str, domain: str) -> list[str]:
    allowed = raw_html(source)
    tags = [tag for tag in raw_html(translated) if tag not in allowed]
    if domain == "interface" and not tags and ("<" in translated or ">" in translated) and "<" not in source:
        tags = ["<", ">"]
    if not tags:
        return []
    return [f"HTML is not allowed in a translation: remove {_quoted(tags)}"]


def _invisible_mistakes(source: str, translated: str) -> list[str]:
    # HTML entities count too: Markdown turns `&#x202E;` into the character itself.
    allowed = _invisible(source)
    return [
        f"the invisible character U+{ord(char):04X} {unicodedata.name(char, '')} (typed, or written as an HTML "
        "entity) is not in the English: delete it"
        for char in sorted(_invisible(translated) - allowed)
    ]


def _invisible(text: str) -> set[str]:
    return (set(text) | set(html.unescape(text) if "&" in text else "")) & INVISIBLE


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f"`{item[:SHOWN]}`" for item in items)


@dataclass(frozen=True)
class Rejection:
    """A translation that is not shown, where it is, and why."""

    path: str
    lineno: int  # its msgstr line
    message: str  # the msgid (the singular, for plural messages)
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: {self.reason}"


@dataclass(frozen=True)
class Text:
    """A translated string and, if it fell back to the source, the source's language."""

    text: str
    fallback: Language | None = None

    @property
    def lang(self) -> str | None:
        return self.fallback.code if self.fallback else None

    @property
    def dir(self) -> str | None:
        return self.fallback.direction if self.fallback else None


@dataclass(frozen=True)
class Translator:
    """Everything needed to put pages into one language. Immutable, so safe to share."""

    language: Language
    source: Language
    interface: MessageTable
    content_of: Callable[[str], MessageTable]  # a page's content translations, by the page's key

    @property
    def is_source(self) -> bool:
        return self.language.code == self.source.code

    def rejections(self, *pages: str) -> list[Rejection]:
        """The translations of the interface and of these pages' catalogs that are not shown, and why."""
        return [
            *self.interface.rejected.values(),
            *(rejection for page in pages for rejection in self.content_of(page).rejected.values()),
        ]

    def block(self, block: Block) -> Text:
        """A content block's inline Markdown in this language, or the source's."""
        content = self.content_of(block.page)
        message = block.text
        translated = None if self.is_source else self._lookup(content, message, content.gettext(message))
        if translated is None:
            return Text(message.replace("%%", "%"), None if self.is_source else self.source)
        return Text(translated.replace("%%", "%"))

    def gettext(self, message: str, variables: Mapping[str, object]) -> Markup:
        translated = None if self.is_source else self._lookup(self.interface, message, self.interface.gettext(message))
        return substitute(translated if translated is not None else message, self._localized(variables))

    def ngettext(self, singular: str, plural: str, count: int, variables: Mapping[str, object]) -> Markup:
        found = None if self.is_source else self.interface.ngettext(singular, count)
        translated = None if self.is_source else self._lookup(self.interface, singular, found)
        source = singular if count == 1 else plural
        return substitute(
            translated if translated is not None else source, self._localized({"num": count, **variables})
        )

    def _lookup(self, table: MessageTable, message: str, translated: str | None) -> str | None:
        """The translation; when a rejected one falls back, say why, once per message and catalog."""
        rejection = table.report_once(message) if translated is None else None
        if rejection is not None:
            log.warning("%s; showing the %s text instead", rejection, self.source.name)
        return translated

    def _localized(self, variables: Mapping[str, object]) -> dict[str, object]:
        """Numbers formatted for the language by Babel (1,234 / 1 234 / 1.234), in its own digits (১,২৩৪)."""
        return {
            name: self.language.localize_digits(format_decimal(value, locale=self.language.locale))
            if isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in variables.items()
        }

"""Translating one page's strings: lookups that fall back to the source text, safely."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .catalogs import MessageTable
from .content import Block
from .inline import has_same_markup
from .languages import Language

# %(name)s-style and {name}-style placeholders; "%%" is a literal percent sign
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]?\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")


def placeholders(message: str) -> list[str]:
    """The placeholders in a message, sorted, literal %% ignored.

    >>> placeholders("%(num)d minutes, {site}, 100%% sure")
    ['%(num)d', '{site}']
    """
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(message.replace("%%", "")))


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
    """Everything needed to put one page into one language. Immutable, so safe to share."""

    language: Language
    source: Language
    interface: MessageTable
    content: MessageTable

    @property
    def is_source(self) -> bool:
        return self.language.code == self.source.code

    def block(self, block: Block) -> Text:
        """A content block's inline Markdown in this language, or the source's."""
        return self.content_text(block.text)

    def content_text(self, message: str) -> Text:
        translated = None if self.is_source else self.content.gettext(message)
        if translated is None or not has_same_markup(message, translated):
            return Text(message.replace("%%", "%"), None if self.is_source else self.source)
        return Text(translated.replace("%%", "%"))

    def gettext(self, message: str, variables: Mapping[str, object]) -> Markup:
        translated = None if self.is_source else self.interface.gettext(message)
        return _format(translated, message, self._localized(variables))

    def ngettext(self, singular: str, plural: str, count: int, variables: Mapping[str, object]) -> Markup:
        translated = None if self.is_source else self.interface.ngettext(singular, count)
        source = singular if count == 1 else plural
        return _format(translated, source, self._localized({"num": count, **variables}))

    def _localized(self, variables: Mapping[str, object]) -> dict[str, object]:
        """Numbers formatted for the language by Babel (1,234 / 1 234 / 1.234)."""
        return {
            name: format_decimal(value, locale=self.language.locale)
            if isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in variables.items()
        }


def _format(translated: str | None, source: str, variables: Mapping[str, object]) -> Markup:
    """Escape the message first, then fill placeholders (Markup escapes the values too).

    A translation whose placeholders differ from the source's is not used: the source is.
    """
    if translated is not None and placeholders(translated) == placeholders(source):
        try:
            return Markup(escape(translated)) % dict(variables)
        except (KeyError, ValueError, TypeError):
            pass
    return Markup(escape(source)) % dict(variables)

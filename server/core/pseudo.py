"""Pseudo-translations for developers: en-XA (accented, 40% longer) and ar-XB (mirrored)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .catalogs import MessageTable

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšŧûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŦÛṼŴẊÝŽ",
)
# Parts a translator must keep as they are: placeholders, Markdown link targets, code, escapes.
# A link target stops at the next bracket or parenthesis, so an unclosed `](` scans only up to
# the next one: linear time, where `[^)]*` took quadratic time on "](" repeated.
_PROTECTED = re.compile(r"%\(\w+\)[sdif]|%%|\{\w*\}|\]\([^()\[\]]*\)|`[^`]*`|\\.")
_RIGHT_TO_LEFT_OVERRIDE, _POP_DIRECTIONAL_FORMATTING = "\u202e", "\u202c"
LENGTHEN = 0.4  # translated text is often up to 40% longer than English


def _map_text(message: str, transform: str) -> str:
    pieces, position = [], 0
    for match in _PROTECTED.finditer(message):
        pieces.append(_map_plain(message[position : match.start()], transform))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_map_plain(message[position:], transform))
    return "".join(pieces)


def _map_plain(text: str, transform: str) -> str:
    if transform == "accent":
        return text.translate(_ACCENTED)
    return re.sub(r"[A-Za-z]+", lambda m: f"{_RIGHT_TO_LEFT_OVERRIDE}{m.group(0)}{_POP_DIRECTIONAL_FORMATTING}", text)


def pseudo_translate(message: str, code: str) -> str:
    """The pseudo-translation of one message.

    >>> pseudo_translate("Read %(num)d [pages](page:terms)", "en-XA")
    '[Ŕéåđ %(num)d [þåĝéš](page:terms) ~~~~~~~~~~~~~]'
    """
    if code == "en-XA":
        padding = "~" * max(1, round(len(message) * LENGTHEN))
        return f"[{_map_text(message, 'accent')} {padding}]"
    return _map_text(message, "mirror")


def pseudo_table(messages: Iterable[str], plurals: Iterable[tuple[str, str]], code: str) -> MessageTable:
    """A complete table for a pseudo-locale, with English plural rules."""
    singular = {message: pseudo_translate(message, code) for message in messages}
    plural = {one: (pseudo_translate(one, code), pseudo_translate(other, code)) for one, other in plurals}
    return MessageTable(singular, plural, lambda n: int(n != 1))

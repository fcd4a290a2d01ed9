"""Inline Markdown of one content block: rendered to safe HTML, and compared across languages."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

LINK_SCHEMES = ("page:", "topic:")  # content links name a page or topic; the URL depends on the language


def _inline_parser() -> MarkdownIt:
    # Raw HTML off: anything that is not Markdown is escaped, whoever wrote it.
    return MarkdownIt("commonmark", {"html": False})


_PARSER = _inline_parser()  # stateless after construction; safe to share
_HTML_PARSER = MarkdownIt("commonmark", {"html": True})  # only to find HTML a translator typed
_MARKUP_NAMES = {"em_open": "*emphasis*", "strong_open": "**strong**", "hardbreak": "line break"}
# What to tell a translator whose Markdown differs from the English, by kind of markup
_MARKUP_ADVICE = {
    "link": "links must keep the English's targets; translate only the text in [brackets]",
    "image": "images must be the English's, from this site",
    "code": "text inside backticks must stay as in the English",
    "emphasis": "the Markdown (emphasis, strong, line breaks) must be the English's",
}


def _children(text: str) -> list[Token]:
    tokens = _PARSER.parseInline(text)
    return list(tokens[0].children or []) if tokens else []


def link_targets(text: str) -> list[str]:
    """The targets of the links in a block.

    >>> link_targets("See [terms](page:terms) and [x](topic:back-ache).")
    ['page:terms', 'topic:back-ache']
    """
    return [str(token.attrs.get("href", "")) for token in _children(text) if token.type == "link_open"]


def markup_signature(text: str) -> list[tuple[str, str]]:
    """What a translation must keep, as (kind, value), sorted: emphasis, line breaks, code and its
    text, link targets and image sources.

    >>> markup_signature("*a* [b](page:terms) `c`") == markup_signature("[B](page:terms) `c` *A*")
    True
    >>> markup_signature("<b>x</b>") == markup_signature("x")
    True
    >>> markup_signature("![a](/a.png)") == markup_signature("![a](https://tracker.example/a.png)")
    False
    """
    if MARKUP_CHARACTERS.isdisjoint(text):
        return []  # plain text: most messages of a library, checked in every language
    return list(_signature(text))


# Every CommonMark inline construct that yields a token of the signature needs one of these:
# emphasis (* _), code (`), links and images ([), autolinks and HTML (<), hard line breaks (\n).
MARKUP_CHARACTERS = frozenset("*_`[<\n")


@functools.lru_cache(maxsize=4096)  # an English message is compared with its translation in every language
def _signature(text: str) -> tuple[tuple[str, str], ...]:
    found = []
    for token in _children(text):
        if token.type == "link_open":
            found.append(("link", str(token.attrs.get("href", ""))))
        elif token.type == "image":
            found.append(("image", str(token.attrs.get("src", ""))))
        elif token.type == "code_inline":
            found.append(("code", token.content))
        elif token.type.endswith("_open") or token.type == "hardbreak":
            found.append(("emphasis", _MARKUP_NAMES.get(token.type, token.type)))
    return tuple(sorted(found))


def markup_differences(source: str, translated: str) -> list[str]:
    """How a translation's Markdown differs from its source's: one sentence per kind of difference.

    >>> markup_differences("Set `site_language`.", "Fijar `idioma_del_sitio`.")
    ['text inside backticks must stay as in the English: `site_language` (found `idioma_del_sitio`)']
    >>> markup_differences("See [terms](page:terms).", "Voir [conditions](page:terms).")
    []
    """
    expected, found = markup_signature(source), markup_signature(translated)
    differences = []
    for kind, advice in _MARKUP_ADVICE.items():
        want = Counter(value for found_kind, value in expected if found_kind == kind)
        have = Counter(value for found_kind, value in found if found_kind == kind)
        if want != have:
            differences.append(f"{advice}: {_listed(want - have)} (found {_listed(have - want)})")
    return differences


def _listed(items: Counter[str]) -> str:
    return ", ".join(f"`{item[:80]}`" for item in sorted(items.elements())) or "none"


def is_local(url: str) -> bool:
    """A URL on this site: a path, with no scheme or host (`//host` is another site).

    >>> [is_local(url) for url in ("/static/a.png", "//tracker.example/p.gif", "https://x.example/", "a.png")]
    [True, False, False, False]
    """
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def image_sources(text: str) -> list[str]:
    return [str(token.attrs.get("src", "")) for token in _children(text) if token.type == "image"]


def raw_html(text: str) -> list[str]:
    """HTML tags a translator typed, which will be shown as text rather than markup.

    >>> raw_html("a <script>alert(1)</script> b")
    ['<script>', '</script>']
    """
    if "<" not in text:
        return []  # every HTML tag starts with it
    tokens = _HTML_PARSER.parseInline(text)
    return [token.content for token in (tokens[0].children or []) if token.type == "html_inline"]


class ResolvedLink(NamedTuple):
    """Where a content link leads in the reader's language."""

    href: str
    hreflang: str | None = None  # set when the page is only available in another language
    note: str | None = None  # that language's name in the reader's language, shown after the link


def render_inline(text: str, resolve_link: Callable[[str], ResolvedLink | None]) -> Markup:
    """HTML for a block's inline Markdown. Links go through `resolve_link`; unknown ones become text."""
    tokens = _PARSER.parseInline(text)
    for token in tokens:
        children = token.children or []
        keep: list[Token] = []
        dropping = 0
        notes: list[str | None] = []  # per open link: the note to add after it
        for child in children:
            if child.type == "image" and not is_local(str(child.attrs.get("src", ""))):
                # another site's image would tell it who reads what: show the image's text instead
                keep.append(Token("text", "", 0, content=child.content))
                continue
            if child.type == "link_open":
                resolved = resolve_link(str(child.attrs.get("href", "")))
                if resolved is None:
                    dropping += 1
                    continue
                child.attrs["href"] = resolved.href
                if resolved.hreflang:
                    child.attrs["hreflang"] = resolved.hreflang
                notes.append(resolved.note)
            elif child.type == "link_close" and dropping:
                dropping -= 1
                continue
            keep.append(child)
            if child.type == "link_close" and notes:
                note = notes.pop()
                if note:
                    keep.append(Token("text", "", 0, content=f" ({note})"))
        token.children = keep
    return Markup(_PARSER.renderer.render(tokens, _PARSER.options, {}))  # noqa: S704 - markdown-it escapes

"""Inline Markdown of one content block: rendered to safe HTML, and compared across languages."""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

LINK_SCHEMES = ("page:", "topic:")  # content links name a page or topic; the URL depends on the language


def _inline_parser() -> MarkdownIt:
    # Raw HTML off: anything that is not Markdown is escaped, whoever wrote it.
    return MarkdownIt("commonmark", {"html": False})


_PARSER = _inline_parser()  # stateless after construction; safe to share


def _children(text: str) -> list[Token]:
    tokens = _PARSER.parseInline(text)
    return list(tokens[0].children or []) if tokens else []


def link_targets(text: str) -> list[str]:
    """The targets of the links in a block.

    >>> link_targets("See [terms](page:terms) and [x](topic:back-ache).")
    ['page:terms', 'topic:back-ache']
    """
    return [str(token.attrs.get("href", "")) for token in _children(text) if token.type == "link_open"]


def markup_signature(text: str) -> list[str]:
    """What a translation must keep: emphasis, code, line breaks and link targets, in any order.

    >>> markup_signature("*a* [b](page:terms) `c`") == markup_signature("[B](page:terms) `c` *A*")
    True
    >>> markup_signature("<b>x</b>") == markup_signature("x")
    True
    """
    signature = []
    for token in _children(text):
        if token.type == "link_open":
            signature.append(f"link {token.attrs.get('href', '')}")
        elif token.type.endswith("_open") or token.type in ("code_inline", "hardbreak", "image"):
            signature.append(token.type)
    return sorted(signature)


def raw_html(text: str) -> list[str]:
    """HTML tags a translator typed, which will be shown as text rather than markup.

    >>> raw_html("a <script>alert(1)</script> b")
    ['<script>', '</script>']
    """
    tokens = MarkdownIt("commonmark", {"html": True}).parseInline(text)
    return [token.content for token in (tokens[0].children or []) if token.type == "html_inline"]


def render_inline(text: str, resolve_link: Callable[[str], str | None]) -> Markup:
    """HTML for a block's inline Markdown. Links go through `resolve_link`; unknown ones become text."""
    tokens = _PARSER.parseInline(text)
    for token in tokens:
        children = token.children or []
        keep: list[Token] = []
        dropping = 0
        for child in children:
            if child.type == "link_open":
                href = resolve_link(str(child.attrs.get("href", "")))
                if href is None:
                    dropping += 1
                    continue
                child.attrs["href"] = href
            elif child.type == "link_close" and dropping:
                dropping -= 1
                continue
            keep.append(child)
        token.children = keep
    return Markup(_PARSER.renderer.render(tokens, _PARSER.options, {}))  # noqa: S704 - markdown-it escapes


def has_same_markup(source: str, translated: str) -> bool:
    return markup_signature(source) == markup_signature(translated)

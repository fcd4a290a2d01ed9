"""Content pages: Markdown with TOML front matter, split into translatable blocks."""

from __future__ import annotations

import datetime
import functools
import hashlib
import pickle
import re
import sys
import tomllib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.token import Token

KINDS = ("home", "article", "page", "topic")
FRONT_MATTER_FENCE = "+++"
WORDS_PER_MINUTE = 200  # a common adult reading speed for plain-language health text
FINGERPRINT_LENGTH = 12  # hex digits: enough to tell English versions of one page apart
BODIES_KEPT = 64  # page bodies kept unpacked (see Page.body): the pages being rendered now


class ContentError(ValueError):
    """A content file that cannot be published; names the file and line."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path = str(path)
        self.lineno = lineno


@dataclass(frozen=True, slots=True)  # slots: thousands of pages load faster from the page cache
class Block:
    """One translatable unit: its msgid is the inline Markdown of the block."""

    kind: str  # "title", "summary", "heading", "paragraph" or "list_item"
    text: str
    lineno: int
    level: int = 0  # heading level
    notes: tuple[str, ...] = ()  # the author's notes for translators (<!-- TRANSLATORS: … -->)
    is_required: bool = False  # a page is published in a language only if these are translated
    is_callout: bool = False  # safety-critical advice, shown as a call-out
    page: str = ""  # the key of the page it belongs to (`key_for`): which catalog translates it
    links: tuple[str, ...] = ()  # the targets of its links ("page:terms"), found when it was parsed

    def __reduce__(self) -> tuple[type[Block], tuple[object, ...]]:
        return _reduced(self)

    @property
    def comments(self) -> tuple[str, ...]:
        """What the catalog tells translators about it: where it is and what it is, then the author's notes.

        Worked out when asked (by the extractor and the review view), not kept for every block of a library.
        """
        describe = f"heading level {self.level}" if self.kind == "heading" else self.kind.replace("_", " ")
        if self.is_callout:
            describe += ", important safety advice: keep its meaning exact"
        return (f"page {self.page.rpartition('/')[2]}: {describe}", *self.notes)


@dataclass(frozen=True, slots=True)
class ItemList:
    ordered: bool
    items: tuple[Block, ...]

    def __reduce__(self) -> tuple[type[ItemList], tuple[object, ...]]:
        return _reduced(self)


Node = Block | ItemList


@dataclass(frozen=True, slots=True)
class Page:
    """A content page. Its body is held packed (pickled and compressed, a third of the size): a library
    keeps thousands of pages in memory for its listings and links, and only renders a few at a time.
    What is asked of every page (links, required blocks, the English fingerprint, the word count) is
    worked out when it is parsed."""

    slug: str
    kind: str
    title: Block
    summary: Block
    packed_body: bytes  # `pack_body(nodes)`; read it as `body`
    topics: tuple[str, ...]
    related: tuple[str, ...]
    reviewed: datetime.date | None
    path: str

    # What its catalogs and review records are named after (`key_for`); one string, shared by its blocks
    # and by every input recorded for it (inputs.py)
    key: str = ""
    english: str = ""  # fingerprint of its English text (`english_fingerprint`); reviews name it
    links: tuple[tuple[int, str], ...] = ()  # (line, target) of every link in its body
    required_body: tuple[Block, ...] = ()  # body blocks that must be translated (call-outs)
    word_count: int = 0  # of its body

    def __reduce__(self) -> tuple[type[Page], tuple[object, ...]]:
        return _reduced(self)

    def __post_init__(self) -> None:
        # Interned: each language's review records name the page and its English by the same strings
        object.__setattr__(self, "key", sys.intern(self.key or key_for(self.kind, self.slug)))
        object.__setattr__(self, "english", sys.intern(self.english))

    @property
    def body(self) -> tuple[Node, ...]:
        return unpack_body(self.packed_body)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block, title and summary first, in reading order."""
        return tuple(self.iter_blocks())

    def iter_blocks(self) -> Iterator[Block]:
        """The blocks in reading order, unpacking the body only if the title and summary are not enough."""
        yield self.title
        yield self.summary
        yield from flatten(self.body)

    @property
    def required_blocks(self) -> tuple[Block, ...]:
        return (self.title, self.summary, *self.required_body)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


def pack_body(nodes: tuple[Node, ...]) -> bytes:
    return zlib.compress(pickle.dumps(nodes, protocol=pickle.HIGHEST_PROTOCOL))


@functools.lru_cache(maxsize=BODIES_KEPT)
def unpack_body(packed: bytes) -> tuple[Node, ...]:
    nodes = pickle.loads(zlib.decompress(packed))  # noqa: S301 - packed by this process (`pack_body`)
    assert isinstance(nodes, tuple)
    return nodes


def flatten(nodes: tuple[Node, ...]) -> list[Block]:
    return [block for node in nodes for block in (node.items if isinstance(node, ItemList) else (node,))]


def english_fingerprint(blocks: list[Block]) -> str:
    """A short hash of a page's English text (every block, title first): it changes when any block changes."""
    digest = hashlib.sha256("\n".join(block.text for block in blocks).encode("utf-8"))
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def msgid(text: str) -> str:
    """Collapse whitespace; double literal % so Babel never takes prose for a format string.

    >>> msgid("About 50% of\\n  adults")
    'About 50%% of adults'
    """
    return " ".join(text.split()).replace("%", "%%")


def directive(html: str) -> str | None:
    """The text of an HTML block that is one comment, or None if it is other HTML.

    String operations, not a regex: a backtracking pattern took cubic time on `<!--`
    followed by thousands of spaces.

    >>> directive("<!--  TRANSLATORS: be brief -->\\n")
    'TRANSLATORS: be brief'
    >>> directive("<!---->"), directive("<!-->"), directive("<div>")
    ('', None, None)
    """
    text = html.strip()
    opener, closer = "<!--", "-->"
    if len(text) < len(opener) + len(closer) or not (text.startswith(opener) and text.endswith(closer)):
        return None
    return text[len(opener) : -len(closer)].strip()


T = TypeVar("T", Block, ItemList, Page)
_FIELDS = {kind: tuple(item.name for item in fields(kind)) for kind in (Block, ItemList, Page)}


def _reduced(value: T) -> tuple[type[T], tuple[object, ...]]:
    """Pickled as its constructor and fields: the page cache loads thousands of pages several times
    faster than through the generic state of slotted dataclasses (which looks the fields up per object)."""
    return type(value), tuple(getattr(value, name) for name in _FIELDS[type(value)])


def make_markdown() -> MarkdownIt:
    """The one Markdown parser: CommonMark, raw HTML kept only so comments can carry notes."""
    return MarkdownIt("commonmark", {"html": True})


def split_front_matter(source: str, path: Path | str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines before the body)."""
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError(path, 1, f"the file must start with a {FRONT_MATTER_FENCE} front matter fence")
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            try:
                front = tomllib.loads("".join(lines[1:index]))
            except tomllib.TOMLDecodeError as error:
                lineno = 1 + int(getattr(error, "lineno", 1) or 1)
                raise ContentError(path, lineno, f"invalid front matter: {error}") from None
            return front, "".join(lines[index + 1 :]), index + 1
    raise ContentError(path, 1, f"the front matter has no closing {FRONT_MATTER_FENCE} fence")


def _front_matter_line(source: str, key: str) -> int:
    for number, line in enumerate(source.splitlines(), start=1):
        if re.match(rf"^{key}\s*=", line):
            return number
    return 1


def _string_list(front: dict[str, Any], key: str, path: Path | str) -> tuple[str, ...]:
    value = front.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ContentError(path, 1, f"front matter '{key}' must be a list of strings")
    return tuple(value)


def parse_page(source: str, path: Path | str) -> Page:
    """Parse one content file; raises ContentError naming the file and line."""
    front, body, offset = split_front_matter(source, path)
    for key in ("slug", "kind", "title", "summary"):
        if not isinstance(front.get(key), str) or not front[key].strip():
            raise ContentError(path, 1, f"front matter needs a non-empty string '{key}'")
    slug, kind = front["slug"], front["kind"]
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise ContentError(path, _front_matter_line(source, "slug"), f"slug {slug!r} is not lower-case-with-dashes")
    if kind not in KINDS:
        raise ContentError(path, _front_matter_line(source, "kind"), f"kind must be one of {', '.join(KINDS)}")
    reviewed = front.get("reviewed")
    if reviewed is not None and not isinstance(reviewed, datetime.date):
        raise ContentError(path, _front_matter_line(source, "reviewed"), "reviewed must be a date (2026-01-31)")
    key = key_for(kind, slug)
    title = Block(
        "title",
        msgid(front["title"]),
        _front_matter_line(source, "title"),
        is_required=True,
        page=key,
    )
    summary = Block(
        "summary",
        msgid(front["summary"]),
        _front_matter_line(source, "summary"),
        is_required=True,
        page=key,
    )
    nodes = parse_body(body, path, offset, key)
    blocks = flatten(nodes)
    return Page(
        slug=slug,
        kind=kind,
        title=title,
        summary=summary,
        packed_body=pack_body(nodes),
        topics=_string_list(front, "topics", path),
        related=_string_list(front, "related", path),
        reviewed=reviewed,
        path=str(path),
        key=key,
        english=english_fingerprint([title, summary, *blocks]),
        links=tuple((block.lineno, target) for block in blocks for target in block.links),
        required_body=tuple(block for block in blocks if block.is_required),
        word_count=sum(len(block.text.split()) for block in blocks),
    )


def key_for(kind: str, slug: str) -> str:
    """A page's key, which names its catalogs and review records: its slug, or `topics/<slug>` for a topic.

    >>> key_for("topic", "back-ache"), key_for("article", "back-ache")
    ('topics/back-ache', 'back-ache')
    """
    return f"topics/{slug}" if kind == "topic" else slug


def parse_body(body: str, path: Path | str, offset: int, key: str = "") -> tuple[Node, ...]:
    """Blocks of a Markdown body. `<!-- TRANSLATORS: … -->` adds a note to the next block;
    `<!-- important -->` makes it a required, safety-critical call-out."""
    tokens = make_markdown().parse(body)
    nodes: list[Node] = []
    notes: list[str] = []
    is_callout = False
    list_items: list[Block] | None = None
    ordered = False
    for index, token in enumerate(tokens):
        lineno = offset + 1 + (token.map[0] if token.map else 0)
        if token.type == "html_block":
            text = directive(token.content)
            if text is None:
                raise ContentError(path, lineno, "raw HTML is not allowed in content; use Markdown")
            if text.startswith("TRANSLATORS:"):
                notes.append(text.removeprefix("TRANSLATORS:").strip())
            elif text == "important":
                is_callout = True
            else:
                raise ContentError(path, lineno, f"unknown directive <!-- {text} -->")
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if list_items is not None:
                raise ContentError(path, lineno, "nested lists are not supported")
            list_items, ordered = [], token.type == "ordered_list_open"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            nodes.append(ItemList(ordered, tuple(list_items or ())))
            list_items = None
        elif token.type == "inline":
            kind, level = _block_kind(tokens, index, path, lineno, in_list=list_items is not None)
            block = Block(
                kind,
                msgid(token.content),
                lineno,
                links=tuple(
                    str(child.attrs.get("href", "")) for child in token.children or () if child.type == "link_open"
                ),
                level=level,
                notes=tuple(notes),
                is_required=is_callout,
                is_callout=is_callout,
                page=key,
            )
            notes, is_callout = [], False
            if list_items is not None:
                list_items.append(block)
            else:
                nodes.append(block)
        elif token.type in ("blockquote_open", "code_block", "fence", "hr", "table_open"):
            raise ContentError(path, lineno, f"{token.type.split('_')[0]} blocks are not supported in content")
    return tuple(nodes)


def _block_kind(tokens: list[Token], index: int, path: Path | str, lineno: int, *, in_list: bool) -> tuple[str, int]:
    opener = tokens[index - 1]
    if opener.type == "heading_open":
        level = int(opener.tag[1])
        if level < 2:
            raise ContentError(path, lineno, "the page title is the only level-1 heading; use ## or deeper")
        return "heading", level
    return ("list_item" if in_list else "paragraph"), 0


def load_page(path: Path) -> Page:
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(path, 1, f"not valid UTF-8 ({error.reason})") from None
    return parse_page(source, path)

"""Babel extraction method for content pages (entry point `content`): one message per block."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from ..core.content import parse_page


def extract_content(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, function name, msgid, translator comments) for every block of a page.

    The same parser as the renderer, so what is extracted is exactly what is looked up.
    """
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    page = parse_page(source, getattr(fileobj, "name", "<content>"))
    for block in page.blocks:
        yield block.lineno, None, block.text, list(block.comments)

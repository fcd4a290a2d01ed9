"""What a rendered response was made from: inputs recorded while it renders, matched against what a reload changed.

An input names one thing a reload can change:

- `("page", key)`: one content page (its Markdown file); `("pages",)`: which pages exist;
- `("catalog", language, key)`: one page's catalog in one language (or the page's template);
- `("review", language, key)`: the review record of one page in one language;
- `("interface", language)`: a language's interface catalog (or the interface template);
- `("published", language, key)`: whether a page is published in a language (the switcher, links and
  listings show it), which changes far less often than the catalogs and records it is decided from.

Templates, assets and settings are read by every render: when they change, everything is dropped.
The site records each input as it is read (`record`), so a response declares exactly what it showed.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Collection, Iterator
from typing import NamedTuple

Input = tuple[str, ...]

# Beyond this many inputs, a response (a sitemap, the status page) depends on whole kinds of input:
# ("catalog",) stands for every catalog. Precision is kept where it pays: one page's few dozen inputs.
MOST_INPUTS = 512
FULL_LENGTH = {"page": 2, "pages": 1, "catalog": 3, "review": 3, "interface": 2, "published": 3}

_recording: contextvars.ContextVar[set[Input] | None] = contextvars.ContextVar("recording", default=None)


def record(item: Input) -> None:
    """Note that the render in progress (if any) read `item`."""
    inputs = _recording.get()
    if inputs is not None:
        inputs.add(item)


@contextlib.contextmanager
def recording() -> Iterator[set[Input]]:
    """Collect the inputs read inside the block (in this thread or task only)."""
    inputs: set[Input] = set()
    token = _recording.set(inputs)
    try:
        yield inputs
    finally:
        _recording.reset(token)


@contextlib.contextmanager
def unrecorded() -> Iterator[None]:
    """Read inside the block without recording: for a decision recorded as an input of its own."""
    token = _recording.set(None)
    try:
        yield
    finally:
        _recording.reset(token)


def summarized(inputs: Collection[Input]) -> frozenset[Input]:
    """The inputs, with those read too often to be worth listing one by one shortened: first one
    language's many catalogs to ("catalog", "de"), then, if a kind is still too long, to the kind ("page",).

    >>> sorted(summarized({("page", "a"), ("catalog", "de", "a")}))
    [('catalog', 'de', 'a'), ('page', 'a')]
    >>> many = {("page", str(n)) for n in range(MOST_INPUTS + 1)} | {("catalog", "de", str(n)) for n in range(999)}
    >>> sorted(summarized(many | {("pages",), ("catalog", "fr", "index")}))
    [('catalog', 'de'), ('catalog', 'fr', 'index'), ('page',), ('pages',)]
    """
    by_kind: dict[str, set[Input]] = {}
    for item in inputs:
        by_kind.setdefault(item[0], set()).add(item)
    found: set[Input] = set()
    for kind, items in by_kind.items():
        if len(items) <= MOST_INPUTS:
            found |= items
            continue
        by_language: dict[Input, set[Input]] = {}
        for item in items:
            by_language.setdefault(item[:2] if len(item) > 2 else item, set()).add(item)
        shorter = {
            item for prefix, group in by_language.items() for item in (group if len(group) <= MOST_INPUTS else {prefix})
        }
        found |= shorter if len(shorter) <= MOST_INPUTS else {(kind,)}
    return frozenset(found)


def affected(inputs: Collection[Input], changed: Collection[Input]) -> bool:
    """Whether a response made from `inputs` shows any of the `changed` inputs (see Compact.affected)."""
    return Compact.of(inputs).affected(changed)


class Compact(NamedTuple):
    """Inputs as a stored response keeps them: hashes, a third of the memory of the tuples.

    A hash collision can only make a response look affected when it is not: it is then rendered again.
    """

    exact: frozenset[int]  # each input as recorded (or summarized)
    prefixes: frozenset[int]  # each shorter prefix of one: ("catalog", "de") of ("catalog", "de", "a")

    @classmethod
    def of(cls, inputs: Collection[Input]) -> Compact:
        """
        >>> compact = Compact.of({("catalog", "de", "a"), ("page",)})
        >>> [compact.affected({c}) for c in (("catalog", "de", "a"), ("catalog", "de"), ("catalog", "fr", "a"))]
        [True, True, False]
        >>> compact.affected({("page", "b")}), compact.affected({("interface",)})
        (True, False)
        """
        exact = frozenset(hash(item) for item in inputs)
        return cls(exact, frozenset(hash(item[:end]) for item in inputs for end in range(1, len(item))))

    def affected(self, changed: Collection[Input]) -> bool:
        """Whether a response made from these inputs shows any of the `changed` inputs.

        A changed input matches itself and every shorter prefix of it: ("catalog",) among the inputs
        depends on every catalog; ("catalog", "de") among the changed stands for all of German's.
        """
        for item in changed:
            if any(hash(item[:end]) in self.exact for end in range(1, len(item) + 1)):
                return True
            if len(item) < FULL_LENGTH.get(item[0], len(item)) and hash(item) in self.prefixes:
                return True
        return False

    @property
    def size(self) -> int:
        """Roughly the bytes it holds: an int and a set slot per hash."""
        return 48 * (len(self.exact) + len(self.prefixes)) + 400

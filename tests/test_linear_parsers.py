"""Parsers of untrusted text (catalogs, content) take time proportional to their input.

Each parser is timed on adversarial input of size n and 4n in the same run: linear time
gives a ratio near 4, quadratic 16, cubic 64. No absolute threshold, so a slow or busy
machine does not matter.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import pytest

from server.core.catalogs import plural_function
from server.core.content import ContentError, parse_page
from server.core.pseudo import pseudo_translate

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier

GROWTH = 4
MAX_RATIO = 8  # between linear (4) and quadratic (16), with room for a noisy shared machine
FRONT = '+++\nslug = "x"\nkind = "page"\ntitle = "T"\nsummary = "S"\n+++\n'


def seconds(parse: Callable[[str], object], text: str) -> float:
    """Best time of one call, repeated until measurable."""
    timer = timeit.Timer(lambda: parse(text))
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=3, number=number)) / number


def growth(parse: Callable[[str], object], adversarial: Callable[[int], str], n: int) -> float:
    return seconds(parse, adversarial(GROWTH * n)) / seconds(parse, adversarial(n))


def parse_content(text: str) -> None:
    with pytest.raises(ContentError):
        parse_page(text, "x.md")


@pytest.mark.parametrize(
    ("parse", "adversarial", "n"),
    [
        # an unclosed comment: was a cubic directive regex (3,000 spaces took 7.5 s)
        pytest.param(parse_content, lambda n: FRONT + "\n<!--" + " " * n + "x\n", 300, id="content-directive"),
        # a Plural-Forms header padded with spaces: was a regex whose overlapping quantifiers backtracked
        pytest.param(plural_function, lambda n: "nplurals=3; plural=" + " " * n + "(n != 1)x", 400, id="plural-forms"),
        # Markdown link targets that never close, which the pseudo-locales protect
        pytest.param(lambda text: pseudo_translate(text, "en-XA"), lambda n: "](" * n, 1000, id="pseudo-protect"),
    ],
)
def test_parser_time_grows_linearly(parse: Callable[[str], object], adversarial: Callable[[int], str], n: int) -> None:
    ratio = growth(parse, adversarial, n)
    assert ratio < MAX_RATIO, f"{GROWTH}× the input took {ratio:.1f}× the time"

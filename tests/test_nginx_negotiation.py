"""The export's Accept-Language map: the first acceptable language, found in linear time."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from server import create_app
from server.tools.export import nginx_include

from .conftest import repository_settings
from .test_export import build_export, serving_export

pytestmark = pytest.mark.slow  # starts real servers or times parsers: not in the fast tier

GROWTH_LIMIT = 8  # time(4n) / time(n): about 4 when linear, 16 when quadratic; fail halfway (log scale)
MEASURE_FOR = 0.02  # seconds per timed run of the small input, so a run is long enough to time
# The map's pattern before issue #14: `(?:[^,]*,\s*)*?` backtracks 2^commas, the q-value n^2 in its digits.
BACKTRACKING = r"^(?:[^,]*,\s*)*?(?P<tag>de(?:-[a-z0-9]+)*)(?:\s*;\s*q=(?:1(?:\.0*)?|0?\.[0-9]*[1-9][0-9]*))?\s*(?:,|$)"

# Hostile headers of size n, and an n small enough that the old pattern still answers at 4n.
HOSTILE: dict[str, tuple[Callable[[int], str], int]] = {
    "commas": (lambda n: ", " * n + "xx", 5),
    "q-value digits": (lambda n: "de;q=0." + "1" * n + "x", 500),
    "spaces": (lambda n: "de" + " " * n + "x, fr", 500),
    "subtags": (lambda n: "de" + "-a" * n + ";x", 500),
}


def accept_language_pattern() -> re.Pattern[str]:
    """The regex the export's nginx map applies to Accept-Language, in Python's spelling."""
    app = create_app(repository_settings())
    include = nginx_include(app.state.holder.site, app.state.assets)
    block = include.split("map $http_accept_language $first_accepted {", 1)[1].split("\n}", 1)[0]
    (pattern,) = re.findall(r'^\s*"~\*(.*)" \$\w+;$', block, re.MULTILINE)
    return re.compile(pattern.replace("(?<", "(?P<"), re.IGNORECASE)  # nginx's ~* is case-insensitive


def timed(pattern: re.Pattern[str], text: str, repeats: int, budget: float = float("inf")) -> float:
    """Seconds for `repeats` searches, as nginx searches; stops once past `budget`."""
    start = time.perf_counter()
    for _ in range(repeats):
        pattern.search(text)
        if time.perf_counter() - start > budget:
            break
    return time.perf_counter() - start


def growth(pattern: re.Pattern[str], hostile: Callable[[int], str], n: int) -> float:
    """time(4n) / time(n), best of five runs each; a lower bound once it is clearly past the limit."""
    small, large = hostile(n), hostile(4 * n)
    repeats = 1
    while timed(pattern, small, repeats) < MEASURE_FOR:
        repeats *= 2
    base = min(timed(pattern, small, repeats) for _ in range(5))
    budget = 2 * GROWTH_LIMIT * base  # the old pattern would take minutes: stop once the answer is known
    return min(timed(pattern, large, repeats, budget) for _ in range(5)) / base


@pytest.mark.parametrize("form", HOSTILE)
def test_the_accept_language_map_takes_linear_time(form: str) -> None:
    hostile, n = HOSTILE[form]
    assert growth(accept_language_pattern(), hostile, n) < GROWTH_LIMIT


@pytest.mark.parametrize("form", ["commas", "q-value digits"])
def test_the_growth_check_catches_the_backtracking_pattern(form: str) -> None:
    hostile, n = HOSTILE[form]
    assert growth(re.compile(BACKTRACKING, re.IGNORECASE), hostile, n) > GROWTH_LIMIT


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export(tmp_path_factory.mktemp("export"))


# nginx takes the first acceptable language in header order; the app also weighs q-values.
NEGOTIATED = {
    "": "en",
    "fr-CH, fr;q=0.9": "fr",
    "de;q=0, fr": "fr",
    "de;q=0.000, fr": "fr",
    "de ; Q=0.001, fr": "de",
    "de;q=1.000, fr": "de",
    "de;q=1.0001, fr": "fr",  # not a q-value (RFC 9110: three decimals): the app drops it too
    "de;q=0.1234, fr": "fr",
    "de;q=.5, fr": "fr",
    "xx, ES-mx;q=0.5": "es",
    ", , , xx, hi": "hi",
    "de-DE-1996, fr": "de",
    "zh-TW, fr": "fr",
    "zh-Hant, fr": "fr",
    "zh-Hant-CN, fr": "fr",
    "zh-HK;q=0.9, ar": "ar",
    "zh-CN, fr": "zh-hans",
    "zh;q=0.5": "zh-hans",
    "zh-Hans": "zh-hans",
    "dee, fr": "fr",
    "en-US;q=0.9x, fr": "fr",
    ", " * 30 + "xx": "en",
    "de;q=0." + "1" * 6000 + "x, fr": "fr",
}


def test_nginx_negotiates_the_first_acceptable_language(export: Path, tmp_path: Path) -> None:
    with serving_export(export, tmp_path) as base, httpx2.Client(base_url=base, follow_redirects=False) as http:
        answers = {header: http.get("/", headers={"Accept-Language": header}) for header in NEGOTIATED}
    assert {header: answer.headers["location"] for header, answer in answers.items()} == {
        header: f"/{language}/" for header, language in NEGOTIATED.items()
    }

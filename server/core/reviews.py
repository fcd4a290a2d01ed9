"""Recorded reviews: who checked a page's translation, how, when, and against which English.

`locales/<ll>/reviews.toml` holds one `[[review]]` table per review (ISO 17100's revision step;
health services add a clinical check):

    [[review]]
    page = "back-pain-miscarriage"   # the page's slug; topics are "topics/<slug>"
    date = 2026-11-30
    reviewer = "BT-2"                # a role or initials: no personal data
    methods = ["back-translation"]   # see METHODS
    english = "1f3a5c7e9b2d"         # fingerprint of the English the translation was reviewed against
    notes = "Compared block by block; two corrections."

A page's latest review counts. When the English changes after it, the fingerprint no longer
matches and the translation is shown as waiting for review.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import sys
import threading
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar

from .content import Page, key_for
from .parsed_files import parsed

log = logging.getLogger("server.core.reviews")
T = TypeVar("T")

REVIEWS_FILE = "reviews.toml"
_PARSER = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # cached records are only as good as this code
METHODS = {
    "revision": "a second translator revised the translation against the English",
    "back-translation": "an independent back-translation, by someone who had not seen the English, was compared "
    "with the English block by block",
    "clinical": "a clinician checked the translation's medical content",
    "machine-assisted": "the reviewer was an AI model, not a person",
}


class ReviewError(ValueError):
    """A review record that cannot be used; names the file and line."""

    def __init__(self, path: Path | str, lineno: int, message: str) -> None:
        super().__init__(f"{path}:{lineno}: {message}")
        self.path = str(path)
        self.lineno = lineno


@dataclass(frozen=True, slots=True)  # slots: a library has one per page and language
class Review:
    page: str  # "back-pain-miscarriage" or "topics/back-ache"
    date: datetime.date
    reviewer: str
    methods: tuple[str, ...]
    english: str  # fingerprint
    notes: str
    lineno: int = field(compare=False)  # where it is, for messages: moving it changes nothing it says

    def __post_init__(self) -> None:
        # Interned: the strings its page holds (Page.key, Page.english), one copy each
        object.__setattr__(self, "page", sys.intern(self.page))
        object.__setattr__(self, "english", sys.intern(self.english))

    def __reduce__(self) -> tuple[type[Review], tuple[object, ...]]:
        # Pickled (parsed_files) as its constructor: unpickled records are interned too
        return Review, tuple(getattr(self, name.name) for name in fields(Review))


def page_key(page: Page) -> str:
    """How a review (and a catalog) names a page: its slug, or `topics/<slug>` for a topic."""
    return key_for(page.kind, page.slug)


def reviews_path(locales_dir: Path, catalog_name: str) -> Path:
    return locales_dir / catalog_name / REVIEWS_FILE


def load_reviews(path: Path, cache_dir: Path | None = None) -> dict[str, Review]:
    """The latest review of each page; raises ReviewError with file:line for a record that is wrong.

    Parsed one [[review]] table at a time: a library's thousands of records are never all held as TOML at once.
    With `cache_dir`, what the file's bytes parsed to is kept there (a language's 5,000 records take a
    second to parse, and the first page served shows every language's review state in its switcher).
    """
    if not path.exists():
        return {}
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewError(path, 1, f"cannot be read ({error})") from None
    return parsed(path, data, lambda: _parse_reviews(text, path), cache_dir, _PARSER)


def _parse_reviews(text: str, path: Path) -> dict[str, Review]:
    latest: dict[str, Review] = {}
    shared: dict[object, object] = {}  # one copy of what many records repeat: reviewer, date, methods, notes
    for lineno, table in _tables(text):
        try:
            data = tomllib.loads(table)
        except tomllib.TOMLDecodeError as error:
            where = re.search(r"\(at line (\d+), column \d+\)", str(error))
            line = lineno + int(where.group(1)) - 1 if where else lineno
            reason = str(error).replace(where.group(0), "").strip() if where else str(error)
            raise ReviewError(path, line, f"invalid TOML ({reason})") from None
        records = data.get("review", [])
        if not isinstance(records, list):
            raise ReviewError(path, lineno, "`review` must be a list of [[review]] tables")
        for record in records:
            review = _review(record, path, lineno, shared)
            if review.page not in latest or latest[review.page].date <= review.date:
                latest[review.page] = review
    return latest


def _tables(text: str) -> Iterator[tuple[int, str]]:
    """What comes before the first [[review]], then each [[review]] table, with the line it starts on.

    >>> list(_tables('# notes\\n[[review]]\\npage = "a"\\n\\n[[review]]\\npage = "b"\\n'))
    [(1, '# notes\\n'), (2, '[[review]]\\npage = "a"\\n\\n'), (5, '[[review]]\\npage = "b"\\n')]
    """
    start = 1
    current: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip() == "[[review]]" and current:
            yield start, "".join(current)
            start, current = number, []
        current.append(line)
    if current:
        yield start, "".join(current)


def _review(record: object, path: Path, lineno: int, shared: dict[object, object]) -> Review:
    if not isinstance(record, dict):
        raise ReviewError(path, lineno, "a review must be a table")
    missing = [key for key in ("page", "date", "reviewer", "methods", "english") if key not in record]
    if missing:
        raise ReviewError(path, lineno, f"a review needs {', '.join(missing)}")
    date = record["date"]
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ReviewError(path, lineno, f"date must be a date such as 2026-12-03, not {date!r}")
    methods = record["methods"]
    if not isinstance(methods, list) or not methods or not all(method in METHODS for method in methods):
        raise ReviewError(path, lineno, f"methods must be a list of {', '.join(METHODS)}, not {methods!r}")
    texts = {key: record[key] for key in ("page", "reviewer", "english")}
    if not all(isinstance(value, str) and value for value in texts.values()):
        raise ReviewError(path, lineno, "page, reviewer and english must be non-empty strings")

    def once(value: T) -> T:
        found = shared.setdefault(value, value)
        assert type(found) is type(value)
        return found

    return Review(
        page=texts["page"],
        date=once(date),
        reviewer=once(texts["reviewer"]),
        methods=once(tuple(methods)),
        english=texts["english"],
        notes=once(str(record.get("notes", ""))),
        lineno=lineno,
    )


def unknown_pages(reviews: Mapping[str, Review], pages: Iterable[Page]) -> list[Review]:
    """Reviews that name no page of the site."""
    known = {page_key(page) for page in pages}
    return [review for review in reviews.values() if review.page not in known]


def format_review(page: Page, reviewer: str, methods: Iterable[str], date: datetime.date, notes: str = "") -> str:
    """A new [[review]] table for `page`, reviewed against its current English."""
    plain = "".join(character if character.isprintable() else " " for character in notes)
    escaped_notes = plain.replace("\\", "\\\\").replace('"', '\\"')
    method_list = ", ".join(f'"{method}"' for method in methods)
    return (
        "\n[[review]]\n"
        f'page = "{page_key(page)}"\n'
        f"date = {date.isoformat()}\n"
        f'reviewer = "{reviewer}"\n'
        f"methods = [{method_list}]\n"
        f'english = "{page.english}"\n'
        f'notes = "{escaped_notes}"\n'
    )


class LazyReviews(Mapping[str, Mapping[str, Review]]):
    """Each language's review records (page key -> latest review), read when first needed.

    A library's records take seconds to parse, so start-up does not read them. A file that cannot
    be read keeps its last good version; the problem is logged once with file:line.
    """

    def __init__(
        self,
        paths: Mapping[str, Path],  # language code -> its reviews.toml
        previous: LazyReviews | None = None,
        changed: Collection[Path] | None = None,
        cache_dir: Path | None = None,  # where parsed records are kept between starts (parsed_files)
    ) -> None:
        self._paths = dict(paths)
        self._cache_dir = cache_dir
        self._loaded: dict[str, Mapping[str, Review]] = {}
        self._last_good: dict[str, Mapping[str, Review]] = dict(previous._last_good) if previous else {}
        self._problems: dict[str, str] = {}
        self._lock = threading.Lock()
        for code, records in (previous._loaded if previous else {}).items():
            if changed is not None and code in self._paths and self._paths[code] not in changed:
                self._loaded[code] = records
            else:
                self._last_good[code] = records

    def __getitem__(self, code: str) -> Mapping[str, Review]:
        found = self._loaded.get(code)
        if found is None:
            path = self._paths[code]
            try:
                found = load_reviews(path, self._cache_dir)
            except ReviewError as error:
                with self._lock:
                    if str(path) not in self._problems:
                        log.error("review record error: %s; using the last good version", error)
                    self._problems[str(path)] = str(error)
                found = self._last_good.get(code, {})
            self._loaded[code] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def loaded(self, code: str) -> Mapping[str, Review] | None:
        """A language's records if they were read already, else None (without reading them)."""
        return self._loaded.get(code)

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems.values())

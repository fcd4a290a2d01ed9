"""Parsed content pages kept on disk between starts, keyed by each file's bytes: start-up does not grow with parsing.

A library of thousands of pages would take seconds to parse at every start. Each file is still
read (that is cheap), and a page is taken from the cache only if the file's bytes, its path and
the parser's own code are exactly those it was parsed from; anything else is parsed again. The
cache lives in SITE_CACHE_DIR, which must be writable only by the server's user, like the content.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import content
from .content import ContentError, Page, parse_page
from .parsed_files import write_pickle

log = logging.getLogger("server.content")

CACHE_FILE = "pages.pickle"
_PARSER = hashlib.sha256(Path(content.__file__).read_bytes()).hexdigest()


def _digest(path: Path, data: bytes) -> str:
    return hashlib.sha256(b"%s\0%s\0%s" % (_PARSER.encode(), str(path).encode(), data)).hexdigest()


def parse_pages(paths: Iterable[Path], cache_dir: Path | None) -> dict[Path, Page | ContentError | OSError]:
    """Each file's page, or why it could not be read or parsed."""
    cached = _read(cache_dir)
    kept: dict[str, Page] = {}
    result: dict[Path, Page | ContentError | OSError] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            result[path] = error
            continue
        digest = _digest(path, data)
        page = cached.get(digest)
        if page is None:
            try:
                page = parse_page(data.decode("utf-8"), path)
            except UnicodeDecodeError as error:
                result[path] = ContentError(path, 1, f"not valid UTF-8 ({error.reason})")
                continue
            except ContentError as error:
                result[path] = error
                continue
        kept[digest] = page
        result[path] = page
    if cache_dir is not None and kept.keys() != cached.keys():
        _write(cache_dir, kept)
    return result


def _read(cache_dir: Path | None) -> dict[str, Page]:
    if cache_dir is None:
        return {}
    try:
        with (cache_dir / CACHE_FILE).open("rb") as file, _without_garbage_collection():
            found = pickle.load(file)
    except FileNotFoundError:
        return {}
    except Exception as error:  # noqa: BLE001 - a damaged cache is only a slower start
        log.warning("ignoring the page cache %s (%s); parsing every page", cache_dir / CACHE_FILE, error)
        return {}
    return found if isinstance(found, dict) else {}


@contextlib.contextmanager
def _without_garbage_collection() -> Iterator[None]:
    """Loading tens of thousands of objects that all stay alive: collecting meanwhile is wasted time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write(cache_dir: Path, pages: dict[str, Page]) -> None:
    error = write_pickle(cache_dir / CACHE_FILE, pages)
    if error is not None:
        log.warning("cannot write the page cache in %s (%s); the next start parses every page", cache_dir, error)

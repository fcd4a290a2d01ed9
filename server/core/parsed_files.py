"""What a file parses to, kept on disk between starts under the digest of its bytes and of the parser's code.

For files that are large and slow to parse but read whole (a language's review records: thousands
of TOML tables). One cache file per source file, holding the digest it was made from: a changed
file, a changed parser or a damaged cache file means parsing again, never a stale answer. The cache
lives in SITE_CACHE_DIR, which must be writable only by the server's user, like the content.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger("server.core.parsed_files")
T = TypeVar("T")


def parsed(path: Path, data: bytes, parse: Callable[[], T], cache_dir: Path | None, parser_code: str) -> T:
    """`parse()`'s result for `data`, the bytes of `path`: from the cache if it was made from exactly these."""
    if cache_dir is None:
        return parse()
    digest = hashlib.sha256(b"%s\0%s\0%s" % (parser_code.encode(), str(path).encode(), data)).hexdigest()
    cache_file = cache_dir / f"parsed-{hashlib.sha256(str(path).encode()).hexdigest()[:24]}.pickle"
    try:
        with cache_file.open("rb") as file:
            made_from, value = pickle.load(file)  # noqa: S301 - written by this server into its own cache folder
        if made_from == digest:
            return value  # type: ignore[no-any-return]
    except FileNotFoundError:
        pass
    except Exception as error:  # noqa: BLE001 - a damaged cache file is only a slower read
        log.warning("ignoring the cache file %s (%s)", cache_file, error)
    value = parse()
    problem = write_pickle(cache_file, (digest, value))
    if problem is not None:
        log.warning("cannot write the cache file %s (%s)", cache_file, problem)
    return value


def write_pickle(target: Path, content: object) -> OSError | None:
    """Pickle `content` into `target` atomically (readers see the old file or the new one, never half);
    the error, if it could not be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-")
    except OSError as error:
        return error
    try:
        with os.fdopen(descriptor, "wb") as file:
            pickle.dump(content, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, target)
    except OSError as error:
        Path(name).unlink(missing_ok=True)
        return error
    return None

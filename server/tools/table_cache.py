"""Parsed page catalogs kept between builds in OUT/.build-cache, each under the digest of its .po's bytes.

Every status page shows every catalog of every language: at 5,000 pages in 10 languages a worker
spends minutes parsing the 50,000 .po files, and a second unpickling them. A table is kept only if
it was read without problems and has no plural messages (page catalogs have none), so that its
plural function, which cannot be pickled, is never called. The entries live in a folder named
after the code, so a change to how catalogs are read starts afresh; like the page cache
(SITE_CACHE_DIR), the folder must be writable only by the user who builds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import secrets
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.catalogs import MessageTable
from ..core.site import Site
from .manifest import Pair, file_digest

CACHE = ".build-cache"  # in OUT/, beside public/: never served
UNPICKLED = ("plural_index", "reported")  # a function; a set of what was logged, which starts empty


@dataclass(frozen=True)
class TableCache:
    folder: Path  # OUT/.build-cache/<code digest>
    files: Mapping[Pair, tuple[str, str]]  # (path, digest) of each page catalog when the build began

    @classmethod
    def open(cls, out: Path, code: str, files: Mapping[Pair, tuple[str, str]]) -> TableCache:
        """The cache for this code, with those of other code versions removed."""
        with contextlib.suppress(FileNotFoundError):
            for entry in (out / CACHE).iterdir():
                if entry.name != code:
                    shutil.rmtree(entry, ignore_errors=True)
        return cls(out / CACHE / code, files)

    def preload(self, site: Site) -> int:
        """Put every kept table whose .po has not changed into the site's catalogs; returns how many."""
        loaded = 0
        for pair in self.files:
            entry = self.folder / self._name(pair)
            try:
                table = MessageTable(**pickle.loads(entry.read_bytes()))
            except FileNotFoundError:
                continue
            except Exception:  # noqa: BLE001 - a damaged entry: parsed again, and kept anew
                entry.unlink(missing_ok=True)
                continue
            site.catalogs.cached(("table", *pair), _given(table))
            loaded += 1
        return loaded

    def keep(self, site: Site) -> int:
        """Write the tables parsed here that are not kept yet (the status pages parse every catalog of
        their languages), and remove the entries of catalogs that changed; returns how many were written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        present = set(os.listdir(self.folder))
        wanted = {self._name(pair): pair for pair in self.files}
        troubled = {problem.split(":", 1)[0] for problem in site.catalogs.problems}
        written = 0
        for name, pair in wanted.items():
            if name in present:
                continue
            path, digest = self.files[pair]
            table = _parsed(site, pair)
            if table is None or table.plural or path in troubled or file_digest(path) != digest:
                continue  # a plural function to call, a broken file, or bytes changed since the build began
            fields = {f.name: getattr(table, f.name) for f in dataclasses.fields(table) if f.name not in UNPICKLED}
            temporary = self.folder / f".{secrets.token_hex(8)}"
            temporary.write_bytes(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.folder / name)
            written += 1
        for stale in present - wanted.keys():
            (self.folder / stale).unlink(missing_ok=True)
        return written

    def _name(self, pair: Pair) -> str:
        """The entry of a catalog at its current bytes (its path too: a table names its file in messages)."""
        path, digest = self.files[pair]
        return hashlib.sha256(f"{path}\0{digest}".encode()).hexdigest()[:32]


def _given(table: MessageTable) -> Callable[[], MessageTable]:
    return lambda: table


class _NotParsed(Exception):
    """Raised instead of parsing: asked only for the tables parsed already."""


def _not_parsed() -> MessageTable:
    raise _NotParsed


def _parsed(site: Site, pair: Pair) -> MessageTable | None:
    """The table of a page catalog if this process has parsed it, without parsing it."""
    try:
        found = site.catalogs.cached(("table", *pair), _not_parsed)
    except _NotParsed:
        return None
    return found if isinstance(found, MessageTable) else None

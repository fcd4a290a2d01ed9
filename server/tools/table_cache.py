"""Parsed page catalogs and templates kept between builds in OUT/.build-cache, each under the digest of its bytes.

A status page reads every catalog of its language and every page's template: at 5,000 pages in 10
languages, parsing the 50,000 .po and 5,000 .pot files takes a worker minutes, unpickling them
seconds. A table is kept only if it was read without problems and has no plural messages (page
catalogs have none), so that its plural function, which cannot be pickled, is never called. The
entries live in a folder named after the code, so a change to how catalogs are read starts afresh;
like the page cache (SITE_CACHE_DIR), the folder must be writable only by the user who builds.
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
from .manifest import file_digest

CACHE = ".build-cache"  # in OUT/, beside public/: never served
UNPICKLED = ("plural_index", "reported")  # a function; a set of what was logged, which starts empty


Entry = tuple[str, ...]  # as the site's catalogs name what they hold: ("table", code, key) or ("template", key)


@dataclass(frozen=True)
class TableCache:
    folder: Path  # OUT/.build-cache/<code digest>
    files: Mapping[Entry, tuple[str, str]]  # (path, digest) of each page catalog and template when the build began

    @classmethod
    def open(cls, out: Path, code: str, files: Mapping[Entry, tuple[str, str]]) -> TableCache:
        """The cache for this code, with those of other code versions removed."""
        with contextlib.suppress(FileNotFoundError):
            for entry in (out / CACHE).iterdir():
                if entry.name != code:
                    shutil.rmtree(entry, ignore_errors=True)
        return cls(out / CACHE / code, files)

    def preload(self, site: Site) -> int:
        """Put everything kept whose file has not changed into the site's catalogs; returns how many."""
        loaded = 0
        for entry in self.files:
            kept = self.folder / self._name(entry)
            try:
                value = _decode(entry, pickle.loads(kept.read_bytes()))
            except FileNotFoundError:
                continue
            except Exception:  # noqa: BLE001 - a damaged entry: parsed again, and kept anew
                kept.unlink(missing_ok=True)
                continue
            site.catalogs.cached(entry, _given(value))
            loaded += 1
        return loaded

    def keep(self, site: Site) -> int:
        """Write what was parsed here and is not kept yet (the status pages parse every catalog of their
        languages), and remove the entries of files that changed; returns how many were written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        present = set(os.listdir(self.folder))
        wanted = {self._name(entry): entry for entry in self.files}
        troubled = {problem.split(":", 1)[0] for problem in site.catalogs.problems}
        written = 0
        for name, entry in wanted.items():
            if name in present:
                continue
            path, digest = self.files[entry]
            data = _encode(site.catalogs.parsed(entry))
            if data is None or path in troubled or file_digest(path) != digest:
                continue  # not parsed here, not to be pickled, a broken file, or bytes changed since the build began
            temporary = self.folder / f".{secrets.token_hex(8)}"
            temporary.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.folder / name)
            written += 1
        for stale in present - wanted.keys():
            (self.folder / stale).unlink(missing_ok=True)
        return written

    def _name(self, entry: Entry) -> str:
        """The entry of a file at its current bytes (its path too: a table names its file in messages)."""
        path, digest = self.files[entry]
        return hashlib.sha256(f"{entry[0]}\0{path}\0{digest}".encode()).hexdigest()[:32]


def _encode(value: object) -> object | None:
    """What is pickled of a table (its fields but the plural function) or a template (its messages)."""
    if isinstance(value, MessageTable) and not value.plural:
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.name not in UNPICKLED}
    if isinstance(value, frozenset):
        return value
    return None


def _decode(entry: Entry, data: object) -> object:
    if entry[0] == "table" and isinstance(data, dict):
        return MessageTable(**data)
    if entry[0] == "template" and isinstance(data, frozenset):
        return data
    raise ValueError(f"not a kept {entry[0]}")


def _given(value: object) -> Callable[[], object]:
    return lambda: value

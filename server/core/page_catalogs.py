"""Each page's content catalogs, read when first needed, a bounded number kept parsed.

Nothing here is read at start-up: a library of thousands of pages in a dozen languages starts
as fast as one of ten. A catalog is parsed when a page that shows it is first rendered (off the
event loop), and parsed again after the least recently used ones made room for others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from .catalogs import EMPTY, CatalogError, MessageTable, load_table, message_key, page_catalog_path, page_template_path
from .catalogs import read_catalog as read_template
from .lru import BoundedLRU

log = logging.getLogger("server.catalogs")

TableKey = tuple[str, ...]  # ("table", language code, page key), ("template", page key) or ("pseudo", code, key)


class PageCatalogs:
    """One page's translations in one language (`table`) and the messages its template asks for (`messages`).

    A catalog that cannot be read keeps its last good version (from before the reload that found
    it broken), else falls back to the source language; the problem is logged once with file:line
    and listed in `problems`.
    """

    def __init__(
        self,
        locales_dir: Path,
        catalog_names: Mapping[str, str],  # language code -> folder name
        capacity: int,
        last_good: Mapping[TableKey, object] | None = None,
    ) -> None:
        self.locales_dir = locales_dir
        self.catalog_names = dict(catalog_names)
        self.capacity = capacity
        self._cache = BoundedLRU[TableKey, object](capacity, cost=lambda _: 1)
        self._last_good = dict(last_good or {})
        self._problems: dict[str, str] = {}  # path -> what is wrong with it
        self._lock = threading.Lock()

    def table(self, code: str, key: str) -> MessageTable:
        found = self.cached(("table", code, key), lambda: self._load_table(code, key))
        assert isinstance(found, MessageTable)
        return found

    def messages(self, key: str) -> frozenset[str]:
        found = self.cached(("template", key), lambda: self._load_template(key))
        assert isinstance(found, frozenset)
        return found

    def cached(self, key: TableKey, load: Callable[[], object]) -> object:
        found = self._cache.get(key)
        if found is None:
            found = load()
            self._cache.put(key, found)
        return found

    def parsed(self, key: TableKey) -> object | None:
        """What is held for `key` if it was read already, without reading it."""
        return self._cache.peek(key)

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems.values())

    @property
    def hit_rate(self) -> float:
        return self._cache.hit_rate

    def successor(self, changed: Collection[Path], catalog_names: Mapping[str, str]) -> PageCatalogs:
        """The catalogs after a reload: parsed ones whose files did not change are kept.

        Changed ones are parsed again when next needed; until they parse, their last good version serves.
        """
        changed_keys = {self._key_of(path) for path in changed}
        successor = PageCatalogs(self.locales_dir, catalog_names, self.capacity)
        successor._last_good = {key: value for key, value in self._last_good.items() if key not in changed_keys}
        for key in self._cache.keys():
            value = self._cache.peek(key)
            if value is None:
                continue
            if key in changed_keys:
                successor._last_good[key] = value
            else:
                successor._cache.put(key, value)
        with self._lock:
            successor._problems = {
                path: problem for path, problem in self._problems.items() if Path(path) not in changed
            }
        return successor

    def _key_of(self, path: Path) -> TableKey | None:
        try:
            relative = path.relative_to(self.locales_dir).with_suffix("").as_posix()
        except ValueError:
            return None
        folder, _, rest = relative.partition("/")
        if folder == "content":
            return ("template", rest)
        names = {name: code for code, name in self.catalog_names.items()}
        prefix = "LC_MESSAGES/content/"
        if folder in names and rest.startswith(prefix):
            return ("table", names[folder], rest.removeprefix(prefix))
        return None

    def _load_table(self, code: str, key: str) -> MessageTable:
        path = page_catalog_path(self.locales_dir, self.catalog_names[code], key)
        if not path.exists():
            return EMPTY
        try:
            return load_table(path)
        except CatalogError as error:
            self._problem(path, error)
            last_good = self._last_good.get(("table", code, key))
            return last_good if isinstance(last_good, MessageTable) else EMPTY

    def _load_template(self, key: str) -> frozenset[str]:
        path = page_template_path(self.locales_dir, key)
        if not path.exists():
            return frozenset()
        try:
            return frozenset(message_key(message) for message in read_template(path) if message.id)
        except CatalogError as error:
            self._problem(path, error)
            last_good = self._last_good.get(("template", key))
            return last_good if isinstance(last_good, frozenset) else frozenset()

    def _problem(self, path: Path, error: CatalogError) -> None:
        with self._lock:
            new = str(path) not in self._problems
            self._problems[str(path)] = str(error)
        if new:
            log.error("catalog error: %s; serving the last good version", error)

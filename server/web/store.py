"""The response store: ready-to-send responses within a byte budget, dropped when what they show changes."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from ..core.inputs import Compact, Input
from ..core.lru import BoundedLRU
from ..render.stored import Rendered
from .caching import Prepared

ENTRY_OVERHEAD = 2048  # each variant's headers, its 304's, keys and bookkeeping, on top of the bodies


@dataclass(frozen=True)
class Entry:
    """One stored response, ready to send: the URL path the fast path knows it by, and what it showed."""

    prepared: Prepared
    inputs: Compact
    path: str | None  # a 200 for GET and HEAD at this exact path; None for bodies reached otherwise (404s)
    size: int  # bytes it holds: bodies, headers, inputs

    @classmethod
    def of(cls, rendered: Rendered, prepared: Prepared, path: str | None) -> Entry:
        inputs = Compact.of(rendered.inputs)
        return cls(prepared, inputs, path, rendered.size + inputs.size + ENTRY_OVERHEAD)


class ResponseStore:
    """Least recently used responses go first once their bytes exceed the budget; they are rendered again on demand.

    Each entry declares its inputs (inputs.py): a reload drops exactly the entries whose inputs
    changed. A response rendered from an older site than the store's generation is never stored:
    a reload that lands while a page renders cannot pin the old page.
    """

    def __init__(self, budget: int) -> None:
        self._entries = BoundedLRU[Hashable, Entry](budget, cost=lambda entry: entry.size, on_evict=self._forget)
        self._paths: dict[str, Hashable] = {}
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, key: Hashable) -> Entry | None:
        return self._entries.get(key)

    def for_path(self, path: str) -> Prepared | None:
        """The fast path's lookup: the prepared 200 answering exactly this URL path."""
        key = self._paths.get(path)
        if key is None:
            return None
        entry = self._entries.get(key)
        return entry.prepared if entry is not None else None

    def put(self, key: Hashable, entry: Entry, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return  # rendered from a site a reload has replaced
            self._entries.put(key, entry)
            if entry.path is not None and self._entries.peek(key) is entry:
                self._paths[entry.path] = key

    def invalidate(self, changed: frozenset[Input] | None, generation: int) -> int:
        """Drop the entries showing a changed input (every entry for None); later puts need `generation`.

        Returns how many entries were dropped.
        """
        with self._lock:
            self.generation = generation
            if changed is None:
                dropped = self._entries.drop_if(lambda key, entry: True)
            else:
                dropped = self._entries.drop_if(lambda key, entry: entry.inputs.affected(changed))
            dropped_keys = set(dropped)
            self._paths = {path: key for path, key in self._paths.items() if key not in dropped_keys}
        return len(dropped)

    def _forget(self, key: Hashable, entry: Entry) -> None:
        if entry.path is not None and self._paths.get(entry.path) == key:
            self._paths.pop(entry.path, None)

    def summary(self) -> str:
        """One line for the log: how full the store is and how often it answered."""
        lru = self._entries
        return (
            f"{len(lru)} responses, {lru.used / 2**20:.1f} of {lru.budget / 2**20:.1f} MiB, "
            f"hit rate {lru.hit_rate:.1%} ({lru.hits} hits, {lru.misses} misses), {lru.evictions} evicted"
        )

    @property
    def stats(self) -> dict[str, float]:
        """Entries, bytes used, budget, hits, misses, hit rate and evictions: for the benchmark and operators."""
        lru = self._entries
        return {
            "entries": len(lru),
            "bytes": lru.used,
            "budget": lru.budget,
            "hits": lru.hits,
            "misses": lru.misses,
            "hit_rate": lru.hit_rate,
            "evictions": lru.evictions,
        }

"""A thread-safe least-recently-used map bounded by a budget: the response store's and the catalog cache's."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """Keeps values while their total `cost` fits `budget`, dropping the least recently used first.

    >>> cache = BoundedLRU[str, bytes](budget=5, cost=len)
    >>> cache.put("a", b"aa"); cache.put("b", b"bb"); cache.get("a"); cache.put("c", b"cc")
    b'aa'
    >>> sorted(cache.keys()), cache.used, cache.evictions
    (['a', 'c'], 4, 1)
    """

    def __init__(self, budget: int, cost: Callable[[V], int], on_evict: Callable[[K, V], None] | None = None) -> None:
        self.budget = budget
        self._cost = cost
        self._on_evict = on_evict
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.used = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def peek(self, key: K) -> V | None:
        """The value without counting a hit or refreshing its place."""
        found = self._items.get(key)
        return None if found is None else found[0]

    def put(self, key: K, value: V) -> None:
        cost = self._cost(value)
        evicted: list[tuple[K, V]] = []
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= old[1]
            if cost > self.budget:
                return  # larger than the whole budget: never kept
            self._items[key] = (value, cost)
            self.used += cost
            while self.used > self.budget:
                old_key, (old_value, old_cost) = self._items.popitem(last=False)
                self.used -= old_cost
                self.evictions += 1
                evicted.append((old_key, old_value))
        if self._on_evict is not None:
            for old_key, old_value in evicted:
                self._on_evict(old_key, old_value)

    def pop(self, key: K) -> V | None:
        with self._lock:
            found = self._items.pop(key, None)
            if found is None:
                return None
            self.used -= found[1]
            return found[0]

    def drop_if(self, condition: Callable[[K, V], bool]) -> list[K]:
        """Remove every entry for which `condition(key, value)` holds; returns their keys."""
        with self._lock:
            dropped = [key for key, (value, _) in self._items.items() if condition(key, value)]
            for key in dropped:
                self.used -= self._items.pop(key)[1]
        return dropped

    def keys(self) -> list[K]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def hit_rate(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0

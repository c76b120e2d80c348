"""A bounded memory of the most recently used entries (questions understood, answers given).

Plain dict order is the recency: a hit moves its entry to the end, a new entry past the size
pushes out the first. Safe enough without a lock: a race between threads can at worst push
out one entry too many."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        """The entry, now the most recently used; None when there is none."""
        found = self._items.pop(key, None)
        if found is not None:
            self._items[key] = found
        return found

    def put(self, key: K, value: V) -> None:
        if key not in self._items and len(self._items) >= self.size:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del self._items[next(iter(self._items))]  # the least recently used
        self._items[key] = value

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

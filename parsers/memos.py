"""Plain dict memos for the hottest lookups, where an lru_cache hit costs about twice a dict lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """Answers remembered by key, read with `get`; emptied when full (a stream of reports refills what it
    uses) and by `cache_clear`, like the lru_caches, so a cold measurement clears it with them."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def keep(self, key: K, value: V) -> V:
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value

    def keep_all(self, keys: Sequence[K], values: Sequence[V]) -> None:
        """Keeps many answers in one C-level update (a document's new lines at once), emptied first when
        they would overflow it."""
        if len(self) + len(keys) > self.maxsize:
            self.clear()
        self.update(zip(keys, values, strict=True))

    def cache_clear(self) -> None:
        self.clear()

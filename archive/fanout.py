"""One pool of threads for reading many small objects at once.

A remote store answers each read in a round trip, so a settle reads an agency's captures, validators
and report holdings concurrently. A pool per call started and stopped ~900 threads per batch of 120
agencies; this one is started once per process and shared. Work given to it must not itself wait on
the pool (a read, not a caller of `fan_out`), or the pool could wait on itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS = 8
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def fan_out(read: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """`read` of every item on the shared pool, results in the items' order."""
    return _shared().map(read, items)


def _shared() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="nianbao-read")
        return _pool

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
from itertools import chain
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS = 8
CHUNKS = 4  # runs of reads per worker, at most
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def fan_out(read: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """`read` of every item on the shared pool, results in the items' order.

    Thousands of reads go in runs of several per pool task: a task costs a future, a lock and two
    thread switches (about as much as reading a small local file), and `CHUNKS` runs per worker still
    keep every worker busy while one run waits on a slow answer."""
    items = list(items)
    size = max(1, len(items) // (WORKERS * CHUNKS))
    if size == 1:
        return _shared().map(read, items)
    runs = [items[start : start + size] for start in range(0, len(items), size)]
    return chain.from_iterable(_shared().map(lambda run: [read(item) for item in run], runs))


def _shared() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="nianbao-read")
        return _pool

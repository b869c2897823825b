"""Batches of agencies that crawl and settle together: a parent and its departments stay in one batch,
so that a department's report reposted on the parent's portal meets its original."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Agencies a crawl process takes: at least MIN_BATCH, and up to MAX_BATCH while every crawl process
# still gets a batch. Each process costs seconds to start, paid once per batch (at 1,000 agencies and
# 2 processes, 8 batches instead of 20; `python -m benchmarks.harvest --batch-size N` compares).
MIN_BATCH = 50
MAX_BATCH = 125


def batch_size(agencies: int, processes: int) -> int:
    """Agencies a batch holds for a run of `agencies` crawled by `processes` processes at once: as few
    rounds of `processes` batches as MAX_BATCH allows, shared evenly, so that the last round keeps every
    process busy (9 batches on 2 processes leave one crawling alone at the end)."""
    width = max(processes, 1)
    rounds = -(-agencies // (width * MAX_BATCH))  # ceilings
    return max(MIN_BATCH, -(-agencies // (width * max(rounds, 1))))


def family_batches(entries: Sequence[Any], size: int) -> list[list[str]]:
    """Agency ids packed into as many batches as `size` asks for, whole families at a time, registry order
    kept: a batch ends at the family boundary nearest to its even share, so batches come out alike
    (a family that would mostly fall beyond the share starts the next batch)."""
    chosen = {e.id: e for e in entries}
    families: dict[str, list[str]] = {}
    for entry in entries:
        families.setdefault(_root(entry, chosen), []).append(entry.id)
    share = len(chosen) / max(-(-len(chosen) // max(size, 1)), 1)
    batches: list[list[str]] = []
    placed = 0
    for members in families.values():
        if batches and placed + len(members) / 2 <= share * len(batches):
            batches[-1] += members
        else:
            batches.append(list(members))
        placed += len(members)
    return batches


def _root(entry: Any, chosen: dict[str, Any]) -> str:
    seen = {entry.id}
    while entry.parent in chosen and entry.parent not in seen:
        entry = chosen[entry.parent]
        seen.add(entry.id)
    return entry.id


class BatchQueue:
    """The batches still to crawl, and how many there are in all: a batch whose crawl process failed is
    crawled again agency by agency, and each of those is a batch of its own in the count shown."""

    def __init__(self, batches: list[list[str]]) -> None:
        self.waiting = [list(batch) for batch in batches]
        self.total = len(self.waiting)

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def pop(self) -> list[str]:
        return self.waiting.pop(0)

    def split(self, batch: list[str]) -> None:
        self.waiting += [[agency] for agency in batch]
        self.total += len(batch) - 1

"""Batches of agencies that crawl and settle together: a parent and its departments stay in one batch,
so that a department's report reposted on the parent's portal meets its original."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def family_batches(entries: Sequence[Any], size: int) -> list[list[str]]:
    """Agency ids packed into batches of about `size`, whole families at a time, registry order kept."""
    chosen = {e.id: e for e in entries}
    families: dict[str, list[str]] = {}
    for entry in entries:
        families.setdefault(_root(entry, chosen), []).append(entry.id)
    batches: list[list[str]] = []
    for members in families.values():
        if batches and len(batches[-1]) + len(members) <= size:
            batches[-1] += members
        else:
            batches.append(list(members))
    return batches


def _root(entry: Any, chosen: dict[str, Any]) -> str:
    seen = {entry.id}
    while entry.parent in chosen and entry.parent not in seen:
        entry = chosen[entry.parent]
        seen.add(entry.id)
    return entry.id

"""Which agencies a run covers: a registry subset by id, region (GB/T 2260 prefix) or level."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from nianbao.flows.errors import SelectionError


def select(
    entries: Sequence[Any],
    *,
    ids: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    registry: str = "the registry",
) -> list[Any]:
    """Registry entries matching every filter given; an empty result or an unknown id is an error."""
    known = {e.id for e in entries}
    unknown = sorted(set(ids or ()) - known)
    if unknown:
        raise SelectionError(f"{registry} has no agency {', '.join(unknown)}")
    chosen = [
        e
        for e in entries
        if (not ids or e.id in ids)
        and (not regions or any((e.region_code or "").startswith(r) for r in regions))
        and (not levels or e.level in levels)
    ]
    if not chosen:
        raise SelectionError(f"no agency of {registry} matches regions={regions or 'any'} levels={levels or 'any'}")
    return chosen


def resolve(
    registry: str,
    *,
    ids: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
) -> tuple[dict[str, str], list[Any]]:
    """Load the registry once: every agency's name by id (for identity), and the chosen entries."""
    from nianbao.crawler.agencies import load_registry

    entries = load_registry(registry).agencies
    chosen = select(entries, ids=ids, regions=regions, levels=levels, registry=registry)
    return {e.id: e.name for e in entries}, chosen


def default_years(now: datetime | None = None) -> list[int]:
    """Last calendar year: what the statutory calendar has published by February/April."""
    return [(now or datetime.now(UTC)).year - 1]


FIRST_REPORT_YEAR = 2008  # the disclosure regulations took effect on 1 May 2008


def all_years(now: datetime | None = None) -> list[int]:
    return list(range(FIRST_REPORT_YEAR, default_years(now)[0] + 1))

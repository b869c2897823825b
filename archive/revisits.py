"""Catalog rows of an agency that a run saw again without a new version: its rows as the catalog holds
them, moved forward by the run's observations, so that an update reads no version record.

Only `last_seen` (reports, versions) and the captures table can change when no version was created:
every other column of every table follows from the versions and the registry, and a registry change
rebuilds the whole catalog. `revisit` returns None whenever its rows could differ from a rebuild's
(an observation links a capture whose rows do not show that link): the agency is then rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nianbao.archive.reports import CaptureLink, Observation

Row = dict[str, Any]
Link = tuple[str, int, int, CaptureLink]  # (report agency, report year, version, link), as catalog rows take it
PATCHED = ("reports", "versions", "captures")  # the tables whose rows of a revisited agency are rewritten


@dataclass(frozen=True)
class Revisit:
    """An agency's reports, versions and captures rows after the run; `fresh`: the keys of its captures
    its rows do not hold yet, and `linked`: the links of the captures its rows do not show yet (both
    written by the caller with the capture records)."""

    rows: Mapping[str, list[Row]]
    fresh: list[str]
    linked: Mapping[str, list[Link]]


def revisit(
    held: Mapping[str, list[Row]], observations: Iterable[Observation], capture_keys: Sequence[str]
) -> Revisit | None:
    """The agency's `held` rows (per table in PATCHED, each with its `year`) moved forward by every
    observation of its reports and by its captures (`capture_keys`, all it has); None when a rebuild
    could give other rows."""
    seen: dict[tuple[int, int], datetime] = {}
    linked: dict[str, list[Link]] = {}
    for observation in observations:
        at = datetime.fromisoformat(observation.seen_at)
        number = (observation.year, observation.version)
        seen[number] = max(seen.get(number, at), at)
        for link in observation.captures:
            keep_link(
                linked.setdefault(link.capture_key, []), observation.agency, observation.year, observation.version, link
            )
    shown = {(r["capture_key"], r["report_agency"], r["year"], r["role"]) for r in held["captures"]}
    held_keys = {r["capture_key"] for r in held["captures"]}
    for key, links in linked.items():
        if key in held_keys and any((key, a, y, link.role) not in shown for a, y, _, link in links):
            return None
    versions = [_seen(row, seen.get((row["year"], row["version"]))) for row in held["versions"]]
    latest: dict[tuple[str, int], datetime] = {}
    for row in versions:
        report = (row["agency"], row["year"])
        latest[report] = max(latest.get(report, row["last_seen"]), row["last_seen"])
    reports = [_seen(row, latest.get((row["agency"], row["year"]))) for row in held["reports"]]
    rows = {"reports": reports, "versions": versions, "captures": list(held["captures"])}
    fresh = [key for key in capture_keys if key not in held_keys]
    return Revisit(rows, fresh, {key: links for key, links in linked.items() if key not in held_keys})


def _seen(row: Row, at: datetime | None) -> Row:
    if at is None or (row["last_seen"] is not None and row["last_seen"] >= at):
        return row
    return {**row, "last_seen": at}


def keep_link(links: list[Link], agency: str, year: int, number: int, link: CaptureLink) -> None:
    """Keep the first version a capture was linked to, once per (report, role)."""
    if not any(a == agency and y == year and existing.role == link.role for a, y, _, existing in links):
        links.append((agency, year, number, link))

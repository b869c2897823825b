"""The ledger: for every registry agency and report year, whether the report was published, and on time.

States (one vocabulary, `State`):
- `found`: held and current, first published by the statutory deadline;
- `late`: held and current, first published after it;
- `withdrawn`: held once, its latest version is a withdrawal;
- `missing`: not held, and the deadline has passed;
- `not_due`: not held, and the deadline has not passed yet.

Deadlines (Regulations on the Disclosure of Government Information, 2019, art. 49–50): government
departments (level `department`, and `national`: departments of the State Council) by 31 January of
the following year; people's governments (`province`, `city`, `county`, `township`) by 31 March. An
agency of unknown level gets 31 March, so that no report is called late on a guess.

Published when: the report's publish date; else the day the archive first saw it (`basis` says which —
a first sighting only bounds the publish date from above, so `late` on that basis is weaker).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import pyarrow as pa


class State(StrEnum):
    FOUND = "found"
    LATE = "late"
    MISSING = "missing"
    WITHDRAWN = "withdrawn"
    NOT_DUE = "not_due"


class Basis(StrEnum):
    PUBLISH_DATE = "publish_date"
    FIRST_SEEN = "first_seen"


GOVERNMENT_LEVELS = ("province", "city", "county", "township")
DEPARTMENT_LEVELS = ("department", "national")

SCHEMA = pa.schema(
    [
        ("agency", pa.string()),
        ("agency_name", pa.string()),
        ("level", pa.string()),
        ("region_code", pa.string()),
        ("state", pa.string()),
        ("deadline", pa.date32()),
        ("published", pa.date32()),
        ("basis", pa.string()),
        ("days_late", pa.int32()),
    ]
)


def deadline(level: str | None, year: int) -> date:
    """The last day a report of `year` may be published by an agency of `level`."""
    return date(year + 1, 1, 31) if level in DEPARTMENT_LEVELS else date(year + 1, 3, 31)


def published(report: Mapping[str, Any]) -> tuple[date | None, Basis | None]:
    """When a report (a catalog `reports` row) was first published, and what says so."""
    text = report.get("publish_date")
    if text:
        try:
            return date.fromisoformat(text[:10]), Basis.PUBLISH_DATE
        except ValueError:
            pass  # not an ISO date: fall back on the first sighting
    seen = report.get("first_seen")
    return (seen.date(), Basis.FIRST_SEEN) if seen is not None else (None, None)


def entry(agency: Mapping[str, Any], year: int, report: Mapping[str, Any] | None, today: date) -> dict[str, Any]:
    """The ledger row of one agency (an `agencies` row) and year, given its `reports` row if held."""
    due = deadline(agency.get("level"), year)
    row = {
        "agency": agency["agency"],
        "agency_name": agency.get("name"),
        "level": agency.get("level"),
        "region_code": agency.get("region_code"),
        "year": year,
        "deadline": due,
        "published": None,
        "basis": None,
        "days_late": None,
    }
    if report is None:
        return row | {"state": State.MISSING if today > due else State.NOT_DUE}
    when, basis = published(report)
    row |= {"published": when, "basis": basis}
    if report.get("state") == "withdrawn":
        return row | {"state": State.WITHDRAWN}
    late = when is not None and when > due
    return row | {"state": State.LATE if late else State.FOUND, "days_late": (when - due).days if late else None}


def ledger(
    agencies: Sequence[Mapping[str, Any]],
    reports: Iterable[Mapping[str, Any]],
    years: Sequence[int],
    today: date,
) -> list[dict[str, Any]]:
    """Every agency × year: `agencies` rows (catalog or registry), `reports` rows (catalog)."""
    held = {(r["agency"], r["year"]): r for r in reports}
    return [entry(agency, year, held.get((agency["agency"], year)), today) for agency in agencies for year in years]

"""The catalog tables for analysts, derived while the catalog is rebuilt: agencies, ledger, scorecard.

The catalog writer hands each report to `AnalystTables` (in (agency, year) order); this adds what the
registry knows to the report's row, the cross-year checks R5/R6 against the same agency's year before,
and at the end yields the rows of the derived tables. See docs/archive.md for every column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from nianbao.archive import agencies, codebook, ledger, scorecard
from nianbao.parsers.crossyear import cross_year_checks

YEARLESS = ("agencies",)  # tables whose rows belong to no report year (partition year null)
SCHEMAS: dict[str, pa.Schema] = {
    "agencies": agencies.SCHEMA,
    "ledger": ledger.SCHEMA,
    "scorecard": scorecard.SCHEMA,
    "wide": pa.schema(
        [
            ("agency", pa.string()),
            ("agency_name", pa.string()),
            ("level", pa.string()),
            ("region_code", pa.string()),
            ("province", pa.string()),
            ("city", pa.string()),
            ("county", pa.string()),
            ("template", pa.string()),
            ("state", pa.string()),
            ("ledger_state", pa.string()),
            ("grade", pa.string()),
            ("checks_failed", pa.int32()),
            ("publish_date", pa.string()),
            ("version", pa.int32()),
            ("original_url", pa.string()),
            *[(name, pa.float64()) for name, *_ in codebook.WIDE_FIGURES],
        ]
    ),
}


@dataclass
class _Held:
    """What the derived tables need of one report, small: a catalog holds hundreds of thousands."""

    row: Mapping[str, Any]  # the report's catalog row
    card: dict[str, Any]  # its scorecard counts, lateness not yet known
    figures: dict[str, Any]  # its wide-table figures


_CROSS_YEAR_KEYS = ("year", "template", "applications", "active_disclosure")


class AnalystTables:
    """Collects what the derived tables need as reports are written."""

    def __init__(self, registry: Sequence[Mapping[str, Any]], today: date) -> None:
        self.agencies = {row["agency"]: row for row in agencies.agency_rows(registry)}
        self.today = today
        self._previous: dict[str, Mapping[str, Any]] = {}  # agency -> its last content record seen
        self._held: dict[tuple[str, int], _Held] = {}

    def describe(self, agency: str) -> dict[str, Any]:
        """The registry columns of a report row (all null for an agency the registry no longer has)."""
        known = self.agencies.get(agency, {})
        return {"agency_name": known.get("name"), "level": known.get("level"), "region_code": known.get("region_code")}

    def cross_year(self, agency: str, record: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """R5/R6 of a report's content record against the agency's report of the year before."""
        if not record:
            return []
        previous = self._previous.get(agency)
        self._previous[agency] = {key: record.get(key) for key in _CROSS_YEAR_KEYS}
        if previous is None:
            return []
        return [
            {"rule": c.rule, "scope": c.scope, "passed": c.passed, "detail": c.detail}
            for c in cross_year_checks(previous, record)
        ]

    def add(self, row: Mapping[str, Any], record: Mapping[str, Any] | None, checks: list[Mapping[str, Any]]) -> None:
        record = record or {}
        figures = {
            name: ((record.get(table) or {}).get(key) or {}).get(column)
            for name, table, key, column in codebook.WIDE_FIGURES
        }
        self._held[(row["agency"], row["year"])] = _Held(row, scorecard.score(record, checks, None), figures)

    def rows(self) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
        """(table, partition year, row) of agencies, ledger and scorecard."""
        known = dict(self.agencies)
        for agency, _ in self._held:
            known.setdefault(agency, {"agency": agency} | {k: None for k in agencies.SCHEMA.names if k != "agency"})
        for row in self.agencies.values():
            yield "agencies", None, row
        years = range(min(y for _, y in self._held), max(y for _, y in self._held) + 1) if self._held else ()
        entries = ledger.ledger(list(known.values()), (h.row for h in self._held.values()), list(years), self.today)
        states = {(e["agency"], e["year"]): e["state"] for e in entries}  # before the rows give up their year
        for entry in entries:
            yield "ledger", entry.pop("year"), entry
        for (agency, year), held in sorted(self._held.items()):
            state = states.get((agency, year))
            late = None if state == ledger.State.WITHDRAWN else state == ledger.State.LATE
            card = held.card | {"late": late}
            card["grade"] = scorecard.grade(card)
            yield "scorecard", year, {"agency": agency, "version": held.row["content_version"]} | card
            yield "wide", year, self._wide(known[agency], held, state, card)

    @staticmethod
    def _wide(agency: Mapping[str, Any], held: _Held, state: str | None, card: Mapping[str, Any]) -> dict[str, Any]:
        """One report on one line: who, where, when, how good, and its main figures by readable name."""
        row = held.row
        place = {k: agency.get(k) for k in ("province", "city", "county")}
        return {
            "agency": row["agency"],
            "agency_name": row["agency_name"],
            "level": row["level"],
            "region_code": row["region_code"],
            **place,
            "template": row["template"],
            "state": row["state"],
            "ledger_state": state,
            "grade": card["grade"],
            "checks_failed": row["checks_failed"],
            "publish_date": row["publish_date"],
            "version": row["content_version"],
            "original_url": row["page_url"],
            **held.figures,
        }

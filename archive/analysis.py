"""The catalog tables for analysts: agencies, ledger, scorecard, wide.

Two steps. While a report's rows are written (`ReportFacts`, per agency, years ascending) this adds
what the registry knows to the report's row, the cross-year checks R5/R6 against the same agency's
report of the year before, and one hidden `_facts` row: the report's scorecard counts and its wide
figures. When a catalog is published, `derive` turns every `reports` and `_facts` row, the registry
and today's date into the four tables.

Why derive them at publish time rather than per partition: the ledger has a row for every agency ×
every year from the catalog's first to its last report year, and its states (late, missing, not due)
depend on today's date; scorecard and wide carry the ledger state. A run that touches one agency can
therefore change rows of every agency (a new report year, a deadline passing), so they are recomputed
whole from the small per-report tables (one row per report, no cells) — the same computation for an
incremental update and a full rebuild. See docs/archive.md for every column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from nianbao.archive import agencies, codebook, ledger, scorecard
from nianbao.parsers.crossyear import cross_year_checks

YEARLESS = ("agencies",)  # tables whose rows belong to no report year (partition year null)
DERIVED = ("agencies", "ledger", "scorecard", "wide")
_CARD = (
    "template",
    *[n for n in scorecard.SCHEMA.names if n not in ("agency", "version", "template", "grade", "late")],
)
FACTS = pa.schema(  # hidden per-report inputs of scorecard and wide (not an analysts' table)
    [
        ("agency", pa.string()),
        *[scorecard.SCHEMA.field(name) for name in _CARD],
        *[(name, pa.float64()) for name, *_ in codebook.WIDE_FIGURES],
    ]
)
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
# The `reports` columns `derive` reads.
REPORT_COLUMNS = (
    "agency", "agency_name", "level", "region_code", "template", "state", "checks_failed", "publish_date",
    "content_version", "page_url", "first_seen",
)  # fmt: skip

_CROSS_YEAR_KEYS = ("year", "template", "applications", "active_disclosure")


class ReportFacts:
    """What one report's rows need beyond its own versions: registry columns, R5/R6, its `_facts` row."""

    def __init__(self, registry: Sequence[Mapping[str, Any]]) -> None:
        self.agencies = {row["agency"]: row for row in agencies.agency_rows(registry)}
        self._previous: dict[str, Mapping[str, Any]] = {}  # agency -> its last content record seen

    def describe(self, agency: str) -> dict[str, Any]:
        """The registry columns of a report row (all null for an agency the registry no longer has)."""
        known = self.agencies.get(agency, {})
        return {"agency_name": known.get("name"), "level": known.get("level"), "region_code": known.get("region_code")}

    def cross_year(self, agency: str, record: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """R5/R6 of a report's content record against the agency's report of the year before.

        Called for an agency's reports in ascending year order (the writer takes an agency whole)."""
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

    @staticmethod
    def facts(agency: str, record: Mapping[str, Any] | None, checks: list[Mapping[str, Any]]) -> dict[str, Any]:
        """The report's `_facts` row: scorecard counts (lateness not yet known) and wide figures."""
        record = record or {}
        card = scorecard.score(record, checks, None)
        figures = {
            name: ((record.get(table) or {}).get(key) or {}).get(column)
            for name, table, key, column in codebook.WIDE_FIGURES
        }
        return {"agency": agency} | {name: card[name] for name in _CARD} | figures


def derive(
    registry: Sequence[Mapping[str, Any]],
    reports: Sequence[Mapping[str, Any]],
    facts: Mapping[tuple[str, int], Mapping[str, Any]],
    today: date,
) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
    """(table, partition year, row) of agencies, ledger, scorecard and wide.

    `reports` are catalog `reports` rows with their `year`; `facts` the `_facts` row of each (agency, year).
    """
    registered = {row["agency"]: row for row in agencies.agency_rows(registry)}
    known = dict(registered)
    for report in reports:
        known.setdefault(report["agency"], {"agency": report["agency"]} | dict.fromkeys(agencies.SCHEMA.names[1:]))
    for row in registered.values():
        yield "agencies", None, row
    held_years = {r["year"] for r in reports}
    years = range(min(held_years), max(held_years) + 1) if held_years else ()
    entries = ledger.ledger(list(known.values()), reports, list(years), today)
    states = {(e["agency"], e["year"]): e["state"] for e in entries}  # before the rows give up their year
    for entry in entries:
        yield "ledger", entry.pop("year"), entry
    for row in sorted(reports, key=lambda r: (r["agency"], r["year"])):
        agency, year = row["agency"], row["year"]
        state = states.get((agency, year))
        late = None if state == ledger.State.WITHDRAWN else state == ledger.State.LATE
        held = facts.get((agency, year)) or {}
        card = {name: held.get(name) for name in _CARD} | {"late": late}
        card["grade"] = scorecard.grade(card)
        yield "scorecard", year, {"agency": agency, "version": row["content_version"]} | card
        yield "wide", year, _wide(known[agency], row, held, state, card)


def _wide(
    agency: Mapping[str, Any], row: Mapping[str, Any], facts: Mapping[str, Any], state: str | None, card: Mapping
) -> dict[str, Any]:
    """One report on one line: who, where, when, how good, and its main figures by readable name."""
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
        **{name: facts.get(name) for name, *_ in codebook.WIDE_FIGURES},
    }

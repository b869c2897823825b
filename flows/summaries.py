"""What a run found, per agency and per report year, rendered for people (markdown) and machines (JSON).

The same RunSummary feeds the Prefect artifact, the CLI's closing table and the `--json` line, so the
three never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Coverage(StrEnum):
    """Coverage of one agency × year cell."""

    FOUND = "found"
    MISSING = "missing"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


FOUND, MISSING, WITHDRAWN, FAILED = Coverage.FOUND, Coverage.MISSING, Coverage.WITHDRAWN, Coverage.FAILED
COVERAGE_MARKS = {FOUND: "✓", MISSING: "·", WITHDRAWN: "w", FAILED: "✗"}


@dataclass(frozen=True)
class ReportChange:
    """What a run did to one report: kind is new, changed, unchanged, linked, withdrawn or already_withdrawn."""

    year: int
    kind: str
    version: int
    diff: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class AgencyOutcome:
    """One agency's part of a run. `expected` counts the report years asked for."""

    agency: str
    expected: int
    found: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    failed: int = 0
    check_failures: int = 0
    raw_objects_written: int = 0
    coverage: dict[int, str] = field(default_factory=dict)
    failures: tuple[str, ...] = ()
    changes: tuple[ReportChange, ...] = ()


@dataclass(frozen=True)
class RunSummary:
    flow: str
    years: tuple[int, ...]
    agencies: tuple[AgencyOutcome, ...]

    def total(self, name: str) -> int:
        return sum(getattr(a, name) for a in self.agencies)

    def counts(self) -> dict[str, int]:
        """The `--json` line: the same keys for harvest, recrawl and reparse."""
        return {
            "reports_found": self.total("found"),
            "reports_new": self.total("new"),
            "reports_changed": self.total("changed"),
            "reports_unchanged": self.total("unchanged"),
            "reports_withdrawn": self.total("withdrawn"),
            "versions_created": self.total("new") + self.total("changed"),
            "raw_objects_written": self.total("raw_objects_written"),
            "failures": self.total("failed"),
        }

    def json_line(self) -> str:
        return json.dumps(self.counts(), sort_keys=False)


def merge(flow: str, years: Sequence[int], outcomes: Iterable[AgencyOutcome]) -> RunSummary:
    return RunSummary(flow=flow, years=tuple(years), agencies=tuple(sorted(outcomes, key=lambda a: a.agency)))


def render_markdown(summary: RunSummary) -> str:
    """The run's report: per-agency counts, failures, and coverage agency × year."""
    lines = [f"# {summary.flow}: {len(summary.agencies)} agencies, report years {_span(summary.years)}", ""]
    lines += _counts_table(summary)
    failures = [(a.agency, f) for a in summary.agencies for f in a.failures]
    lines += ["", f"## Failures ({len(failures)})", ""]
    lines += [f"- `{agency}`: {message}" for agency, message in failures] or ["none"]
    lines += ["", "## Coverage", ""]
    lines += _coverage_table(summary)
    lines += ["", "✓ found · missing w withdrawn ✗ failed"]
    return "\n".join(lines) + "\n"


def _counts_table(summary: RunSummary) -> list[str]:
    header = "| agency | expected | found | new | changed | unchanged | withdrawn | failed | check failures |"
    rows = [header, "|" + "---|" * 9]
    for a in summary.agencies:
        values = (a.expected, a.found, a.new, a.changed, a.unchanged, a.withdrawn, a.failed, a.check_failures)
        rows.append(f"| {a.agency} | " + " | ".join(str(v) for v in values) + " |")
    totals = [sum(a.expected for a in summary.agencies)] + [
        summary.total(n) for n in ("found", "new", "changed", "unchanged", "withdrawn", "failed", "check_failures")
    ]
    rows.append("| **total** | " + " | ".join(f"**{v}**" for v in totals) + " |")
    return rows


def _coverage_table(summary: RunSummary) -> list[str]:
    rows = ["| agency | " + " | ".join(str(y) for y in summary.years) + " |", "|" + "---|" * (len(summary.years) + 1)]
    for a in summary.agencies:
        marks = [COVERAGE_MARKS[a.coverage.get(y, MISSING)] for y in summary.years]
        rows.append(f"| {a.agency} | " + " | ".join(marks) + " |")
    return rows


def render_table(summary: RunSummary) -> str:
    """The CLI's closing table: the markdown's content laid out in fixed-width columns."""
    names = ("expected", "found", "new", "changed", "unchanged", "withdrawn", "failed", "checks✗")
    width = max([len("agency"), len("total")] + [len(a.agency) for a in summary.agencies])
    out = [f"{summary.flow}: {len(summary.agencies)} agencies, report years {_span(summary.years)}"]
    out.append(f"{'agency':<{width}}  " + " ".join(f"{n:>9}" for n in names) + "  " + _years_header(summary))
    for a in summary.agencies:
        values = (a.expected, a.found, a.new, a.changed, a.unchanged, a.withdrawn, a.failed, a.check_failures)
        marks = "".join(COVERAGE_MARKS[a.coverage.get(y, MISSING)] for y in summary.years)
        out.append(f"{a.agency:<{width}}  " + " ".join(f"{v:>9}" for v in values) + "  " + marks)
    totals = [sum(a.expected for a in summary.agencies)] + [
        summary.total(n) for n in ("found", "new", "changed", "unchanged", "withdrawn", "failed", "check_failures")
    ]
    out.append(f"{'total':<{width}}  " + " ".join(f"{v:>9}" for v in totals))
    for a in summary.agencies:
        out += [f"failed {a.agency}: {message}" for message in a.failures]
    out.append("coverage: ✓ found · missing w withdrawn ✗ failed")
    return "\n".join(out) + "\n"


def _years_header(summary: RunSummary) -> str:
    return f"{summary.years[0]}–{summary.years[-1]}" if summary.years else ""


def _span(years: Sequence[int]) -> str:
    if not years:
        return "none"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"

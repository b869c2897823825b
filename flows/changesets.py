"""The changeset a recrawl ends with: reports added, changed (cell by cell), unchanged, withdrawn, failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nianbao.flows.summaries import AgencyOutcome, ReportChange

KEPT = ("unchanged", "linked")
GONE = ("withdrawn", "already_withdrawn")


@dataclass(frozen=True)
class Changeset:
    agency: str
    added: tuple[ReportChange, ...]
    changed: tuple[ReportChange, ...]
    unchanged: tuple[ReportChange, ...]
    withdrawn: tuple[ReportChange, ...]
    failed: tuple[str, ...]

    @classmethod
    def of(cls, outcome: AgencyOutcome) -> Changeset:
        def kinds(*names: str) -> tuple[ReportChange, ...]:
            return tuple(c for c in outcome.changes if c.kind in names)

        return cls(
            agency=outcome.agency,
            added=kinds("new"),
            changed=kinds("changed"),
            unchanged=kinds(*KEPT),
            withdrawn=kinds("withdrawn"),
            failed=outcome.failures,
        )


def render_changeset_text(changeset: Changeset) -> str:
    """For the terminal: one line per report, one indented line per changed field or cell."""
    out = [f"changeset for {changeset.agency}:"]
    out += [f"  added      {c.year} (version {c.version})" for c in changeset.added]
    for change in changeset.changed:
        out.append(f"  changed    {change.year} (version {change.version}, {len(change.diff)} fields)")
        out += [f"               {d['path']}: {_value(d.get('old'))} → {_value(d.get('new'))}" for d in change.diff]
    if changeset.unchanged:
        out.append("  unchanged  " + ", ".join(str(c.year) for c in changeset.unchanged))
    out += [f"  withdrawn  {c.year} (version {c.version})" for c in changeset.withdrawn]
    out += [f"  failed     {message}" for message in changeset.failed]
    if len(out) == 1:
        out.append("  nothing found")
    return "\n".join(out) + "\n"


def render_changeset_markdown(changeset: Changeset) -> str:
    lines = [f"# Changeset: {changeset.agency}", ""]
    lines += [
        f"- added: {', '.join(str(c.year) for c in changeset.added) or 'none'}",
        f"- changed: {', '.join(str(c.year) for c in changeset.changed) or 'none'}",
        f"- unchanged: {', '.join(str(c.year) for c in changeset.unchanged) or 'none'}",
        f"- withdrawn: {', '.join(str(c.year) for c in changeset.withdrawn) or 'none'}",
        f"- failed: {len(changeset.failed)}",
    ]
    for change in changeset.changed:
        lines += ["", f"## {change.year}: version {change.version}", "", "| field | before | after |", "|---|---|---|"]
        lines += [f"| `{d['path']}` | {_value(d.get('old'))} | {_value(d.get('new'))} |" for d in change.diff]
    if changeset.failed:
        lines += ["", "## Failed", ""] + [f"- {m}" for m in changeset.failed]
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if value is None:
        return "blank"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "…"

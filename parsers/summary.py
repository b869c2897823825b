"""A report record as a few readable lines, for `nianbao parse FILE` without --json."""

from __future__ import annotations

from collections import Counter

from nianbao.parsers.record import ReportRecord, Table


def render_summary(record: ReportRecord) -> str:
    lines = [
        f"title:      {record.title or '(none)'}",
        f"agency:     {record.agency or '(unknown)'}",
        f"year:       {record.year or '(unknown)'}",
        f"template:   {record.template} ({record.rendering})",
        f"published:  {record.publish_date or '(unknown)'}",
        f"sections:   {len(record.sections)}"
        + "".join(f"\n  {s.heading or '(preamble)'} — {len(s.text)} chars" for s in record.sections),
        "tables:",
    ]
    for key, table in record.tables().items():
        lines.append(f"  {key}: {_table_line(table)}")
    counts = Counter("n/a" if c.passed is None else "passed" if c.passed else "failed" for c in record.checks)
    lines.append(f"checks:     {counts['passed']} passed, {counts['failed']} failed, {counts['n/a']} not applicable")
    lines.extend(f"  FAILED {c.rule} {c.scope}: {c.detail}" for c in record.checks if c.passed is False)
    lines.append(f"warnings:   {len(record.warnings)}")
    lines.extend(f"  {w.code}: {w.message}" for w in record.warnings)
    return "\n".join(lines) + "\n"


def _table_line(table: Table | None) -> str:
    if table is None:
        return "missing"
    cells = [v for row in table.values() for v in row.values()]
    blank = sum(v is None for v in cells)
    return f"{len(table)} rows, {len(cells)} cells ({blank} blank)"

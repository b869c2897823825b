"""The codebook: every table, row and column key of the report templates, with its printed label and unit.

Generated from parsers/templates.py (the one source of the keys) and shipped with every export as
`codebook.csv`. One line per cell key (table, row, column) that some template has; `templates` lists
which. `row_group` is the printed heading a row sits under (（三）不予公开 …), `wide_column` the
column of the wide table that carries this cell, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from nianbao.parsers.templates import TEMPLATES, ColumnSpec, RowSpec, TableSpec

# Where the template prints a row under a group heading, by the row key's prefix.
ROW_GROUPS = (
    ("withheld_", "（三）不予公开"),
    ("unavailable_", "（四）无法提供"),
    ("not_processed_", "（五）不予处理"),
    ("other_", "（六）其他处理"),
    ("granted", "三、本年度办理结果"),
    ("partially_granted", "三、本年度办理结果"),
)
COLUMN_GROUPS = {
    "commercial_enterprise": "法人或其他组织",
    "research_institution": "法人或其他组织",
    "social_welfare_org": "法人或其他组织",
    "legal_service_org": "法人或其他组织",
    "other_org": "法人或其他组织",
}
UNITS = {"amount_wan_yuan": "万元", "projects": "个", "change": "项"}
DEFAULT_UNIT = "件"

# The wide table's figures: (column name, table, row, column), readable names for the main cells.
WIDE_FIGURES = (
    ("rules_issued", "active_disclosure", "rules", "issued"),
    ("rules_in_force", "active_disclosure", "rules", "in_force"),
    ("normative_documents_issued", "active_disclosure", "normative_documents", "issued"),
    ("normative_documents_in_force", "active_disclosure", "normative_documents", "in_force"),
    ("licensing_decisions", "active_disclosure", "licensing", "decisions"),
    ("penalty_decisions", "active_disclosure", "penalties", "decisions"),
    ("coercion_decisions", "active_disclosure", "coercion", "decisions"),
    ("applications_received", "applications", "new_received", "total"),
    ("applications_received_natural_persons", "applications", "new_received", "natural_person"),
    ("applications_carried_over", "applications", "carried_over", "total"),
    ("applications_granted", "applications", "granted", "total"),
    ("applications_partially_granted", "applications", "partially_granted", "total"),
    ("applications_processed", "applications", "total_processed", "total"),
    ("applications_carried_forward", "applications", "carried_forward", "total"),
    ("reviews", "review_litigation", "review", "total"),
    ("reviews_corrected", "review_litigation", "review", "corrected"),
    ("lawsuits_direct", "review_litigation", "litigation_direct", "total"),
    ("lawsuits_after_review", "review_litigation", "litigation_after_review", "total"),
)
WIDE_BY_CELL = {(table, row, column): name for name, table, row, column in WIDE_FIGURES}

SCHEMA = pa.schema(
    [
        ("table", pa.string()),
        ("table_label", pa.string()),
        ("row", pa.string()),
        ("row_group", pa.string()),
        ("row_label", pa.string()),
        ("column", pa.string()),
        ("column_group", pa.string()),
        ("column_label", pa.string()),
        ("unit", pa.string()),
        ("templates", pa.string()),
        ("wide_column", pa.string()),
    ]
)


@dataclass(frozen=True)
class Entry:
    table: TableSpec
    row: RowSpec
    column: ColumnSpec


def entries() -> list[dict[str, str | None]]:
    """One codebook line per (table, row, column) key, in template order, 2019 keys first."""
    lines: dict[tuple[str, str, str], dict[str, str | None]] = {}
    for name, template in TEMPLATES.items():
        for table in template.tables:
            columns = {c.key: c for c in table.columns}
            for row in table.rows:
                for column in row.columns:
                    key = (table.key, row.key, column)
                    line = lines.setdefault(key, _line(table, row, columns[column]))
                    line["templates"] = ";".join(filter(None, [line["templates"], name]))
                    _add_label(line, "row_label", row.labels[0])  # the 2021 template reworded a few
                    _add_label(line, "column_label", columns[column].labels[0])
    return list(lines.values())


def _add_label(line: dict[str, str | None], field: str, label: str) -> None:
    if label not in (line[field] or "").split(" / "):
        line[field] = f"{line[field]} / {label}"


def _line(table: TableSpec, row: RowSpec, column: ColumnSpec) -> dict[str, str | None]:
    group = next((label for prefix, label in ROW_GROUPS if row.key.startswith(prefix)), None)
    if table.key == "review_litigation":
        group = "行政复议" if row.key == "review" else "行政诉讼"
    return {
        "table": table.key,
        "table_label": table.heading,
        "row": row.key,
        "row_group": group,
        "row_label": row.labels[0],
        "column": column.key,
        "column_group": COLUMN_GROUPS.get(column.key) if table.key == "applications" else None,
        "column_label": column.labels[0],
        "unit": UNITS.get(column.key, DEFAULT_UNIT),
        "templates": "",
        "wide_column": WIDE_BY_CELL.get((table.key, row.key, column.key)),
    }


def codebook_table() -> pa.Table:
    return pa.Table.from_pylist(entries(), schema=SCHEMA)

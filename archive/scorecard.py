"""The scorecard: one data-quality grade per report, from its record and its ledger state.

Counted per report (its latest content version): checks passed / failed / not applicable (R1–R7,
R5 and R6 against the year before), tables of its template missing, cells whose value was inferred
or read by OCR (the record's `provenance`, when the parser filled it), warnings, and lateness.

Grades, worst first (the first that applies):
- `D`: the template is unknown, or a table of the 2019/2021 template is missing;
- `C`: a hard rule (R1–R4) failed, or a cell was read by OCR;
- `B`: a soft rule (R5–R7) failed, a cell was inferred, the parser warned, or the report was late;
- `A`: none of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

HARD_RULES = ("R1", "R2", "R3", "R4")
TEMPLATED = ("2019", "2021")
TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")

SCHEMA = pa.schema(
    [
        ("agency", pa.string()),
        ("version", pa.int32()),
        ("template", pa.string()),
        ("grade", pa.string()),
        ("checks_passed", pa.int32()),
        ("checks_failed", pa.int32()),
        ("checks_not_applicable", pa.int32()),
        ("hard_failed", pa.int32()),
        ("tables_missing", pa.int32()),
        ("cells", pa.int32()),
        ("cells_inferred", pa.int32()),
        ("cells_ocr", pa.int32()),
        ("warnings", pa.int32()),
        ("late", pa.bool_()),
    ]
)


def score(record: Mapping[str, Any], checks: Sequence[Mapping[str, Any]], late: bool | None) -> dict[str, Any]:
    """The scorecard columns of one record (as ReportRecord.to_dict()) with all its checks."""
    template = record.get("template")
    methods = [p.get("method") for p in record.get("provenance") or ()]
    failed = [c for c in checks if c.get("passed") is False]
    hard = sum(c["rule"] in HARD_RULES for c in failed)
    missing = sum(record.get(t) is None for t in TABLE_KEYS) if template in TEMPLATED else 0
    cells = sum(len(cols) for t in TABLE_KEYS for cols in (record.get(t) or {}).values())
    counts = {
        "template": template,
        "checks_passed": sum(c.get("passed") is True for c in checks),
        "checks_failed": len(failed),
        "checks_not_applicable": sum(c.get("passed") is None for c in checks),
        "hard_failed": hard,
        "tables_missing": missing,
        "cells": cells,
        "cells_inferred": methods.count("inferred"),
        "cells_ocr": methods.count("ocr"),
        "warnings": len(record.get("warnings") or ()),
        "late": late,
    }
    return counts | {"grade": grade(counts)}


def grade(counts: Mapping[str, Any]) -> str:
    if counts["template"] not in (*TEMPLATED, "legacy") or counts["tables_missing"]:
        return "D"
    if counts["hard_failed"] or counts["cells_ocr"]:
        return "C"
    if counts["checks_failed"] or counts["cells_inferred"] or counts["warnings"] or counts["late"]:
        return "B"
    return "A"

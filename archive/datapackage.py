"""A Frictionless Data Package descriptor (datapackage.json) for the files an export wrote.

Written by hand: the descriptor is a small JSON document, and the frictionless library would bring
a large dependency tree for what is a dozen lines of mapping Arrow types to Table Schema types.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

NAME = "datapackage.json"
PROFILE = "tabular-data-package"
MEDIA_TYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DESCRIPTIONS = {
    "reports": "One row per report (agency, year): its current state and the record of its content version.",
    "versions": "Every version of every report: content versions and withdrawals, with what changed.",
    "captures": "Every fetch the crawler stored, linked to the reports it belongs to.",
    "cells": "Every table value of every version, by table/row/column key (see codebook.csv).",
    "checks": "Consistency rules R1-R7 per version; R5/R6 compare a report with the year before.",
    "agencies": "The registry's agencies with level, parent and GB/T 2260 region names.",
    "ledger": "Per registry agency and report year: found, late, missing, withdrawn or not_due.",
    "scorecard": "Per report: checks, tables missing, inferred/OCR cells, warnings, lateness and a grade A-D.",
    "wide": "One row per report: who, where, when, grade and the main figures of tables 2-4.",
    "codebook": "Every table/row/column key with its label as printed in the template, unit and templates.",
}


def field_type(kind: pa.DataType) -> str:
    """The Table Schema type of an Arrow type, as exported (lists as JSON text, timestamps as ISO text)."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind):
        return "number"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "datetime"
    if pa.types.is_list(kind):
        return "array"
    return "string"


def describe(out: Path, fmt: str, written: Sequence[tuple[str, Path, pa.Schema]]) -> dict[str, Any]:
    """The descriptor of `written` (table name, file, Arrow schema); paths relative to `out`."""
    resources = []
    for name, path, schema in written:
        kind = "csv" if path.suffix == ".csv" else fmt
        resource: dict[str, Any] = {
            "name": name,
            "path": path.relative_to(out).as_posix(),
            "format": kind,
            "mediatype": MEDIA_TYPES[kind],
            "description": DESCRIPTIONS.get(name, ""),
            "schema": {"fields": [{"name": f.name, "type": field_type(f.type)} for f in schema]},
        }
        if kind == "csv":
            resource["encoding"] = "utf-8-sig"
        if kind == "xlsx":
            resource["dialect"] = {"sheet": name}
        resources.append(resource)
    return {"profile": PROFILE, "name": "nianbao-catalog", "resources": resources}

"""The catalog as one SQLite file for Datasette: every table, the codebook, descriptions, facets, queries.

Built with sqlite-utils from the catalog's Arrow tables (lists as JSON text, timestamps as ISO text).
`metadata()` is Datasette's metadata: table descriptions, column descriptions of the wide table and
of the codebook taken from the codebook, facets on region, level, year and grade, and canned queries
(coverage, late publishers, failing checks, trends).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from nianbao.archive import codebook, datapackage
from nianbao.archive.catalog import TABLES
from nianbao.archive.export import flat_table
from nianbao.archive.reader import Catalog

DATABASE = "nianbao"
_BATCH = 5_000
FACETS = {
    "wide": ["province", "level", "year", "grade"],
    "ledger": ["state", "level", "year"],
    "scorecard": ["grade", "year"],
    "reports": ["state", "level", "year", "template"],
    "agencies": ["province", "level"],
}
INDEXES = (("reports", ["agency", "year"]), ("checks", ["agency", "year"]), ("cells", ["row", "column"]))
QUERIES = {
    "coverage": {
        "title": "Coverage: reports found, late, missing, withdrawn per year",
        "sql": "select year, state, count(*) as agencies from ledger group by year, state order by year, state",
    },
    "late_publishers": {
        "title": "Late publishers: reports first published after the statutory deadline",
        "sql": "select agency, agency_name, level, region_code, year, deadline, published, basis, days_late "
        "from ledger where state = 'late' order by days_late desc",
    },
    "failing_checks": {
        "title": "Failing checks of current reports",
        "sql": "select c.agency, r.agency_name, c.year, c.rule, c.scope, c.detail from checks c "
        "join reports r on r.agency = c.agency and r.year = c.year "
        "where c.is_current and c.passed = 0 order by c.rule, c.agency, c.year",
    },
    "trends": {
        "title": "National trends: applications received, granted and processed per year",
        "sql": "select year, count(*) as reports, sum(applications_received) as received, "
        "sum(applications_granted) as granted, sum(applications_processed) as processed, "
        "round(1.0 * sum(applications_granted) / sum(applications_processed), 3) as share_granted "
        "from wide group by year order by year",
    },
}


def build(catalog: Catalog, path: Path) -> dict[str, int]:
    """Write the catalog (and the codebook) into a fresh SQLite file at `path`; rows per table."""
    import sqlite_utils

    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    rows = {}
    catalog = catalog.snapshot()  # every table from the same publish
    for name in TABLES:
        table = flat_table(catalog.dataset(name).to_table())
        db[name].create(_columns(table), if_not_exists=True)  # an empty table keeps its columns
        db[name].insert_all(_rows(table), batch_size=_BATCH)
        rows[name] = table.num_rows
    db["codebook"].insert_all(codebook.entries(), pk=("table", "row", "column"))
    rows["codebook"] = db["codebook"].count
    for name, columns in INDEXES:
        db[name].create_index(columns, if_not_exists=True)
    return rows


def metadata() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name in (*TABLES, "codebook"):
        tables[name] = {"description": datapackage.DESCRIPTIONS.get(name, "")}
        if name in FACETS:
            tables[name]["facets"] = FACETS[name]
    tables["wide"]["columns"] = {e["wide_column"]: _label(e) for e in codebook.entries() if e["wide_column"]}
    tables["cells"]["columns"] = {"row": "row key (codebook.row)", "column": "column key (codebook.column)"}
    return {
        "title": "nianbao: government information-disclosure annual reports",
        "databases": {DATABASE: {"tables": tables, "queries": QUERIES}},
    }


def _label(entry: dict[str, Any]) -> str:
    return f"{entry['table_label']} · {entry['row_label']} · {entry['column_label']} ({entry['unit']})"


def _columns(table: pa.Table) -> dict[str, type]:
    """SQLite column types, so that an empty table still has its columns."""
    kinds = {}
    for field in table.schema:
        if pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
            kinds[field.name] = int
        elif pa.types.is_floating(field.type):
            kinds[field.name] = float
        else:
            kinds[field.name] = str
    return kinds


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    for batch in table.to_batches(_BATCH):
        for row in batch.to_pylist():
            yield {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}

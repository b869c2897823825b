"""Catalog tables as files for people: Parquet, CSV (UTF-8 with BOM, for Excel) or xlsx."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from nianbao.archive import codebook, datapackage, workbook
from nianbao.archive.analysis import YEARLESS
from nianbao.archive.catalog import TABLES
from nianbao.archive.errors import ArchiveError, StoreUnavailable
from nianbao.archive.reader import Catalog

FORMATS = ("parquet", "csv", "xlsx")
WORKBOOK = "nianbao.xlsx"
CODEBOOK = "codebook.csv"


def export_tables(
    catalog: Catalog,
    out: Path,
    fmt: str,
    years: Sequence[int] | None = None,
    agencies: Sequence[str] | None = None,
) -> Iterator[tuple[Path, int]]:
    """Write every catalog table into `out`; yield each path written and its row count.

    Parquet and CSV: `<table>.<fmt>` per table; xlsx: one workbook `nianbao.xlsx`, a sheet per table.
    Every export also gets `codebook.csv` (the template keys and labels) and a Frictionless
    `datapackage.json` describing the files. An agency the catalog has no report of is an error (a
    typo must not give empty files).
    """
    if fmt not in FORMATS:
        raise ArchiveError(f"unknown export format {fmt!r}; expected {', '.join(FORMATS)}")
    catalog = catalog.snapshot()  # every table from the same publish
    _known(catalog, agencies)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot create output directory {out}: {exc.strerror}") from exc
    tables = {name: _read(catalog, name, years, agencies) for name in TABLES}
    written: list[tuple[str, Path, pa.Schema]] = []
    try:
        if fmt == "xlsx":
            path = out / WORKBOOK
            workbook.write(path, {name: flat_table(table) for name, table in tables.items()})
            written += [(name, path, table.schema) for name, table in tables.items()]
            yield path, sum(t.num_rows for t in tables.values())
        else:
            for name, table in tables.items():
                path = out / f"{name}.{fmt}"
                if fmt == "parquet":
                    pq.write_table(table, path, compression="zstd")
                else:
                    flat_table(table).to_pandas().to_csv(path, index=False, encoding="utf-8-sig")
                written.append((name, path, table.schema))
                yield path, table.num_rows
        codes = codebook.codebook_table()
        codes.to_pandas().to_csv(out / CODEBOOK, index=False, encoding="utf-8-sig")
        yield out / CODEBOOK, codes.num_rows
        descriptor = datapackage.describe(out, fmt, [*written, ("codebook", out / CODEBOOK, codes.schema)])
        (out / datapackage.NAME).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
        yield out / datapackage.NAME, len(descriptor["resources"])
    except OSError as exc:
        raise StoreUnavailable(f"cannot write into {out}: {exc.strerror or exc}") from exc


def _read(catalog: Catalog, name: str, years: Sequence[int] | None, agencies: Sequence[str] | None) -> pa.Table:
    try:
        return catalog.dataset(name).to_table(filter=_selection(name, years, agencies))
    except OSError as exc:
        raise StoreUnavailable(f"cannot read catalog table {name!r} of {catalog.store.url}: {exc}") from exc


def _known(catalog: Catalog, agencies: Sequence[str] | None) -> None:
    if not agencies:
        return
    held = set(catalog.dataset("reports").to_table(columns=["agency"]).column("agency").to_pylist())
    unknown = sorted(set(agencies) - held)
    if unknown:
        raise ArchiveError(f"the catalog of {catalog.store.url} has no report of agency {', '.join(unknown)}")


def _selection(table: str, years: Sequence[int] | None, agencies: Sequence[str] | None) -> ds.Expression | None:
    condition = None
    if years and table not in YEARLESS:
        condition = ds.field("year").isin(list(years))
    if agencies:
        by_agency = ds.field("report_agency" if table == "captures" else "agency").isin(list(agencies))
        condition = by_agency if condition is None else condition & by_agency
    return condition


def flat_table(table: pa.Table) -> pa.Table:
    """Lists as JSON text and timestamps as ISO text: what CSV and Excel cells can hold."""
    for index, field in enumerate(table.schema):
        column = table.column(index)
        if pa.types.is_list(field.type):
            text = pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in column.to_pylist()])
            table = table.set_column(index, field.name, text)
        elif pa.types.is_timestamp(field.type):
            table = table.set_column(index, field.name, pc.strftime(column, "%Y-%m-%dT%H:%M:%SZ"))
    return table

"""Catalog tables as files for people: Parquet, CSV (UTF-8 with BOM, for Excel) or xlsx."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from nianbao.archive.analysis import YEARLESS
from nianbao.archive.catalog import TABLES
from nianbao.archive.errors import ArchiveError, StoreUnavailable
from nianbao.archive.reader import Catalog

EXCEL_ROWS = 1_048_575  # one sheet, less its header row


def export_tables(
    catalog: Catalog,
    out: Path,
    fmt: str,
    years: Sequence[int] | None = None,
    agencies: Sequence[str] | None = None,
) -> Iterator[tuple[Path, int]]:
    """Write `<out>/<table>.<fmt>` for every catalog table; yield each path and its row count.

    An agency the catalog has no report of is an error (a typo must not give empty files).
    """
    _known(catalog, agencies)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot create output directory {out}: {exc.strerror}") from exc
    for name in TABLES:
        try:
            table = catalog.dataset(name).to_table(filter=_selection(name, years, agencies))
        except OSError as exc:
            raise StoreUnavailable(f"cannot read catalog table {name!r} of {catalog.store.url}: {exc}") from exc
        path = out / f"{name}.{fmt}"
        try:
            if fmt == "parquet":
                pq.write_table(table, path, compression="zstd")
            elif fmt == "csv":
                _flat(table).to_pandas().to_csv(path, index=False, encoding="utf-8-sig")
            elif fmt == "xlsx":
                if table.num_rows > EXCEL_ROWS:
                    raise ArchiveError(
                        f"{name} has {table.num_rows} rows, more than an Excel sheet holds; "
                        "narrow it with --year/--agency or export csv/parquet"
                    )
                _flat(table).to_pandas().to_excel(path, index=False, sheet_name=name)
            else:
                raise ArchiveError(f"unknown export format {fmt!r}; expected parquet, csv or xlsx")
        except OSError as exc:
            raise StoreUnavailable(f"cannot write {path}: {exc.strerror or exc}") from exc
        yield path, table.num_rows


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


def _flat(table: pa.Table) -> pa.Table:
    """Lists as JSON text and timestamps as ISO text: what CSV and Excel cells can hold."""
    for index, field in enumerate(table.schema):
        column = table.column(index)
        if pa.types.is_list(field.type):
            text = pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in column.to_pylist()])
            table = table.set_column(index, field.name, text)
        elif pa.types.is_timestamp(field.type):
            table = table.set_column(index, field.name, pc.strftime(column, "%Y-%m-%dT%H:%M:%SZ"))
    return table

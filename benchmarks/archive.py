"""Catalog benchmark: a cross-agency aggregation over a generated archive of 100,000 reports.

Synthetic versions go straight into Parquet through the catalog's own writer (archive.catalog.
CatalogWriter), then "applications received, by province and report year" is computed with DuckDB
on the Parquet files and, as the baseline in the same run, with pandas on the same files.

    python -m benchmarks.archive [--reports 100000] [--dir /tmp/catalog-bench]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from nianbao import archive
from nianbao.archive.catalog import CatalogWriter, publish_written
from nianbao.archive.reports import CaptureLink, Role, Version, VersionKind
from nianbao.parsers.record import ReportRecord, Section
from nianbao.parsers.templates import TEMPLATE_2019, TEMPLATE_2021

PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61)
PROVINCES += (62, 63, 64, 65)
YEARS = range(2019, 2025)

QUERY = """
select left(r.region_code, 2) as province, c.year, sum(c.value) as applications, count(*) as reports
from cells c join reports r on r.agency = c.agency and r.year = c.year
where c.is_current and c."table" = 'applications' and c."row" = 'new_received' and c."column" = 'total'
group by 1, 2 order by 1, 2
"""


def synthetic_versions(count: int, seed: int = 2024):
    """`count` reports (agency, year), one content version each, with full tables 3 and 4."""
    rng = random.Random(seed)
    for index in range(count):
        agency_no, year = divmod(index, len(YEARS))
        year = YEARS[year]
        template = TEMPLATE_2019 if year < 2021 else TEMPLATE_2021
        province = PROVINCES[agency_no % len(PROVINCES)]
        agency = f"agency-{agency_no:06d}"
        tables = {
            spec.key: {row.key: {col: rng.randint(0, 50) for col in row.columns} for row in spec.rows}
            for spec in template.tables
        }
        record = ReportRecord(
            agency=f"第{agency_no}局",
            year=year,
            title=f"第{agency_no}局{year}年政府信息公开工作年度报告",
            template=template.name,
            rendering="html",
            publish_date=f"{year + 1}-01-20",
            sections=(Section("一、总体情况", "本年度主动公开政府信息。"),),
            **tables,
        )
        seen = f"{year + 1}-01-2{index % 8}T08:00:00Z"
        url = f"https://{agency}.gov.cn/{year}.html"
        link = CaptureLink(
            f"captures/{agency}/{year + 1}/{index:064x}.json", agency, url, seen, f"{index:064x}", 200, Role.PAGE
        )
        yield Version(
            agency=agency,
            year=year,
            number=1,
            kind=VersionKind.CONTENT,
            first_seen=seen,
            content_hash=f"{index:064x}",
            record=record,
            captures=(link,),
            extra={"region_code": f"{province}{agency_no % 10000:04d}"},
        )


def size_on_disk(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def pandas_baseline(catalog: archive.Catalog):
    def read(table: str, columns: list[str]):
        return catalog.dataset(table).to_table(columns=columns).to_pandas()

    cells = read("cells", ["agency", "year", "is_current", "table", "row", "column", "value"])
    cells = cells[
        cells.is_current & (cells.table == "applications") & (cells.row == "new_received") & (cells.column == "total")
    ]
    reports = read("reports", ["agency", "year", "region_code"])
    joined = cells.merge(reports, on=["agency", "year"])
    joined["province"] = joined.region_code.str[:2]
    return (
        joined.groupby(["province", "year"]).agg(applications=("value", "sum"), reports=("value", "size")).reset_index()
    )


def _timed(label: str, con: duckdb.DuckDBPyConnection) -> list[tuple]:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = con.sql(QUERY).fetchall()
        timings.append(time.perf_counter() - started)
    print(f"{label}: best {min(timings) * 1000:.0f} ms of 3, {len(result)} rows (province x year)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="where to build the catalog (default: a temporary directory)")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="nianbao-catalog-bench-"))
    try:
        started = time.perf_counter()
        writer = CatalogWriter()
        for version in synthetic_versions(args.reports):
            writer.add_report([version])
        rows = publish_written(archive.connect(root.as_posix()).store, writer)
        writer.cleanup()
        built = time.perf_counter() - started
        print(f"catalog: {args.reports:,} reports written in {built:.1f} s; rows: {rows}")
        print(f"catalog size on disk: {size_on_disk(root / 'catalog') / 1e6:.1f} MB ({root / 'catalog'})")

        catalog = archive.open(root.as_posix())
        result = _timed("duckdb on the Parquet files (archive.open(url).duckdb(), local)", catalog.duckdb())
        arrow = duckdb.connect()
        for table in ("reports", "cells"):
            arrow.register(table, catalog.dataset(table))
        arrow_result = _timed("duckdb over pyarrow datasets (the S3 read path)", arrow)

        started = time.perf_counter()
        baseline = pandas_baseline(catalog)
        elapsed = time.perf_counter() - started
        print(f"baseline pandas (pyarrow read + merge + groupby): {elapsed * 1000:.0f} ms, {len(baseline)} rows")
        totals = (sum(r[2] for r in result), int(baseline.applications.sum()), sum(r[2] for r in arrow_result))
        if len({int(t) for t in totals}) != 1:
            raise SystemExit(f"the three answers disagree: {totals}")
        print(f"all three agree: {int(totals[0]):,} applications received in total")
    finally:
        if args.dir is None:
            shutil.rmtree(root)


if __name__ == "__main__":
    main()

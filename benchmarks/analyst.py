"""Analyst tables benchmark: what deriving agencies/ledger/scorecard/wide adds to a catalog build, and
"applications per agency per year and share granted" from the wide table against the cells pivot.

The baseline of each measure runs in the same process: a catalog build whose analyst tables are
switched off, and the same question answered by DuckDB from the long `cells` table.

    python -m benchmarks.analyst [--reports 20000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.archive import synthetic_versions
from nianbao import archive
from nianbao.archive.analysis import ReportFacts
from nianbao.archive.catalog import CatalogWriter, publish_written

WIDE = """
select agency, year, applications_received, applications_granted / applications_processed as share_granted
from wide order by agency, year
"""
CELLS = """
select agency, year,
  sum(value) filter (where "row" = 'new_received') as applications_received,
  sum(value) filter (where "row" = 'granted') / sum(value) filter (where "row" = 'total_processed') as share_granted
from cells
where is_current and "table" = 'applications' and "column" = 'total'
  and "row" in ('new_received', 'granted', 'total_processed')
group by agency, year order by agency, year
"""


class _Off(ReportFacts):
    """No cross-year checks (and, with derived=False, no derived tables): the catalog as it was before them."""

    def cross_year(self, agency, record):  # type: ignore[no-untyped-def]
        return []


def build(root: Path, reports: int, facts: ReportFacts, derived: bool) -> float:
    started = time.perf_counter()
    writer = CatalogWriter(facts)
    for version in synthetic_versions(reports):
        writer.add_report([version])
    publish_written(archive.connect(root.as_posix()).store, writer, derived=derived)
    writer.cleanup()
    return time.perf_counter() - started


def best(con, sql: str) -> tuple[float, list]:  # type: ignore[no-untyped-def]
    timings, result = [], []
    for _ in range(3):
        started = time.perf_counter()
        result = con.sql(sql).fetchall()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=20_000)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="nianbao-analyst-bench-"))
    try:
        off = build(base / "off", args.reports, _Off([]), derived=False)
        on = build(base / "on", args.reports, ReportFacts([]), derived=True)
        print(f"baseline catalog build without analyst tables: {off:.1f} s for {args.reports:,} reports")
        print(f"catalog build with agencies/ledger/scorecard/wide and R5/R6: {on:.1f} s ({on / off:.2f}x)")
        con = archive.open((base / "on").as_posix()).duckdb()
        cells_time, from_cells = best(con, CELLS)
        wide_time, from_wide = best(con, WIDE)
        print(
            f"baseline share granted from the cells pivot: best {cells_time * 1000:.0f} ms of 3, {len(from_cells)} rows"
        )
        print(f"share granted from the wide table: best {wide_time * 1000:.0f} ms of 3, {len(from_wide)} rows")
        if [r[:3] for r in from_cells] != [r[:3] for r in from_wide]:
            raise SystemExit("the wide table and the cells pivot disagree")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

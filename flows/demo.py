"""`nianbao demo`: a simulated government web, harvested by the real flows into a local archive.

Everything runs on this machine: the web on loopback, the crawler in a subprocess, Prefect in its
temporary local mode, the archive in a directory. It ends with the summary, where things are, and
one analyst query over the catalog.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

YEARS = (2021, 2024)
DELAY = 0.05  # the simulated web is ours: no need for AutoThrottle's politeness
# A few cheap faults, so the demo shows them handled without waiting on slow pages.
FAULTS = "robots,non_reports,soft_404"
QUERY = """\
SELECT year,
       count(DISTINCT agency)          AS agencies,
       sum(value)::BIGINT              AS applications_received
FROM cells
WHERE is_current AND "table" = 'applications' AND "row" = 'new_received' AND "column" = 'total'
GROUP BY year
ORDER BY year"""


def run_demo(agencies: int, seed: int, directory: Path) -> int:
    from nianbao.flows.harvest import harvest
    from nianbao.flows.summaries import render_table
    from nianbao.simweb import Faults, SimWeb

    started = time.perf_counter()
    directory = directory.resolve()
    say(f"starting a simulated government web: {agencies} agencies, report years {YEARS[0]}–{YEARS[1]}")
    with SimWeb(seed=seed, agencies=agencies, years=YEARS, faults=Faults.parse(FAULTS)) as web:
        with tempfile.TemporaryDirectory(prefix="nianbao-demo-") as scratch:
            registry = Path(scratch) / "registry.yaml"
            web.write_registry(registry)
            say(f"harvesting it into {directory} (Prefect starts a temporary local server first)")
            summary = harvest(
                registry=str(registry),
                archive_url=str(directory),
                years=list(range(YEARS[0], YEARS[1] + 1)),
                download_delay=DELAY,
            )
        truth = len(web.manifest["reports"])
    out = sys.stdout
    out.write("\n" + render_table(summary))
    out.write(f"\nthe simulated web published {truth} reports; the harvest found {summary.counts()['reports_found']}\n")
    out.write(f"archive: {directory}  (raw/ captures/ reports/: every fetched body, visit and version)\n")
    out.write(f"catalog: {directory / 'catalog'}  (Parquet: reports, versions, captures, cells, checks,")
    out.write(" agencies, ledger, scorecard, wide)\n")
    out.write(f"\none analyst query (DuckDB over the catalog):\n\n{QUERY}\n\n")
    out.write(query(str(directory)) + "\n")
    out.write(f"\nfrom Python: from nianbao import archive; archive.open({str(directory)!r}).duckdb().sql(QUERY)\n")
    out.write(f"look at it: nianbao ledger --archive {directory}; nianbao browse --archive {directory}; ")
    out.write(f"nianbao report --archive {directory} --out site/\n")
    out.write(f"demo finished in {time.perf_counter() - started:.0f} s\n")
    return 0


def query(archive_url: str) -> str:
    from nianbao import archive

    result = archive.open(archive_url).duckdb().sql(QUERY)
    names = result.columns
    rows = result.fetchall()
    widths = [max(len(str(v)) for v in [name, *(row[i] for row in rows)]) for i, name in enumerate(names)]
    lines = ["  ".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True))]
    lines += ["  ".join(f"{v!s:>{w}}" for v, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def say(message: str) -> None:
    from nianbao.flows.progress import LOGGER

    LOGGER.info(message)

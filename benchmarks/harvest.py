"""Harvest of a simulated web: wall time, objects written, the no-change rerun, and Prefect's share.

    python -m benchmarks.harvest                     # 1,000 agencies (long: tens of minutes on 2 cores)
    python -m benchmarks.harvest --agencies 50 --years 2023-2024

Prints, in one run on the same machine and the same simulated web:
  1. the Prefect temporary server's start-up (paid once per process);
  2. `harvest` under Prefect into a fresh archive: wall time and objects written, by kind;
  3. the same harvest again (nothing changed): wall time and objects written;
  4. the baseline: the same crawl → parse → version → catalog work with no Prefect at all (the flow's
     own building blocks called directly, same batches, same crawl processes, same parse workers and
     parse cache) into another fresh archive, from the same simulated web started afresh (its body
     cache as cold as the first harvest found it). Prefect's share = (2 − 4) / 2, with and without the
     server start-up.
Each measurement is printed beside its goal (issue 9), and how long the first harvest stayed silent.
The simulated web is served by a process of its own (`nianbao sim serve`), as real servers are apart
from the harvest: in the harvest's process its serving thread would compete with the flow's threads
for the interpreter lock, and its work would be counted as the harvest's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from nianbao.flows.batches import batch_size  # imports no Prefect: its home is set below first

PROCESSES = 2  # crawl processes at once: the flow's default
DELAY = 0.05  # fixed per-host delay instead of AutoThrottle: the simulated web is ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--years", default="2023-2024", help="report years to harvest, e.g. 2023-2024")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--batch-size", type=int, help="agencies per crawl process (default: the flow's, flows.batches.batch_size)"
    )
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))

    # A Prefect home of its own: the user's server database and settings stay out of the measurement
    # (the parse cache is in each fresh archive, so both first harvests parse everything).
    prefect_home = tempfile.TemporaryDirectory(prefix="nianbao-bench-prefect-")
    os.environ["PREFECT_HOME"] = prefect_home.name
    from nianbao.flows.commands.options import prefect_console

    prefect_console()
    with (
        tempfile.TemporaryDirectory(prefix="nianbao-bench-") as scratch_dir,
        served(Path(scratch_dir), args.seed, args.agencies, years) as (registry, truth),
    ):
        scratch = Path(scratch_dir)
        print(f"simulated web: {args.agencies} agencies, report years {years[0]}–{years[-1]}, {truth} reports")

        startup = timed(warm_up)
        first_run, rerun_run = Timeline(), Timeline()
        archive_a = str(scratch / "prefect")
        wall, summary = timed_result(
            lambda: first_run.timing(lambda: harvest_with_prefect(str(registry), archive_a, years, args.batch_size))
        )
        written = objects(archive_a)
        counts = summary.counts()
        rerun, again = timed_result(
            lambda: rerun_run.timing(lambda: harvest_with_prefect(str(registry), archive_a, years, args.batch_size))
        )
        added = objects(archive_a) - written
        # The baseline crawls a simulated web started afresh: the first one has rendered and cached
        # every body by now, and the server shares the machine's cores with the harvest.
        baseline = scratch / "baseline"
        baseline.mkdir()
        with served(baseline, args.seed, args.agencies, years) as (fresh_registry, _):
            archive_b = str(scratch / "plain")
            plain = timed(lambda: harvest_without_prefect(str(fresh_registry), archive_b, years, args.batch_size))
        share = (wall - plain) / wall
        total = wall + startup

        print(f"{'':44}{'measured':>12}   goal")
        print(f"{'prefect temporary server start-up (apart)':44}{startup:10.1f} s   counted separately")
        print(f"{'first harvest with prefect':44}{wall:10.1f} s   ≤ 300 s at 1,000 agencies")
        print(f"  reports found {counts['reports_found']}/{truth}, failures {counts['failures']}; {describe(written)}")
        print(f"  {first_run.stages()}")
        print(f"{'first progress line after the flow starts':44}{first_run.first:10.1f} s   within the first second")
        print(f"{'no-change rerun with prefect':44}{rerun:10.1f} s")
        print(f"  {rerun_run.stages()}")
        print(f"{'  rerun / first harvest':44}{rerun / wall:10.1%}     ≤ 10%")
        print(f"{'  bodies downloaded on the rerun':44}{again.counts()['raw_objects_written']:10d}     0")
        print(
            f"  versions created {again.counts()['versions_created']}, unchanged "
            f"{again.counts()['reports_unchanged']}; new objects: {describe(added)}"
        )
        print(f"{'baseline: same work without prefect':44}{plain:10.1f} s   ({describe(objects(archive_b))})")
        print(f"{'prefect share of the harvest wall time':44}{share:10.1%}     ≤ 10%")
        print(f"{'  counting the server start-up':44}{(total - plain) / total:10.1%}")


@contextlib.contextmanager
def served(scratch: Path, seed: int, agencies: int, years: list[int]) -> Iterator[tuple[Path, int]]:
    """The simulated web served by `nianbao sim serve` in a process of its own, without faults:
    its registry file and how many reports it publishes."""
    registry, truth, log = scratch / "registry.yaml", scratch / "manifest.json", scratch / "simweb.log"
    command = [
        sys.executable, "-m", "nianbao", "sim", "serve", "--agencies", str(agencies), "--seed", str(seed),
        "--years", f"{years[0]}-{years[-1]}", "--faults", "none",
        "--registry-out", str(registry), "--manifest-out", str(truth),
    ]  # fmt: skip
    with (
        log.open("w", encoding="utf-8") as errors,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True) as server,
    ):
        try:
            assert server.stdout is not None
            line = server.stdout.readline()  # "serving …" once the registry and manifest are written
            if not line.startswith("serving"):
                status = server.wait()
                said = log.read_text(encoding="utf-8").strip().splitlines()[-1:] or ["nothing"]
                raise SystemExit(f"the simulated web did not start (exit status {status}): {said[0]}")
            yield registry, len(json.loads(truth.read_text(encoding="utf-8"))["reports"])
        finally:
            server.terminate()
            server.wait()


class Timeline:
    """The flow's progress lines with their times, counted from the start of the timed call: when the
    first came, and where the wall time went (crawling until the last crawl ended, settling after it,
    the catalog)."""

    def __init__(self) -> None:
        self.lines: list[tuple[float, str]] = []

    @property
    def first(self) -> float:
        return self.lines[0][0] if self.lines else float("nan")

    def last(self, prefix: str) -> float:
        return max((t for t, line in self.lines if line.startswith(prefix)), default=float("nan"))

    def stages(self) -> str:
        crawled, settled, catalog = self.last("crawled batch"), self.last("settled batch"), self.last("catalog")
        return (
            f"stages: crawls end at {crawled:.1f} s, settling {settled - crawled:.1f} s more, "
            f"catalog {catalog - settled:.1f} s"
        )

    def timing(self, fn):
        started = time.perf_counter()
        lines = self.lines

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                lines.append((time.perf_counter() - started, record.getMessage()))

        handler = Handler()
        logger = logging.getLogger("nianbao.progress")
        logger.addHandler(handler)
        try:
            return fn()
        finally:
            logger.removeHandler(handler)


def warm_up() -> None:
    from prefect import flow

    @flow(name="warm-up")
    def nothing() -> None:
        return None

    nothing()


def harvest_with_prefect(registry: str, archive_url: str, years: list[int], size: int | None):
    from nianbao.flows.harvest import harvest

    return harvest(registry=registry, archive_url=archive_url, years=years, download_delay=DELAY, batch=size)


def harvest_without_prefect(registry: str, archive_url: str, years: list[int], size: int | None) -> None:
    """The flow's work, its building blocks called directly: no Prefect task, cache, or server."""
    from nianbao.archive import connect
    from nianbao.archive.catalog import rebuild
    from nianbao.crawler.run import crawl
    from nianbao.flows.batches import family_batches
    from nianbao.flows.harvest import crawl_settings, now
    from nianbao.flows.reading import StoredReader
    from nianbao.flows.selection import resolve
    from nianbao.flows.settlement import Crawled, settle

    names, chosen = resolve(registry)
    archive = connect(archive_url)
    since = now()
    settings = crawl_settings(per_host=2, requests=32, download_delay=DELAY)
    reader = StoredReader(archive)  # the same parsing as the flow's: bounded workers, the archive's cache

    def crawl_batch(batch: list[str]) -> tuple[list[str], dict[str, Crawled]]:
        summary = crawl(registry, archive_url, agencies=batch, years=years, settings_overrides=settings, progress=quiet)
        return batch, {a.id: Crawled(a.error, a.downloaded, (summary.run_id,)) for a in summary.agencies}

    # Scheduled as the flow schedules it: two crawl processes at a time, each batch settled while the
    # next ones crawl.
    with ThreadPoolExecutor(max_workers=PROCESSES) as crawls, ThreadPoolExecutor(max_workers=8) as settles:
        batches = family_batches(chosen, size or batch_size(len(chosen), PROCESSES))
        crawled = [crawls.submit(crawl_batch, batch) for batch in batches]
        settling = [
            settles.submit(settle, archive, batch, names, years, since, outcome, reader, quick=reader.quick)
            for batch, outcome in (future.result() for future in as_completed(crawled))
        ]
        for future in settling:
            future.result()
    rebuild(archive.store)


def quiet(line: str) -> None:
    return None


def objects(archive_dir: str) -> Counter:
    """Objects in a local archive by top-level kind (raw, captures, reports, catalog, validators); the
    local store's own lock and staging files (dot-directories) are not objects."""
    counts: Counter = Counter()
    for root, _dirs, files in os.walk(archive_dir):
        parts = Path(root).relative_to(archive_dir).parts
        if parts and not parts[0].startswith(".") and files:
            counts[parts[0]] += len(files)
    return counts


def describe(counts: Counter) -> str:
    return f"{sum(counts.values())} objects (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")"


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def timed_result(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


if __name__ == "__main__":
    main()

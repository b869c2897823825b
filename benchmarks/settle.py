"""Where a harvest's settle stage spends its time: parsing by reader, identity, versioning, the archive.

Crawls a simulated web into a fresh local archive (not profiled; its time is printed), then settles
the run and rebuilds the catalog in this process under cProfile, with no Prefect (the flow's own
building blocks, as `benchmarks.harvest` calls them for its baseline), and prints each part's share of
the profiled time. Then does the same for a no-change rerun (a fresh parse each time: no parse cache).

    python -m benchmarks.settle                      # 60 agencies, report years 2023–2024
    python -m benchmarks.settle --agencies 100 --top 25

cProfile slows pure-Python code more than C code, so shares are indicative, not wall-clock exact.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

# The parts of a settle, each found as one function of ours whose cumulative time is that part's.
PARTS = {
    "parse, all readers (parsers.parse)": ("parsers/__init__.py", "parse"),
    "  PDF reader": ("parsers/readers/pdf.py", "read"),
    "  HTML reader": ("parsers/readers/html.py", "read"),
    "  text reader": ("parsers/readers/text.py", "read"),
    "  Word reader": ("parsers/readers/word.py", "read"),
    "  template mapping": ("parsers/mapping.py", "to_record"),
    "finding the run's captures": ("flows/settlement.py", "since"),
    "reading holdings (report heads)": ("flows/settlement.py", "read_holdings"),
    "identity (grouping documents)": ("flows/identity.py", "group"),
    "versioning + archive writes (ingest)": ("flows/versioning.py", "ingest"),
    "catalog rebuild": ("archive/catalog.py", "rebuild"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--years", default="2023-2024")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--top", type=int, default=0, help="also print the N functions with most cumulative time")
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))

    from nianbao.simweb import Faults, SimWeb

    with (
        SimWeb(seed=args.seed, agencies=args.agencies, years=(years[0], years[-1]), faults=Faults.none()) as web,
        tempfile.TemporaryDirectory(prefix="nianbao-bench-settle-") as scratch,
    ):
        registry = Path(scratch) / "registry.yaml"
        web.write_registry(registry)
        print(f"simulated web: {args.agencies} agencies, report years {years[0]}–{years[-1]}")
        archive_url = str(Path(scratch) / "archive")
        for label in ("first harvest", "no-change rerun"):
            profile(label, str(registry), archive_url, years, args.top)


def profile(label: str, registry: str, archive_url: str, years: list[int], top: int) -> None:
    from nianbao.archive import connect
    from nianbao.archive.catalog import rebuild
    from nianbao.crawler.run import crawl
    from nianbao.flows.batches import family_batches
    from nianbao.flows.harvest import crawl_settings
    from nianbao.flows.selection import resolve
    from nianbao.flows.settlement import Crawled, now, settle
    from nianbao.parsers import parse

    names, chosen = resolve(registry)
    archive = connect(archive_url)
    since = now()
    settings = crawl_settings(per_host=2, requests=32, download_delay=0.05)
    started = time.perf_counter()
    crawled = {}
    for batch in family_batches(chosen, 50):
        summary = crawl(registry, archive_url, agencies=batch, years=years, settings_overrides=settings, progress=quiet)
        crawled[tuple(batch)] = {a.id: Crawled(a.error, a.downloaded, (summary.run_id,)) for a in summary.agencies}
    crawl_time = time.perf_counter() - started

    def read(capture, sha256):
        return parse(archive.get_raw(sha256), url=capture.url, content_type=capture.content_type, agency=capture.agency)

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for batch, outcome in crawled.items():
        settle(archive, list(batch), names, years, since, outcome, read)
    rebuild(archive.store)
    profiler.disable()
    total = time.perf_counter() - started
    print(f"\n{label}: crawl {crawl_time:.1f} s (not profiled); settle + catalog {total:.1f} s under cProfile")
    stats = pstats.Stats(profiler)
    for name, (path, function) in PARTS.items():
        seconds = cumulative(stats, path, function)
        print(f"  {name:40s} {seconds:7.1f} s  {seconds / total:6.1%}")
    if top:
        stats.sort_stats("cumulative").print_stats(top)


def cumulative(stats: pstats.Stats, path: str, function: str) -> float:
    return sum(
        ct
        for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        if filename.endswith(path) and name == function
    )


def quiet(line: str) -> None:
    return None


if __name__ == "__main__":
    main()

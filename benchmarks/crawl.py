"""How fast the crawler goes, beside `scrapy bench` measured on the same machine in the same run.

Serves a 1,000-agency simulated web (no faults) from this process, crawls it with delays off through the
real crawl process (`crawler.run.crawl`: discovery, conditional requests, archive writes to a local
directory) for at most `--seconds`, and prints pages/second and CPU seconds per page of the crawl
process, then runs `scrapy bench` (a bare Scrapy spider against Scrapy's own local server: no parsing
of meaning, no storage) and prints the same two numbers for it.

    python -m benchmarks.crawl [--agencies 1000] [--years 2023-2024] [--seconds 150] [--bench-seconds 15]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nianbao.crawler.run import crawl
from nianbao.simweb import Faults, SimWeb

ROOT = Path(__file__).resolve().parents[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_crawl(agencies: int, years: tuple[int, int], seconds: float) -> dict[str, float]:
    settings = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CLOSESPIDER_TIMEOUT": seconds,
        "NIANBAO_PROGRESS_INTERVAL": 15,
    }
    with (
        SimWeb(seed=1, agencies=agencies, years=years, faults=Faults.none()) as web,
        tempfile.TemporaryDirectory() as d,
    ):
        registry = Path(d) / "registry.yaml"
        web.write_registry(registry)
        cpu_before, server_before, started = children_cpu(), own_cpu(), time.monotonic()
        summary = crawl(registry, str(Path(d) / "archive"), settings_overrides=settings)
        elapsed = time.monotonic() - started
        cpu, server_cpu = children_cpu() - cpu_before, own_cpu() - server_before
        total = summary.to_dict()
    pages = total["pages"]
    return {
        "pages": pages,
        "seconds": elapsed,
        "pages_per_second": pages / elapsed,
        "cpu_per_page": cpu / pages,
        "server_cpu_per_page": server_cpu / pages,
        "reports_found": total["reports_found"],
        "agencies_done": total["agencies"] - len(total["failed_agencies"]),
        "megabytes": total["bytes_downloaded"] / 1e6,
    }


def measure_scrapy_bench(seconds: float) -> dict[str, float]:
    cpu_before = children_cpu()
    with tempfile.TemporaryDirectory() as d:  # outside any Scrapy project, as a user would run it
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            cwd=d,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    cpu = children_cpu() - cpu_before  # the bench spider and its server process
    pages = re.search(r"'response_received_count': (\d+)", result.stderr)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", result.stderr)
    if not pages or not elapsed:
        raise SystemExit(f"could not read scrapy bench's stats:\n{result.stderr[-2000:]}")
    count, seconds_taken = int(pages.group(1)), float(elapsed.group(1))
    return {
        "pages": count,
        "seconds": seconds_taken,
        "pages_per_second": count / seconds_taken,
        "cpu_per_page": cpu / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--years", default="2023-2024", help="report years of the simulated web, e.g. 2019-2024")
    parser.add_argument("--seconds", type=float, default=150, help="stop the crawl after this long")
    parser.add_argument("--bench-seconds", type=float, default=15)
    args = parser.parse_args()
    first, last = (int(part) for part in args.years.split("-"))
    ours = measure_crawl(args.agencies, (first, last), args.seconds)
    bench = measure_scrapy_bench(args.bench_seconds)
    print(f"nianbao crawl, {args.agencies}-agency simulated web, years {args.years}, delays off:")
    print(
        f"  {ours['pages']:.0f} pages in {ours['seconds']:.1f} s (process start included) = "
        f"{ours['pages_per_second']:.1f} pages/s, {ours['cpu_per_page'] * 1000:.2f} ms CPU/page (crawl process); "
        f"simulator {ours['server_cpu_per_page'] * 1000:.2f} ms CPU/page"
    )
    print(
        f"  {ours['agencies_done']:.0f} agencies with reports, {ours['reports_found']:.0f} reports found, "
        f"{ours['megabytes']:.1f} MB stored"
    )
    print("baseline: scrapy bench (same machine, same run):")
    print(
        f"  {bench['pages']:.0f} pages in {bench['seconds']:.1f} s = {bench['pages_per_second']:.1f} pages/s, "
        f"{bench['cpu_per_page'] * 1000:.2f} ms CPU/page (spider and its server)"
    )
    print(f"ratio: {ours['pages_per_second'] / bench['pages_per_second']:.2f}x scrapy bench's pages/s")


if __name__ == "__main__":
    main()

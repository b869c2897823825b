"""The crawl process: one Scrapy crawl of a registry into an archive, then its summary.

A Twisted reactor cannot be started twice in one process, so every crawl runs in a process of its
own: `nianbao crawl` runs `execute` in the CLI's process; the Python API (`crawler.run.crawl`) starts
`python -m nianbao.crawler.process` and reads the summary file it writes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nianbao.crawler.agencies import load_registry
from nianbao.crawler.errors import CrawlError
from nianbao.crawler.settings import crawl_settings
from nianbao.crawler.sink import open_sink
from nianbao.crawler.summary import AgencySummary, CrawlSummary

NO_REPORT = "no report found (expected links titled like 2023年政府信息公开工作年度报告 from {urls})"


def execute(
    registry_path: str | Path,
    archive_url: str,
    agency_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    run_id: str | None = None,
) -> CrawlSummary:
    """Crawl the selected agencies of a registry into the archive; return what happened.

    `run_id` is given when this crawl is part of a larger run (a harvest's revisit of held URLs belongs
    to the run it completes); by default the crawl is a run of its own.
    """
    from scrapy.crawler import CrawlerProcess

    from nianbao.crawler.spider import ReportSpider

    agencies = load_registry(registry_path).select(list(agency_ids) if agency_ids else None)
    run_id = run_id or uuid.uuid4().hex
    summaries = {agency.id: AgencySummary(agency.id, agency.name) for agency in agencies}
    settings = crawl_settings(agencies, {**(settings_overrides or {}), "NIANBAO_ARCHIVE": archive_url})
    sink = open_sink(archive_url, settings["NIANBAO_ARCHIVE_SCHEMES"])
    process = CrawlerProcess(settings=settings)
    # A robots.txt that cannot be fetched is logged by Scrapy with a traceback; the page request that
    # follows fails the same way and is recorded as a capture with its reason, which is what users read.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(ReportSpider)
    process.crawl(
        crawler, agencies=agencies, sink=sink, summaries=summaries, years=frozenset(years or ()), run_id=run_id
    )
    process.start()
    spider = crawler.spider
    for agency in agencies:
        summary = summaries[agency.id]
        if summary.reports_found == 0:
            summary.error = NO_REPORT.format(urls=", ".join(agency.start_urls + agency.hints.listing_urls))
    return CrawlSummary(run_id=run_id, agencies=list(summaries.values()), aborted=getattr(spider, "aborted", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nianbao.crawler.process", description=__doc__)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--archive", required=True)
    parser.add_argument("--agency", action="append")
    parser.add_argument("--year", action="append", type=int)
    parser.add_argument("--settings", default="{}", help="JSON object of Scrapy setting overrides")
    parser.add_argument("--summary-out", required=True, type=Path)
    parser.add_argument("--run-id", help="the run the captures belong to (default: a new one)")
    args = parser.parse_args(argv)
    try:
        summary = execute(args.registry, args.archive, args.agency, args.year, json.loads(args.settings), args.run_id)
    except CrawlError as exc:
        print(f"crawl: error: {exc}", file=sys.stderr)
        return 2
    args.summary_out.write_text(json.dumps(summary.to_dict(), ensure_ascii=False), encoding="utf-8")
    return 3 if summary.aborted else 0


if __name__ == "__main__":
    sys.exit(main())

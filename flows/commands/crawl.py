"""`nianbao crawl`: find and fetch the annual reports of a registry's agencies into an archive."""

from __future__ import annotations

import argparse
import json
import sys

from nianbao.flows.commands.options import add_archive, add_registry

EXAMPLE = """\
examples:
  nianbao crawl --registry crawler/registry/agencies.yaml --archive ./nianbao-data
  nianbao crawl --registry sim/registry.yaml --agency sim-0003 --year 2024 --archive s3://bucket/nianbao --json

exit status: 0 every agency had reports; 1 some agency had none (listed in the summary, each
failed fetch is a capture with its reason); 2 the registry or the archive is unusable.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="crawl the agencies of a registry and store every report they publish in the archive",
        description="Find every annual report of the agencies in a registry (generic discovery, robots.txt "
        "obeyed, per-host politeness), fetch what changed since the last crawl (conditional requests) and "
        "store bodies and capture records in the archive. Prints a progress line on stderr and a per-agency "
        "summary at the end.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_registry(parser)
    add_archive(parser, required=True)
    parser.add_argument("--agency", action="append", metavar="ID", help="crawl only this agency (repeatable)")
    parser.add_argument("--year", action="append", type=int, metavar="Y", help="only reports of this year (repeatable)")
    parser.add_argument(
        "--no-delay",
        action="store_true",
        help="no politeness delay (for simulated webs and benchmarks; per-host concurrency still holds)",
    )
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object of the totals")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.crawler.errors import CrawlAborted
    from nianbao.crawler.process import execute
    from nianbao.flows.preflight import check_archive

    check_archive(args.archive, create=True)
    overrides = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False} if args.no_delay else {}
    summary = execute(args.registry, args.archive, args.agency, args.year, overrides)
    if summary.aborted:
        raise CrawlAborted(f"the crawl stopped early: {summary.aborted}")
    if args.json:  # the table for people on stderr, one JSON object for scripts on stdout
        sys.stderr.write(summary.table())
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(summary.table())
    return 1 if summary.failed_agencies else 0

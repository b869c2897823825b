"""`nianbao harvest`: crawl, archive, parse and version the reports of a registry's agencies."""

from __future__ import annotations

import argparse

from nianbao.flows.commands.options import (
    add_archive,
    add_delay,
    add_json,
    add_registry,
    add_years,
    before_prefect,
    print_summary,
)

EXAMPLE = """\
examples:
  nianbao harvest --registry registry.yaml --archive s3://nianbao --year 2024
  nianbao harvest --registry registry.yaml --archive ./nianbao-data --agency gd-sthjt --year 2019-2024 --json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "harvest",
        help="harvest a registry's agencies (or a subset) for a report year or range",
        description="Crawl each agency's disclosure pages, store every fetched body, parse the reports, "
        "record new and changed versions and update the catalog for them. Agencies run concurrently; one failing "
        "never stops the others; rerunning after a crash resumes without creating anything twice.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_registry(parser)
    add_archive(parser)
    parser.add_argument("--agency", action="append", default=[], metavar="ID", help="only this agency (repeatable)")
    parser.add_argument("--region", action="append", default=[], help="only agencies of this region (repeatable)")
    parser.add_argument("--level", action="append", default=[], help="only agencies of this level (repeatable)")
    add_years(parser)
    parser.add_argument("--requests", type=int, default=32, help="simultaneous requests per crawl process (default 32)")
    parser.add_argument("--per-host", type=int, default=2, help="simultaneous requests per host (default 2)")
    parser.add_argument("--processes", type=int, default=2, help="crawl processes at once (default 2)")
    add_delay(parser)
    add_json(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.flows.selection import resolve

    # Before Prefect starts (tens of seconds): a wrong registry or filter is one line, at once.
    _, chosen = resolve(
        str(args.registry), ids=args.agency or None, regions=args.region or None, levels=args.level or None
    )
    before_prefect(args.archive, create=True)
    from nianbao.flows.progress import announce

    announce(f"harvest: {len(chosen)} agencies")
    from nianbao.flows.harvest import harvest

    summary = harvest(
        registry=args.registry,
        archive_url=args.archive,
        agencies=args.agency or None,
        regions=args.region or None,
        levels=args.level or None,
        years=args.year,
        per_host=args.per_host,
        requests=args.requests,
        crawl_processes=args.processes,
        download_delay=args.delay,
    )
    return print_summary(summary, as_json=args.json)

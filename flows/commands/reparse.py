"""`nianbao reparse`: re-run the parsers over stored raw captures, fetching nothing."""

from __future__ import annotations

import argparse

from nianbao.flows.commands.options import add_archive, add_json, add_years, before_prefect, print_summary

EXAMPLE = """\
examples:
  nianbao reparse --archive s3://nianbao                       # every stored report
  nianbao reparse --archive ./nianbao-data --agency gd-sthjt --year 2024 --parser-version 0.1.0
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-parse stored raw captures with the current parsers (no fetching)",
        description="Parse again the raw bodies the archive already holds, after the parsers improved. "
        "Records that come out different become new versions; nothing is fetched.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(parser)
    parser.add_argument("--agency", action="append", default=[], metavar="ID", help="only this agency (repeatable)")
    add_years(parser)
    parser.add_argument(
        "--parser-version", metavar="V", help="only reports whose latest version was parsed by parser version V"
    )
    add_json(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    before_prefect(args.archive, create=False)  # a reparse reads what is stored: no archive, nothing to do
    from nianbao.flows.reparse import reparse

    summary = reparse(
        archive_url=args.archive, agencies=args.agency or None, years=args.year, parser_version=args.parser_version
    )
    return print_summary(summary, as_json=args.json)

"""`nianbao recrawl AGENCY`: crawl one agency now and print what changed against the archive."""

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
  nianbao recrawl gd-sthjt --registry registry.yaml --archive s3://nianbao
  nianbao recrawl gd-sthjt --year 2019-2024 --json     # registry and archive from $NIANBAO_REGISTRY/_ARCHIVE
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "recrawl",
        help="recrawl one agency and print the changeset against the archive",
        description="Crawl one agency on demand and compare with what the archive holds: reports added, "
        "changed (with the table cells that changed), unchanged, withdrawn and failed.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("agency", help="the agency id, as in the registry")
    add_registry(parser)
    add_archive(parser)
    add_years(parser, default="every year since 2008, showing the years where something is")
    add_delay(parser)
    add_json(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.flows.selection import resolve

    resolve(args.registry, ids=[args.agency])  # a wrong registry or id is one line, before Prefect starts
    before_prefect(args.archive, create=True)
    import sys

    from nianbao.flows.changesets import render_changeset_text
    from nianbao.flows.recrawl import recrawl_agency

    result = recrawl_agency(
        agency=args.agency,
        registry=args.registry,
        archive_url=args.archive,
        years=args.year,
        download_delay=args.delay,
    )
    (sys.stderr if args.json else sys.stdout).write(render_changeset_text(result.changeset))
    return print_summary(result.summary, as_json=args.json)

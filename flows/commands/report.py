"""`nianbao report`: a static offline website of the catalog (coverage heat map, trends, agency pages)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.flows.commands.options import add_archive

EXAMPLE = """\
examples:
  nianbao report --archive ./nianbao-data --out site/      # then open site/index.html, no network needed
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a static offline website of the catalog: coverage heat map, trends, a page per agency",
        description="Write OUT/index.html (coverage heat map agency × year coloured by ledger state, national trends "
        "of applications) and OUT/agencies/AGENCY.html (its figures across years, each linking to the original, "
        "and what changed between versions). Charts are inline SVG made offline.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(parser)
    parser.add_argument("--out", type=Path, required=True, help="directory to write the site into")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.flows.report_site import write_site

    written = write_site(archive.open(args.archive), args.out)
    print(f"{args.out / 'index.html'}: {len(written)} pages", file=sys.stderr)
    return 0

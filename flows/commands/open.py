"""`nianbao open AGENCY YEAR`: write a report's stored original to a file, with its proper extension."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.flows.commands.options import add_archive

EXAMPLE = """\
examples:
  nianbao open gd-sthjt 2024 --archive ./nianbao-data              # writes ./gd-sthjt-2024.html
  nianbao open gd-sthjt 2024 --rendering pdf --out originals/       # the PDF attachment, if one was stored
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    from nianbao.parsers.sniff import RENDERINGS

    parser = subparsers.add_parser(
        "open",
        help="write a report's stored original (page, PDF, DOCX …) to a file",
        description="Write the original of report AGENCY/YEAR as the archive stored it, byte for byte, named "
        "AGENCY-YEAR.EXT after what the bytes are (html, pdf, docx, doc, txt, png, jpg, tif). Without --rendering: "
        "the report's page. A withdrawn report gives the last content it had. Prints the path written.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("agency", help="the agency id, as in the registry")
    parser.add_argument("year", type=int, help="the report year")
    add_archive(parser)
    parser.add_argument("--rendering", choices=RENDERINGS, help="which rendering (default: the report's page)")
    parser.add_argument("--out", type=Path, default=Path("."), help="directory to write into (default: here)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.flows.originals import originals, pick, write

    found = originals(archive.connect(args.archive), args.agency, args.year)
    original = pick(found, args.agency, args.year, args.rendering)
    path = write(original, args.agency, args.year, args.out)
    print(path)
    print(f"from {original.url}", file=sys.stderr)
    return 0

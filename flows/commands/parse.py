"""`nianbao parse FILE`: read one report in any rendering and print its canonical record."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXAMPLE = """\
examples:
  nianbao parse report.pdf --json | jq .applications.total_processed
  nianbao parse page.html --url https://www.example.gov.cn/zfxxgk/ndbg/t20240131_1.html
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="parse one report file (HTML, PDF, DOCX, DOC, text, PNG/JPEG/TIFF scans) into the canonical record",
        description="Parse one report file into the canonical record and print it. "
        "Exits 0 when the document was read (even with tables missing), 2 when it cannot be read.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the report file, as published")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.add_argument("--url", help="the URL the file was fetched from (helps rendering and metadata)")
    parser.add_argument("--content-type", help="the Content-Type it was served with")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.parsers import parse
    from nianbao.parsers.errors import ParseError
    from nianbao.parsers.summary import render_summary

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read {args.file}: {exc.strerror}") from exc
    record = parse(data, url=args.url, content_type=args.content_type, filename=args.file.name)
    if args.json:
        json.dump(record.to_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_summary(record))
    return 0

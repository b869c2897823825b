"""`nianbao export`: write the archive's catalog tables as Parquet, CSV or Excel files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.flows.commands.options import absolute_path, add_archive, add_years

EXAMPLE = """\
examples:
  nianbao export --archive ./archive --format csv --out out/ --year 2024
  nianbao export --archive ./archive --format csv --out out/ --year 2022-2024 --agency gd-sthjt --agency gd-jyt
  AWS_ENDPOINT_URL=http://127.0.0.1:9000 nianbao export --archive s3://nianbao/archive --format xlsx --out out/
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export the catalog tables (reports, versions, captures, cells, checks) as files",
        description="Write one file per catalog table, named after it (reports.csv, cells.csv, ...), "
        "optionally only some report years and/or agencies. The catalog must have been built "
        "(`nianbao catalog`).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(parser, required=True)
    parser.add_argument("--format", choices=("parquet", "csv", "xlsx"), default="parquet", help="file format")
    parser.add_argument("--out", type=absolute_path, required=True, help="directory to write the files into")
    add_years(parser, default="every year")
    parser.add_argument(
        "--agency", action="append", metavar="ID", help="only this agency id; repeatable (default: every agency)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.archive.export import export_tables
    from nianbao.flows.preflight import check_archive

    check_archive(args.archive, create=False)
    catalog = archive.open(args.archive)
    for path, rows in export_tables(catalog, Path(args.out), args.format, years=args.year, agencies=args.agency):
        print(f"{path}: {rows} rows", file=sys.stderr)
    return 0

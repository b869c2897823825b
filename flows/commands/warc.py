"""`nianbao warc export` and `nianbao warc import`: the archive as WARC/WACZ for web archives, and
WARC/WACZ files from other crawlers into the archive."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.flows.commands.options import add_archive, add_json, add_registry, prefect_console

EXPORT_EXAMPLE = """\
examples:
  nianbao warc export --archive ./nianbao-data --out warc/
  nianbao warc export --archive s3://nianbao/archive --out warc/ --agency sh-bgt --year 2024 --wacz
  nianbao warc export --archive ./nianbao-data --out warc/ --since 2026-01-01 --max-size 500
"""

IMPORT_EXAMPLE = """\
examples:
  nianbao warc import old-crawl.warc.gz --registry registry.yaml --archive ./nianbao-data
  nianbao warc import warc/*.warc.gz collection.wacz --registry registry.yaml --archive s3://nianbao/archive --json
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("warc", help="WARC/WACZ export of the archive, and import of WARC/WACZ files")
    commands = parser.add_subparsers(dest="warc_command", required=True, metavar="SUBCOMMAND")
    export = commands.add_parser(
        "export",
        help="write the archive's captures as WARC 1.1 files with a CDXJ index (and a WACZ)",
        description="Write each capture as WARC 1.1 records (request + response, revisits for 304s and "
        "bodies already written, metadata for failures and nianbao's own fields), gzip per record, files "
        "rolled at --max-size, and a CDXJ index beside them. Incremental: OUT keeps nianbao-warc-state.json, "
        "so a second export writes only what is new. See docs/archive.md, 'Capture ↔ WARC'.",
        epilog=EXPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(export)
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory of the WARC files")
    export.add_argument("--agency", metavar="ID", help="only this agency's captures")
    export.add_argument("--year", type=int, metavar="Y", help="only captures of reports of this report year")
    export.add_argument("--since", metavar="DATE", help="only captures fetched on or after DATE (ISO 8601)")
    export.add_argument("--max-size", type=int, default=1000, metavar="MB", help="roll files at this size (1000)")
    export.add_argument("--wacz", action="store_true", help="also package OUT as OUT/<name>.wacz (WACZ 1.2.0)")
    export.set_defaults(run=run_export)
    intake = commands.add_parser(
        "import",
        help="bring the answers in WARC/WACZ files into the archive and version their reports",
        description="Read response and revisit records from .warc, .warc.gz or .wacz files (Heritrix, "
        "Browsertrix, wget --warc-file, nianbao), store them as captures with their own capture dates, match "
        "them to registry agencies by host, then parse, identify and version them visit by visit, oldest first.",
        epilog=IMPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    intake.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".warc, .warc.gz or .wacz files")
    add_registry(intake)
    add_archive(intake)
    add_json(intake)
    intake.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.archive.wacz import package, write_index
    from nianbao.archive.warc import export

    store = archive.connect(args.archive)
    since = args.since if args.since is None or "T" in args.since else f"{args.since}T00:00:00"
    result = export(
        store, args.out, agency=args.agency, year=args.year, since=since, max_bytes=args.max_size * 1_000_000
    )
    index = write_index(args.out)
    for path in result.files:
        print(f"{path}", file=sys.stderr)
    print(f"{index}", file=sys.stderr)
    records = ", ".join(f"{n} {kind}" for kind, n in sorted(result.records.items())) or "nothing new"
    print(f"warc export: {result.captures} captures, {len(result.files)} files: {records}")
    if args.wacz:
        target = package(store, args.out, args.out / f"{args.out.resolve().name}.wacz", f"nianbao {args.archive}")
        print(f"wacz: {target}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from nianbao.flows.errors import FlowError
    from nianbao.flows.selection import resolve

    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        raise FlowError(f"no such file: {', '.join(missing)}")
    resolve(str(args.registry))  # a wrong registry is one line, before Prefect starts
    prefect_console()
    from nianbao.flows.warc_import import warc_import

    summary = warc_import(files=[str(p) for p in args.files], registry=str(args.registry), archive_url=args.archive)
    (sys.stderr if args.json else sys.stdout).write(summary.render())
    if args.json:
        sys.stdout.write(summary.json_line() + "\n")
    return 1 if summary.counts()["failures"] else 0

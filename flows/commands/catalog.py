"""`nianbao catalog`: rebuild the Parquet catalog of an archive from its immutable layer."""

from __future__ import annotations

import argparse
import sys

EXAMPLE = """\
examples:
  nianbao catalog --archive ./archive
  nianbao catalog --archive ./archive --registry registry.yaml   # names, levels and regions of the agencies
  AWS_ENDPOINT_URL=http://127.0.0.1:9000 nianbao catalog --archive s3://nianbao/archive
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="rebuild the Parquet catalog (reports, versions, captures, cells, checks, agencies, ledger, ...)",
        description="Read every version, observation and capture record of the archive and rewrite "
        "its catalog tables under catalog/. The catalog is derived data: rebuilding is always safe.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--archive", required=True, help="the archive: s3://bucket/prefix, file:///dir or a directory")
    parser.add_argument(
        "--registry",
        metavar="FILE",
        help="keep this registry in the archive first (default: the one the last harvest kept)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive

    def progress(message: str) -> None:
        print(f"nianbao catalog: {message}", file=sys.stderr, flush=True)

    if args.registry:
        from nianbao.flows.registry_snapshot import keep

        progress(f"keeping registry {args.registry} ({keep(args.registry, args.archive)[:12]})")
    rows = archive.connect(args.archive).rebuild_catalog(progress)
    for table, count in rows.items():
        print(f"{table}\t{count}")
    return 0

"""`nianbao catalog`: rebuild the Parquet catalog of an archive from its immutable layer."""

from __future__ import annotations

import argparse
import sys

from nianbao.flows.commands.options import absolute_path, add_archive

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
    add_archive(parser, required=True)
    parser.add_argument(
        "--registry",
        type=absolute_path,
        metavar="FILE",
        help="keep this registry in the archive first (default: the one the last harvest kept)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.flows.preflight import check_archive

    check_archive(args.archive, create=False)  # rebuilding a catalog never creates an archive

    def progress(message: str) -> None:
        print(f"nianbao catalog: {message}", file=sys.stderr, flush=True)

    if args.registry:
        from nianbao.flows.registry_snapshot import keep

        progress(f"keeping registry {args.registry} ({keep(args.registry, args.archive)[:12]})")
    rows = archive.connect(args.archive).rebuild_catalog(progress)
    for table, count in rows.items():
        print(f"{table}\t{count}")
    return 0

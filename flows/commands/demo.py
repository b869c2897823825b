"""`nianbao demo`: the whole pipeline on this machine, with nothing configured."""

from __future__ import annotations

import argparse
from pathlib import Path

from nianbao.flows.commands.options import absolute_path

EXAMPLE = """\
examples:
  nianbao demo
  nianbao demo --agencies 40 --dir /tmp/nianbao-demo
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="harvest a simulated government web into a local archive and query it",
        description="Start a simulated government web on loopback, harvest it with the real crawler, "
        "parsers and Prefect flows (a temporary local Prefect server), then print the run summary, where "
        "the archive and its Parquet catalog are, and one analyst query over the catalog. About a minute.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--agencies", type=int, default=12, help="size of the simulated web (default 12)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the simulated web (default 2024)")
    parser.add_argument(
        "--dir", type=absolute_path, default="nianbao-data", help="archive directory (default ./nianbao-data)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.flows.commands.options import before_prefect
    from nianbao.flows.demo import run_demo

    before_prefect(args.dir, create=True)

    return run_demo(agencies=args.agencies, seed=args.seed, directory=Path(args.dir))

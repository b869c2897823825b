"""`nianbao serve`: run the deployments' schedules (yearly harvest, recrawl, reparse) in this process."""

from __future__ import annotations

import argparse

from nianbao.flows.commands.options import add_archive, add_registry, before_prefect

EXAMPLE = """\
examples:
  PREFECT_API_URL=http://prefect.internal:4200/api nianbao serve --registry registry.yaml --archive s3://nianbao
  nianbao serve --registry registry.yaml --cron '0 3 2 2 *' --cron '0 3 2 4 *'
  prefect deployment run 'recrawl-agency/recrawl' -p agency='"gd-sthjt"'   # from another shell
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    from nianbao.flows.deployments import HARVEST_CRONS, TIMEZONE

    parser = subparsers.add_parser(
        "serve",
        help="serve the harvest, recrawl and reparse deployments with their schedules",
        description="Register the deployments with the Prefect server (PREFECT_API_URL; a temporary "
        "local one when unset) and run their scheduled and triggered runs until interrupted. "
        f"The yearly harvest runs at {' and '.join(HARVEST_CRONS)} ({TIMEZONE}) unless --cron is given.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_registry(parser)
    add_archive(parser)
    parser.add_argument(
        "--cron", action="append", default=[], help="harvest schedule (repeatable), in --timezone; replaces the default"
    )
    parser.add_argument("--timezone", default=TIMEZONE, help=f"time zone of the schedules (default {TIMEZONE})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao.flows.selection import resolve

    resolve(args.registry)  # a wrong registry is one line, before Prefect starts
    before_prefect(args.archive, create=True)
    from prefect import serve

    from nianbao.flows.deployments import HARVEST_CRONS, build

    # Runs start later, in other processes: the paths were made absolute as the arguments were parsed.
    deployments = build(args.registry, args.archive, crons=args.cron or HARVEST_CRONS, timezone=args.timezone)
    from nianbao.flows.shutdown import INTERRUPTED, Interrupted, bounded_shutdown

    try:
        with bounded_shutdown("serve"):
            serve(*deployments)
    except Interrupted:
        return INTERRUPTED
    return 0

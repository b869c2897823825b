"""`nianbao sim serve`: serve a simulated government web on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXAMPLE = """\
examples:
  nianbao sim serve --agencies 50 --seed 7 --registry-out sim/registry.yaml --manifest-out sim/manifest.json
  nianbao sim serve --agencies 1000 --faults none --port 8800
  nianbao sim serve --faults robots,slow,calendar_trap --epoch 1 --years 2017-2024
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sim", help="simulated government web for tests, the demo and benchmarks")
    commands = parser.add_subparsers(dest="sim_command", required=True, metavar="SUBCOMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve a simulated web on loopback (one 127.0.X.Y address per site) until Ctrl-C",
        description="Generate a deterministic simulated government web, write its registry (the crawler's "
        "YAML) and manifest (the ground truth, JSON) before answering, then serve it on loopback until Ctrl-C. "
        "Each agency site has its own loopback address 127.0.X.Y; all share one port.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--agencies", type=int, default=20, help="number of agencies (default 20)")
    serve.add_argument("--seed", type=int, default=1, help="the seed every page and figure derives from (default 1)")
    serve.add_argument("--port", type=int, default=0, help="port shared by every host (default: a free one)")
    first, last = default_years()
    serve.add_argument(
        "--years",
        type=_years,
        default=(first, last),
        help=f"report years, e.g. 2017-2024 (default {first}-{last}: six years ending with the harvest's default)",
    )
    serve.add_argument("--epoch", type=int, default=0, help="serve the web as it is after N epochs of change")
    serve.add_argument(
        "--faults", default="all", help="all (default), none, or a comma list such as robots,slow,calendar_trap"
    )
    serve.add_argument("--slow-seconds", type=float, default=2.0, help="delay of slow pages (default 2)")
    serve.add_argument("--hang-seconds", type=float, default=60.0, help="how long hanging pages hang (default 60)")
    serve.add_argument(
        "--picture-pages",
        type=float,
        default=0.0,
        help="share of reports published as a page of table pictures only, read by OCR (default 0; e.g. 0.02)",
    )
    serve.add_argument("--registry-out", type=Path, help="write the crawler registry (YAML) here")
    serve.add_argument("--manifest-out", type=Path, help="write the manifest (JSON) here")
    serve.set_defaults(run=run)


def default_years() -> tuple[int, int]:
    """Six report years ending with last year, the year a default harvest asks for."""
    from nianbao.flows.selection import default_years as harvest_years

    last = harvest_years()[0]
    return last - 5, last


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected years as FIRST-LAST, e.g. 2019-2024, got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from nianbao.simweb import Faults, SimWeb

    faults = replace(
        Faults.parse(args.faults),
        slow_seconds=args.slow_seconds,
        hang_seconds=args.hang_seconds,
        picture_pages=args.picture_pages,
    )
    web = SimWeb(
        seed=args.seed, agencies=args.agencies, years=args.years, faults=faults, epoch=args.epoch, port=args.port
    )
    print(
        f"generating {args.agencies} agencies (seed {args.seed}, years {args.years[0]}-{args.years[1]}) …",
        file=sys.stderr,
    )

    def write_files(ready: SimWeb) -> None:
        if args.registry_out:
            ready.write_registry(args.registry_out)
            print(f"registry: {args.registry_out}", file=sys.stderr)
        if args.manifest_out:
            ready.write_manifest(args.manifest_out)
            print(f"manifest: {args.manifest_out}", file=sys.stderr)

    web.start(before_serving=write_files)
    try:
        first, last = web.world.agencies[0].host, web.world.agencies[-1].host
        print(
            f"serving {len(web.world.reports)} reports of {args.agencies} agencies on {first} … {last}, "
            f"port {web.port} (epoch {web.epoch}); e.g. {web.start_urls(web.world.agencies[0].id)[0]}",
            flush=True,
        )
        print("Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    finally:
        web.stop()

"""The `nianbao` command line: one entry point, one module per subcommand in flows/commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Order is the order `nianbao --help` lists them in.
COMMAND_MODULES = (
    "parse", "sim", "crawl", "harvest", "recrawl", "reparse", "serve", "demo", "catalog", "export", "ledger",
    "open", "browse", "report",
)  # fmt: skip
COMMAND_MODULES += ("warc",)  # a line of its own, so that branches adding commands merge cleanly


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Collect, keep and count government information-disclosure annual reports.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"nianbao.flows.commands.{name}").register(subparsers)
    return parser


# The documented error types of each package, shown as one line, never as a traceback. Named, not
# imported: importing them would import their packages (the archive pulls pyarrow and boto3, the
# simulated web its renderers), which cost a failing `nianbao parse` seconds and 150 MB.
USER_ERRORS = frozenset(
    {
        "nianbao.parsers.errors.ParseError",
        "nianbao.simweb.errors.SimWebError",
        "nianbao.crawler.errors.CrawlError",
        "nianbao.archive.errors.ArchiveError",
        "nianbao.flows.errors.FlowError",
    }
)


def is_user_error(exc: BaseException) -> bool:
    return any(f"{kind.__module__}.{kind.__qualname__}" in USER_ERRORS for kind in type(exc).__mro__)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        print(f"nianbao {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"nianbao {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

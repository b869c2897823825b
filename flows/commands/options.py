"""Options and output shared by the commands that run flows; configuration is read here, once.

A flag beats the environment (NIANBAO_REGISTRY, NIANBAO_ARCHIVE), which beats the default. Paths are
made absolute here, as the arguments are parsed: crawl processes, Prefect workers and scheduled runs
start in other working directories and must reach the same files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nianbao.flows.summaries import RunSummary

DEFAULT_ARCHIVE = "./nianbao-data"


def absolute_path(text: str) -> str:
    """A file or directory argument, absolute (argparse also applies this to string defaults)."""
    return str(Path(text).expanduser().resolve())


def archive_location(text: str) -> str:
    """An archive argument: s3:// URLs as given, a directory or file:// URL made absolute."""
    from nianbao.archive.stores import absolute_url

    return absolute_url(os.path.expanduser(text))


def add_registry(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    default = os.environ.get("NIANBAO_REGISTRY")
    parser.add_argument(
        "--registry",
        type=absolute_path,
        default=default,
        required=required and default is None,
        metavar="FILE",
        help="the agency registry (YAML); default $NIANBAO_REGISTRY",
    )


def add_archive(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    default = None if required else os.environ.get("NIANBAO_ARCHIVE", DEFAULT_ARCHIVE)
    parser.add_argument(
        "--archive",
        type=archive_location,
        default=default,
        required=required,
        metavar="URL",
        help="the archive: s3://bucket/prefix, file:///dir or a directory"
        + ("" if required else f"; default $NIANBAO_ARCHIVE or {DEFAULT_ARCHIVE}"),
    )


class _AddYears(argparse.Action):
    """`--year 2019 --year 2023-2024` means all three years, not the last flag given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: list[int],
        option_string: str | None = None,
    ) -> None:
        held = getattr(namespace, self.dest) or []
        setattr(namespace, self.dest, sorted({*held, *values}))


def add_years(parser: argparse.ArgumentParser, default: str = "last year") -> None:
    """`default` says in words what the command does when no --year is given."""
    parser.add_argument(
        "--year",
        type=year_range,
        action=_AddYears,
        default=None,
        metavar="Y",
        help=f"report year or range, e.g. 2024 or 2019-2024; repeatable (default: {default})",
    )


def add_delay(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--delay",
        type=float,
        metavar="SECONDS",
        help="a fixed per-host delay instead of AutoThrottle (only for servers you own, e.g. nianbao sim serve)",
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="end with one JSON line of counts on stdout")


def year_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a year like 2024 or a range like 2019-2024, got {text!r}") from None
    if not 2007 <= start <= end <= 2100:
        raise argparse.ArgumentTypeError(f"expected years from 2007 on, in order, got {text!r}")
    return list(range(start, end + 1))


def print_summary(summary: RunSummary, *, as_json: bool) -> int:
    """Closing table on stderr when --json keeps stdout for the one JSON line; exit 1 if anything failed."""
    from nianbao.flows.summaries import render_table

    table_stream = sys.stderr if as_json else sys.stdout
    table_stream.write(render_table(summary))
    if as_json:
        sys.stdout.write(summary.json_line() + "\n")
    return 1 if summary.counts()["failures"] else 0


def before_prefect(archive_url: str, *, create: bool) -> None:
    """The archive and the Prefect API checked (one line each when wrong), then Prefect's console set up."""
    from nianbao.flows.preflight import check_archive, check_prefect

    check_archive(archive_url, create=create)
    prefect_console()
    check_prefect()


def prefect_console() -> None:
    """Before Prefect is imported: a slow machine gets time to start the temporary server, no telemetry,
    and Prefect's console shows warnings only while our progress lines go to stderr."""
    import logging

    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The run logs still reach the Prefect server (and UI) at INFO; only the console is quieter.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    # The temporary server's shutdown races its event flushers; its errors then say nothing to a user.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    progress = logging.getLogger("nianbao.progress")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False

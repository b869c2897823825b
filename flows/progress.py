"""Progress lines of long runs: to the Prefect run log (UI, workers) and to the `nianbao` logger,
which the CLI shows on stderr while it keeps Prefect's own console logging to warnings."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

LOGGER = logging.getLogger("nianbao.progress")
_FIRST_REPORT = threading.Event()
TICK_SECONDS = 5.0


def announce(what: str) -> None:
    """A line at once, then one every few seconds until the run's first progress line: starting Prefect
    (its temporary server above all) takes tens of seconds, and a silent command looks hung."""
    where = os.environ.get("PREFECT_API_URL")
    LOGGER.info(f"{what}; " + (f"connecting to Prefect at {where}" if where else "starting Prefect's temporary server"))

    def tick() -> None:
        started = time.monotonic()
        while not _FIRST_REPORT.wait(TICK_SECONDS):
            LOGGER.info(f"still starting Prefect ({time.monotonic() - started:.0f} s)")

    threading.Thread(target=tick, name="nianbao-startup-progress", daemon=True).start()


def report(message: str) -> None:
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    _FIRST_REPORT.set()
    LOGGER.info(message)
    with contextlib.suppress(MissingContextError):
        get_run_logger().info(message)

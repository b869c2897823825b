"""Progress lines of long runs: to the Prefect run log (UI, workers) and to the `nianbao` logger,
which the CLI shows on stderr while it keeps Prefect's own console logging to warnings."""

from __future__ import annotations

import contextlib
import logging

LOGGER = logging.getLogger("nianbao.progress")


def report(message: str) -> None:
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    LOGGER.info(message)
    with contextlib.suppress(MissingContextError):
        get_run_logger().info(message)

"""Checks run at the command line before Prefect starts: the archive and the Prefect API.

Prefect's temporary server takes tens of seconds to start, and a task that cannot reach its archive
is retried; a run that cannot work must say so in one line, in seconds, before either happens.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nianbao.flows.errors import FlowError

# The Prefect API answers /health in milliseconds; a few seconds separate "slow" from "not there".
API_TIMEOUT_SECONDS = 5.0


class PrefectUnavailable(FlowError):
    """The Prefect API cannot be reached, or the temporary server could not keep its state."""


def check_archive(url: str, *, create: bool) -> None:
    """StoreUnavailable in one line unless the archive at `url` is usable; only writers may `create` it."""
    from nianbao.archive.stores import open_store

    open_store(url).check(create=create)


def check_prefect() -> None:
    """A configured PREFECT_API_URL must answer; without one, PREFECT_HOME must be writable (the temporary
    server keeps its database there and results are stored under it)."""
    import warnings

    with warnings.catch_warnings():  # Prefect warns of a home it cannot create on import; we say it below
        warnings.simplefilter("ignore")
        from prefect.settings import get_current_settings

        settings = get_current_settings()
    api = settings.api.url
    if api:
        _check_api(api)
        return
    for role, folder in (("PREFECT_HOME", settings.home), ("the result storage", settings.results.local_storage_path)):
        _check_writable(role, Path(folder))


def _check_api(api: str) -> None:
    import httpx

    health = f"{api.rstrip('/')}/health"
    try:
        response = httpx.get(health, timeout=API_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise PrefectUnavailable(f"the Prefect API at {api} (PREFECT_API_URL) does not answer: {exc}") from None
    if response.status_code != 200:
        raise PrefectUnavailable(
            f"the Prefect API at {api} (PREFECT_API_URL) answered {health} with HTTP {response.status_code}"
        )


def _check_writable(role: str, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise PrefectUnavailable(
            f"{role} {folder} is not writable ({exc.strerror}); set PREFECT_HOME to a writable directory"
        ) from None

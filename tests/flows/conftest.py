"""Real flows under one Prefect test harness per session, against a simulated web and a moto S3 server.

The harness starts a temporary Prefect server (~18 s, once per session); PREFECT_HOME points at a
temporary directory so that test runs never touch, or are influenced by, a developer's Prefect state
(parse-result cache included).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive.conftest import s3_endpoint, s3_url  # noqa: F401 - fixtures shared with the archive tests

YEARS = (2022, 2024)
DELAY = 0.05  # the simulated web is ours: a short fixed delay instead of AutoThrottle


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the harness's Prefect server (for subprocesses that run flows against it)."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        temporary_settings({PREFECT_HOME: str(home), PREFECT_LOCAL_STORAGE_PATH: str(home / "storage")}),
        prefect_test_harness(server_startup_timeout=90),
    ):
        yield PREFECT_API_URL.value()


@pytest.fixture
def web() -> Iterator:
    """A small clean simulated web (faults off: the crawler's own tests cover them)."""
    from nianbao.simweb import Faults, SimWeb

    with SimWeb(seed=11, agencies=6, years=YEARS, faults=Faults.none()) as web:
        yield web


@pytest.fixture
def registry(web, tmp_path: Path) -> str:
    path = tmp_path / "registry.yaml"
    web.write_registry(path)
    return str(path)

from collections.abc import Iterator

import pytest

from nianbao.simweb import Faults, SimWeb

# Bounds small enough for tests; every fault kind on.
TEST_FAULTS = Faults(slow_seconds=0.3, hang_seconds=1.5, transient_failures=2, oversize_bytes=64 * 2**20)


@pytest.fixture(scope="module")
def web() -> Iterator[SimWeb]:
    with SimWeb(seed=3, agencies=20, years=(2017, 2023), faults=TEST_FAULTS) as running:
        yield running

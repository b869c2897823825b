"""Reads fanned out on the shared pool come back in the items' order, however many, and a failed read
is raised to the caller."""

import threading

import pytest

from nianbao.archive.fanout import fan_out


@pytest.mark.parametrize("count", [0, 1, 7, 33, 1000, 4099])
def test_results_come_back_in_order(count):
    assert list(fan_out(lambda n: n * n, range(count))) == [n * n for n in range(count)]


def test_many_reads_are_read_on_several_pool_threads_at_once():
    threads: set[str] = set()
    barrier = threading.Barrier(2, timeout=5)

    def read(n: int) -> int:
        threads.add(threading.current_thread().name)
        if n in (0, 999):  # the first and the last run must be read at the same time
            barrier.wait()
        return n

    assert list(fan_out(read, range(1000))) == list(range(1000))
    assert len(threads) >= 2 and all(name.startswith("nianbao-read") for name in threads)


def test_a_failed_read_is_raised():
    def read(n: int) -> int:
        if n == 500:
            raise KeyError(n)
        return n

    with pytest.raises(KeyError):
        list(fan_out(read, range(1000)))

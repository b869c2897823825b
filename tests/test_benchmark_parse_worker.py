"""The parse-worker benchmark reads simulated reports through a kept worker, a fresh worker per document
and in its own process, and prints the three rates."""

from __future__ import annotations

import pytest

from benchmarks import parse_worker as bench


def test_prints_the_kept_fresh_and_in_process_rates(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--reports", "3", "--rendering", "text"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["rendering", "reports"]
    row = lines[1].split()
    assert row[:2] == ["text", "3"] and len(lines) == 2
    assert all(float(value) > 0 for value in row[2:5])

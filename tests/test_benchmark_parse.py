"""The parse benchmark runs on the fixtures and prints every rate and every verdict of the goal."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import parse as bench


def test_prints_warm_first_sight_cold_and_stream_rates_and_the_goal_on_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--corpus", str(tmp_path), "--rendering", "html", "--seconds", "0.01", "--clock", "cpu", "--stream", "5"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.endswith("decode+lxml load")]
    assert len(rows) == len(list(bench.FIXTURES.glob("*.html")))
    for row in rows:  # parse/s, first/s, cold/s, baseline/s: all measured
        assert all(float(value) > 0 for value in row[2:6])
    summary = next(line for line in out.splitlines() if line.strip().startswith("html"))
    assert "first sight" in summary and "cold" in summary
    assert "goal: >= 500/s and <= 5x:" in summary and summary.count("met") == 2
    streamed = out.split("harvest stream (5 distinct simulated reports")[1].splitlines()[1].split()
    assert streamed[:3] == ["html", "5", "docs"]
    assert float(streamed[3]) > 0 and float(streamed[6].removesuffix("/s")) > 0  # reports/s, baseline/s
    assert " ".join(streamed).endswith(("goal: >= 500/s and <= 5x: met", "goal: >= 500/s and <= 5x: NOT met"))

"""`nianbao parse` end to end, as a subprocess from the repository root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.corpus
def test_parse_json_prints_one_record_object(corpus_dir):
    result = _nianbao("parse", str(corpus_dir / "henan-sthjt-2019.txt"), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert {"agency", "year", "title", "template", "sections", "active_disclosure", "applications"} <= set(record)
    assert {"review_litigation", "checks", "warnings"} <= set(record)
    assert record["applications"]["total_processed"]["total"] == 92
    assert record["review_litigation"]["litigation_after_review"]["pending"] == 1


@pytest.mark.corpus
def test_parse_without_json_prints_a_summary(corpus_dir):
    result = _nianbao("parse", str(corpus_dir / "shanghai-bgt-2019.html"))
    assert result.returncode == 0, result.stderr
    assert "上海市人民政府办公厅" in result.stdout
    assert "applications: 23 rows" in result.stdout


def test_unreadable_input_exits_2_with_one_line(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = _nianbao("parse", str(empty))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "empty.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path):
    result = _nianbao("parse", str(tmp_path / "nope.pdf"))
    assert result.returncode == 2
    assert "nope.pdf" in result.stderr and "Traceback" not in result.stderr

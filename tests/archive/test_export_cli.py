"""`nianbao catalog` and `nianbao export`, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from nianbao import archive
from nianbao.archive.catalog import TABLES
from nianbao.flows.versioning import ingest
from tests.archive.reports_fixtures import capture, record

ROOT = Path(__file__).resolve().parents[2]


def _nianbao(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def _archive(path: Path) -> str:
    store = archive.connect(str(path))
    for agency, year in (("sthjj", 2023), ("sthjj", 2024), ("jyj", 2024)):
        page = capture(agency, f"https://{agency}.example.gov.cn/{year}.html", f"{year + 1}-01-21T08:09:10.123456Z")
        store.add_capture(page)
        ingest(store, agency, year, record(year=year), [(page, "page")], page.fetched_at)
    return str(path)


def test_catalog_then_export_each_format(tmp_path: Path) -> None:
    url = _archive(tmp_path / "archive")
    built = _nianbao("catalog", "--archive", url)
    assert built.returncode == 0, built.stderr
    assert "reports\t3" in built.stdout.splitlines()

    out = tmp_path / "csv"
    done = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(out), "--year", "2024")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(reports.agency) == ["jyj", "sthjj"]
    assert reports.title.str.contains("政府信息公开工作年度报告").all()
    captures = pd.read_csv(out / "captures.csv", encoding="utf-8-sig")
    assert set(captures.fetched_at) == {"2025-01-21T08:09:10.123456Z"}

    out = tmp_path / "xlsx"
    assert (
        _nianbao("export", "--archive", url, "--format", "xlsx", "--out", str(out), "--agency", "sthjj").returncode == 0
    )
    sheet = openpyxl.load_workbook(out / "cells.xlsx", read_only=True)["cells"]
    assert sheet.max_row == 1 + 2 * 175

    out = tmp_path / "parquet"
    assert _nianbao("export", "--archive", url, "--format", "parquet", "--out", str(out)).returncode == 0
    assert pq.read_table(out / "versions.parquet").num_rows == 3


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = _nianbao("export", "--archive", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "has no catalog" in result.stderr and "nianbao catalog --archive" in result.stderr


def test_help_explains_with_an_example() -> None:
    for command in ("export", "catalog"):
        result = _nianbao(command, "--help")
        assert result.returncode == 0 and "examples:" in result.stdout


def test_export_takes_several_agencies_and_year_ranges_and_refuses_an_unknown_agency(tmp_path: Path) -> None:
    url = _archive(tmp_path / "archive")
    assert _nianbao("catalog", "--archive", url).returncode == 0
    out = tmp_path / "both"
    done = _nianbao(
        "export", "--archive", url, "--format", "csv", "--out", str(out), "--agency", "sthjj", "--agency", "jyj",
        "--year", "2023-2024",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(zip(reports.agency, reports.year, strict=True)) == [("jyj", 2024), ("sthjj", 2023), ("sthjj", 2024)]
    only = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(tmp_path / "y"), "--year", "2023")
    assert only.returncode == 0, only.stderr
    assert list(pd.read_csv(tmp_path / "y" / "reports.csv", encoding="utf-8-sig").agency) == ["sthjj"]

    unknown = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(tmp_path / "u"), "--agency", "nope")
    assert unknown.returncode == 2 and "nope" in unknown.stderr and "Traceback" not in unknown.stderr
    assert not (tmp_path / "u" / "reports.csv").exists()

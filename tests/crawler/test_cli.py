"""`nianbao crawl` as a user runs it: help, errors as one line, the JSON line, the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.crawler.webserver import Page, Site, serve

ROOT = Path(__file__).resolve().parents[2]


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nianbao", "crawl", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_help_has_a_description_and_an_example() -> None:
    result = nianbao("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "--registry" in result.stdout and "exit status" in result.stdout


def test_an_unreadable_registry_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("agencies:\n  - id: x\n    name: y\n", encoding="utf-8")
    result = nianbao("--registry", str(tmp_path / "bad.yaml"), "--archive", str(tmp_path / "archive"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "field 'start_urls'" in result.stderr and "agencies[0]" in result.stderr


@pytest.mark.integration
def test_json_summary_and_an_agency_without_reports_fails(tmp_path: Path) -> None:
    site = Site(
        {
            "/nb/": Page('<html><a href="/nb/t1.html">甲局2024年政府信息公开工作年度报告</a></html>'.encode()),
            "/nb/t1.html": Page(b"<html>report</html>"),
            "/empty/": Page("<html><a href='/x.html'>新闻</a></html>".encode()),
        }
    )
    with serve(site) as base:
        entries = [
            {"id": "jia", "name": "甲局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True},
            {"id": "yi", "name": "乙局", "start_urls": [f"{base}/empty/"], "allow_private_addresses": True},
        ]
        registry = tmp_path / "registry.yaml"
        registry.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
        result = nianbao("--registry", str(registry), "--archive", str(tmp_path / "archive"), "--json", "--no-delay")
    assert result.returncode == 1  # an agency with no report found is a failure, not a success with zero items
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("agencies", "reports_found", "downloaded", "unchanged", "failed")} == {
        "agencies": 2,
        "reports_found": 1,
        "downloaded": 3,
        "unchanged": 0,
        "failed": 0,
    }
    assert summary["bytes_downloaded"] > 0 and summary["failed_agencies"] == ["yi"]
    assert "crawl:" in result.stderr and "no report found" in result.stderr  # progress line and the table

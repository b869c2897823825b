"""Paths an operator types: made absolute once, where the arguments are parsed; reading creates nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.archive import connect
from nianbao.archive.local import LocalStore
from nianbao.flows.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]

# Every command that takes a registry or an archive, with the other arguments it needs.
COMMANDS = {
    "crawl": ["crawl", "--registry", "reg.yaml", "--archive", "data"],
    "harvest": ["harvest", "--registry", "reg.yaml", "--archive", "data"],
    "recrawl": ["recrawl", "x", "--registry", "reg.yaml", "--archive", "data"],
    "reparse": ["reparse", "--archive", "data"],
    "serve": ["serve", "--registry", "reg.yaml", "--archive", "data"],
    "catalog": ["catalog", "--archive", "data", "--registry", "reg.yaml"],
    "export": ["export", "--archive", "data", "--out", "out"],
}


def nianbao(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nianbao", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_relative_paths_become_absolute_where_they_are_parsed(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(COMMANDS[command])
    assert args.archive == str(tmp_path / "data")
    if "--registry" in COMMANDS[command]:
        assert args.registry == str(tmp_path / "reg.yaml")
    if hasattr(args, "out"):
        assert str(args.out) == str(tmp_path / "out")


def test_the_default_archive_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    args = build_parser().parse_args(["reparse"])
    assert args.archive == str(tmp_path / "nianbao-data")


def test_file_urls_are_made_absolute_and_s3_urls_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert build_parser().parse_args(["catalog", "--archive", "s3://b/p"]).archive == "s3://b/p"
    assert build_parser().parse_args(["catalog", "--archive", "file:data"]).archive == (tmp_path / "data").as_uri()


def test_opening_a_local_archive_creates_nothing(tmp_path: Path) -> None:
    archive = connect(str(tmp_path / "not-yet"))
    assert list(archive.captures()) == []
    assert not (tmp_path / "not-yet").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    LocalStore(existing).exists("raw/x")
    assert list(existing.iterdir()) == []


def test_catalog_of_a_mistyped_archive_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "typo"
    result = nianbao("catalog", "--archive", str(typo))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "does not exist" in result.stderr and str(typo) in result.stderr
    assert not typo.exists()


def test_export_creates_no_bookkeeping_in_the_archive(tmp_path: Path) -> None:
    empty = tmp_path / "archive"
    empty.mkdir()
    result = nianbao("export", "--archive", str(empty), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "has no catalog" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert list(empty.iterdir()) == []


def test_catalog_of_an_archive_that_stored_nothing_yet(tmp_path: Path) -> None:
    empty = tmp_path / "archive"
    empty.mkdir()
    result = nianbao("catalog", "--archive", "archive", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "reports\t0" in result.stdout.splitlines()
    assert (empty / "catalog" / "manifest.json").is_file()


def test_sim_serve_default_years_end_with_the_harvest_default() -> None:
    from nianbao.flows.selection import default_years

    args = build_parser().parse_args(["sim", "serve"])
    assert args.years[1] == default_years()[0]
    assert args.years[0] < args.years[1]

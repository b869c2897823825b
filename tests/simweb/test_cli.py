"""`nianbao sim serve` writes registry and manifest before answering, serves, and stops on Ctrl-C."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.simweb.http import get

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_sim_serve_writes_files_then_serves_until_interrupted(tmp_path):
    registry, manifest = tmp_path / "out" / "registry.yaml", tmp_path / "out" / "manifest.json"
    command = [sys.executable, "-m", "nianbao", "sim", "serve", "--agencies", "7", "--seed", "4"]
    command += [
        "--years",
        "2018-2021",
        "--faults",
        "none",
        "--registry-out",
        str(registry),
        "--manifest-out",
        str(manifest),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("serving "), line + process.stderr.read()
        truth = json.loads(manifest.read_text(encoding="utf-8"))
        agencies = yaml.safe_load(registry.read_text(encoding="utf-8"))["agencies"]
        assert len(agencies) == 7 and truth["agencies"] == 7 and truth["faults"] == []
        assert f":{truth['port']}/" in line
        assert get(agencies[0]["start_urls"][0]).status == 200
        report = truth["reports"][0]
        assert get(report["urls"][0]["url"]).status == 200
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "Traceback" not in err


def test_bad_arguments_are_one_line_errors():
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "sim", "serve", "--faults", "robots,bogus"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("nianbao sim: error: unknown fault kind(s) bogus")
    assert "Traceback" not in result.stderr


def test_help_has_an_example():
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "sim", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "examples:" in result.stdout and "--registry-out" in result.stdout

"""`nianbao serve` stops within 10 s of a terminal's Ctrl-C (sent to its whole process group), quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_stops_serve_in_seconds_without_a_traceback(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    entries = [{"id": "jia", "name": "甲局", "start_urls": ["http://127.0.0.1:9/nb/"]}]
    registry.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)  # the temporary server, which the same Ctrl-C stops
    command = [sys.executable, "-m", "nianbao", "serve", "--registry", str(registry), "--archive", str(tmp_path / "a")]
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any("being served" in line for line in lines):
            assert child.poll() is None and time.monotonic() < deadline, "".join(lines)[-3000:]
            time.sleep(0.5)
        time.sleep(2)
        interrupted = time.perf_counter()
        os.killpg(child.pid, signal.SIGINT)
        status = child.wait(timeout=60)
        seconds = time.perf_counter() - interrupted
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    reader.join(5)
    output = "".join(lines)
    assert seconds < 10, output[-3000:]
    assert status == 130
    assert "Traceback" not in output
    assert output.rstrip().splitlines()[-1] == "nianbao serve: interrupted, stopping"

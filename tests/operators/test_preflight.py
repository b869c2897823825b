"""A run that cannot work says so in one line, in seconds, before Prefect starts (real processes only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.archive.conftest import S3_ENV, _free_port
from tests.archive.conftest import s3_endpoint as s3_endpoint  # a fixture these tests use

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def nianbao(*args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "nianbao", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    return result, time.perf_counter() - started


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


@pytest.fixture
def registry(tmp_path: Path) -> str:
    path = tmp_path / "registry.yaml"
    entries = [{"id": "jia", "name": "甲局", "start_urls": ["http://127.0.0.1:9/nb/"]}]
    path.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    return str(path)


def s3_env(endpoint: str, **extra: str) -> dict[str, str]:
    return {**os.environ, **S3_ENV, "AWS_ENDPOINT_URL": endpoint, **extra}


@pytest.fixture
def black_hole() -> Iterator[str]:
    """An endpoint that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def moto_with_auth() -> Iterator[str]:
    """A moto S3 server that checks credentials (none are known to it, so every key is refused)."""
    port = _free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "moto did not start"
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_crawl_to_an_unreachable_endpoint(registry: str) -> None:
    closed = f"http://127.0.0.1:{_free_port()}"
    result, seconds = nianbao("crawl", "--registry", registry, "--archive", "s3://b/p", env=s3_env(closed))
    assert "cannot reach the archive s3://b/p" in one_line(result)
    assert seconds < 15


def test_harvest_to_a_black_hole_endpoint(registry: str, black_hole: str) -> None:
    result, seconds = nianbao("harvest", "--registry", registry, "--archive", "s3://b/p", env=s3_env(black_hole))
    assert "cannot reach the archive s3://b/p" in one_line(result)
    assert seconds < 20


def test_crawl_with_refused_credentials(registry: str, moto_with_auth: str) -> None:
    result, seconds = nianbao("crawl", "--registry", registry, "--archive", "s3://b/p", env=s3_env(moto_with_auth))
    assert "access denied" in one_line(result)
    assert seconds < 15


def test_crawl_into_a_missing_bucket(registry: str, s3_endpoint: str) -> None:
    result, seconds = nianbao(
        "crawl", "--registry", registry, "--archive", "s3://no-such-bucket/p", env=s3_env(s3_endpoint)
    )
    assert "bucket 'no-such-bucket' does not exist" in one_line(result)
    assert seconds < 15


def test_harvest_with_an_unwritable_prefect_home(registry: str, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {**os.environ, "PREFECT_HOME": str(blocker / "prefect")}
    env.pop("PREFECT_API_URL", None)
    result, seconds = nianbao("harvest", "--registry", registry, "--archive", str(tmp_path / "data"), env=env)
    assert "PREFECT_HOME" in one_line(result) and "not writable" in result.stderr
    assert seconds < 20


def test_harvest_with_a_refused_prefect_api(registry: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{_free_port()}/api"}
    result, seconds = nianbao("harvest", "--registry", registry, "--archive", str(tmp_path / "data"), env=env)
    assert "does not answer" in one_line(result)
    assert seconds < 20
    assert not (tmp_path / "data").exists()


def test_every_s3_call_is_bounded_by_its_timeouts(black_hole: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from nianbao.archive.errors import StoreUnavailable
    from nianbao.archive.s3 import Patience, S3Store

    monkeypatch.setenv("AWS_ENDPOINT_URL", black_hole)
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    store = S3Store("b", "p", Patience(connect_timeout=1, read_timeout=1, attempts=2))
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable, match="Read timeout"):
        store.get("raw/x")
    assert time.perf_counter() - started < 6  # two 1 s waits and one back-off, not the OS's minutes

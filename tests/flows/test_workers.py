"""Scale-out on Prefect, for real: a Prefect server, the work pool and two workers from infra/, a moto S3
server, and a simulated web harvested in two regional shards, against a single-process harvest.

Everything is started the way docs/deploy.md ("Several machines") tells an operator to: `prefect server
start`, `bash infra/workpool.sh setup`, `bash infra/workpool.sh worker` twice, one `prefect deployment
run 'harvest/harvest-region'` per shard. Each worker has its own PREFECT_HOME, as a separate machine
would (no shared parse cache).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

import boto3
import httpx
import pytest

from nianbao import archive
from nianbao.archive.reports import iter_versions
from tests.archive.conftest import _free_port
from tests.flows.conftest import DELAY

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
YEAR = 2024
SHARDS = (["33"], ["35"])  # the simulated web's 12 agencies: ten in Zhejiang (33…), two in Fujian (35…)
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# Columns that hold when or by which run something happened: they differ between two harvests.
TIMES_AND_RUNS = {"first_seen", "last_seen", "withdrawn_at", "fetched_at", "run_id", "capture_key"}


@contextmanager
def started(args: list[str], env: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A process in its own session, output to `log`; it and its children are ended whatever happens."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            end_group(process)


def end_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (a worker's flow-run processes too), SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return  # the whole group has ended
        try:
            process.wait(timeout=15)
            time.sleep(0.2)  # let the group's other members act on the signal before checking again
        except subprocess.TimeoutExpired:
            continue


def prefect_env(home: Path, api: str, **extra: str) -> dict[str, str]:
    """The environment of one Prefect 'machine': its own home, the shared server, quick polling."""
    return {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Test-only tuning: the default 10 s worker poll would be most of this test's time.
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "1",
        "PREFECT": str(BIN / "prefect"),  # infra/workpool.sh's prefect: the one of this test's environment
        **extra,
    }


def wait_healthy(api: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"prefect server exited: {log.read_text(errors='replace')[-2000:]}"
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"prefect server at {api} not healthy after {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def run_shard(env: Mapping[str, str], regions: list[str]) -> subprocess.Popen:
    """`prefect deployment run` of one shard, as an operator types it (its output names the flow run)."""
    parameters = {"regions": json.dumps(regions), "years": f"[{YEAR}]", "download_delay": str(DELAY)}
    args = [str(BIN / "prefect"), "deployment", "run", "harvest/harvest-region"]
    for name, value in parameters.items():
        args += ["-p", f"{name}={value}"]
    return subprocess.Popen(args, cwd=ROOT, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def flow_run_id(triggered: subprocess.Popen) -> str:
    output, _ = triggered.communicate(timeout=120)
    found = re.search(r"UUID:\s*([0-9a-f-]{36})", output)
    assert triggered.returncode == 0 and found, output
    return found.group(1)


def finished(process: subprocess.Popen, log: Path, seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{process.args} still running after {seconds} s: {log.read_text(errors='replace')[-2000:]}")
    assert process.returncode == 0, f"{process.args} failed: {log.read_text(errors='replace')[-3000:]}"


def wait_for_runs(api: str, runs: list[str], logs: list[Path], seconds: float = 240) -> dict[str, dict]:
    deadline = time.monotonic() + seconds
    states: dict[str, dict] = {}
    while time.monotonic() < deadline:
        states = {r: httpx.get(f"{api}/flow_runs/{r}", timeout=5).json() for r in runs}
        if all(s["state_type"] in TERMINAL for s in states.values()):
            return states
        time.sleep(0.5)
    tails = "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)
    pytest.fail(f"flow runs not finished after {seconds} s: {[s['state_type'] for s in states.values()]}\n{tails}")


def archive_contents(url: str) -> dict[str, object]:
    """What two harvests of the same web must agree on: raw bodies by digest, every report's versions
    (number, kind, content hash, and the bodies each was read from), and the registry snapshot."""
    store = archive.connect(url)
    versions = {}
    for agency, year in store.report_ids():
        for v in iter_versions(store.store, agency, year):
            links = sorted((c.agency, c.url, c.sha256 or "", c.status or 0, str(c.role)) for c in v.captures)
            versions[(agency, year, v.number)] = (str(v.kind), v.content_hash, links)
    return {
        "raw": sorted(store.store.list("raw/")),
        "versions": versions,
        "registry": sorted(store.store.list("registry/")),
    }


def catalog_rows(url: str) -> dict[str, list[dict]]:
    """The catalog tables, rows in a stable order, without the columns that say when or by which run."""
    catalog = archive.open(url)
    tables = {}
    for name in ("reports", "versions", "cells", "checks"):
        table = catalog.table(name)
        rows = table.select([c for c in table.column_names if c not in TIMES_AND_RUNS]).to_pylist()
        tables[name] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return tables


def new_bucket() -> str:
    bucket = f"nianbao-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/archive"


@pytest.mark.timeout(900)  # three harvests and a Prefect server on two shared cores
def test_two_workers_harvesting_two_shards_make_the_archive_and_catalog_of_one_process(s3_endpoint, tmp_path):
    from nianbao.simweb import Faults, SimWeb

    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    sharded, single = new_bucket(), new_bucket()
    logs = {name: tmp_path / f"{name}.log" for name in ("server", "setup", "worker-1", "worker-2", "single")}
    with ExitStack() as stack:
        web = stack.enter_context(SimWeb(seed=11, agencies=12, years=(YEAR, YEAR), faults=Faults.none()))
        registry = tmp_path / "registry.yaml"
        web.write_registry(registry)
        server = stack.enter_context(
            started(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
                prefect_env(tmp_path / "server", api),
                logs["server"],
            )
        )
        wait_healthy(api, server, logs["server"])

        operator = prefect_env(
            tmp_path / "operator", api, NIANBAO_ARCHIVE=sharded, NIANBAO_REGISTRY=str(registry), NIANBAO_HOME=str(ROOT)
        )
        setup = stack.enter_context(started(["bash", "infra/workpool.sh", "setup"], operator, logs["setup"]))
        for name in ("worker-1", "worker-2"):
            # One flow run at a time per worker, so that the two shards need both workers.
            worker = prefect_env(tmp_path / name, api, NIANBAO_WORKER_LIMIT="1")
            stack.enter_context(started(["bash", "infra/workpool.sh", "worker"], worker, logs[name]))
        # The same web harvested by one process into a bucket of its own, while the workers run.
        where = ["--registry", str(registry), "--archive", single, "--year", str(YEAR), "--delay", str(DELAY)]
        alone = stack.enter_context(
            started(
                [sys.executable, "-m", "nianbao", "harvest", *where],
                prefect_env(tmp_path / "single", api),
                logs["single"],
            )
        )
        finished(setup, logs["setup"], 300)

        runs = [flow_run_id(p) for p in [run_shard(operator, regions) for regions in SHARDS]]
        states = wait_for_runs(api, runs, [logs["worker-1"], logs["worker-2"]], seconds=600)
        finished(alone, logs["single"], 300)

    worker_logs = [logs[name].read_text(errors="replace") for name in ("worker-1", "worker-2")]
    assert [s["state_type"] for s in states.values()] == ["COMPLETED", "COMPLETED"], "\n".join(worker_logs)
    # A flow run's own log lines go to the output of the worker that started its process.
    ran = [set(re.findall(r"View at \S+/flow-run/([0-9a-f-]{36})", text)) for text in worker_logs]
    assert sorted(map(sorted, ran)) == sorted([r] for r in runs), f"each worker runs one shard: {ran}"

    expected = {(r["agency"], r["year"]) for r in web.manifest["reports"] if r["year"] == YEAR}
    contents = archive_contents(sharded)
    assert {(a, y) for a, y, _ in contents["versions"]} == expected
    assert contents == archive_contents(single)
    # The catalog of the shard that finished last holds both shards' reports, as one process's does.
    catalog = catalog_rows(sharded)
    assert Counter(row["agency"] for row in catalog["reports"]) == Counter(a for a, _ in expected)
    assert catalog == catalog_rows(single)

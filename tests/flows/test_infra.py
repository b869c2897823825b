"""The deployment files agree with the flows: what `nianbao serve` runs is what workers would run."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path

import yaml

from nianbao.flows.deployments import HARVEST_CRONS, TIMEZONE, build

INFRA = Path(__file__).resolve().parents[2] / "infra"


def test_prefect_yaml_entrypoints_are_the_flows_and_the_harvest_follows_the_calendar():
    document = yaml.safe_load((INFRA / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in document["deployments"]}
    for deployment in deployments.values():
        module, _, name = deployment["entrypoint"].partition(":")
        flow = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)
        assert set(deployment["parameters"]) <= set(flow.parameters.properties), deployment["name"]
    schedules = deployments["yearly-harvest"]["schedules"]
    assert [(s["cron"], s["timezone"]) for s in schedules] == [(c, TIMEZONE) for c in HARVEST_CRONS]


def test_serve_builds_the_same_deployments_with_the_harvest_schedule():
    built = {d.name: d for d in build("registry.yaml", "s3://nianbao")}
    document = yaml.safe_load((INFRA / "prefect.yaml").read_text(encoding="utf-8"))
    assert set(built) <= {d["name"] for d in document["deployments"]}
    assert [s.schedule.cron for s in built["yearly-harvest"].schedules] == list(HARVEST_CRONS)
    assert built["recrawl"].parameters == {"registry": "registry.yaml", "archive_url": "s3://nianbao"}


def test_compose_file_parses_and_brings_a_prefect_server_and_minio():
    document = yaml.safe_load((INFRA / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"prefect", "minio"} <= set(document["services"])
    assert "4200:4200" in document["services"]["prefect"]["ports"]


def test_work_pool_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(INFRA / "workpool.sh")], check=True)

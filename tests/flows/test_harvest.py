"""The real flows (Prefect harness) against a simulated web, into a moto S3 server and local directories."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao import archive
from nianbao.archive import reports as shelves
from nianbao.flows.harvest import harvest
from nianbao.flows.recrawl import recrawl_agency
from nianbao.flows.reparse import reparse
from tests.flows.conftest import DELAY, YEARS

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ASKED = list(range(YEARS[0], YEARS[1] + 1))


def truth(web, years) -> set[tuple[str, int]]:
    return {(r["agency"], r["year"]) for r in web.manifest["reports"] if r["year"] in years}


def versions(url: str) -> set[tuple]:
    """What an archive decided, without the times it decided it."""
    store = archive.connect(url).store
    return {
        (v.agency, v.year, v.number, v.kind, v.content_hash)
        for agency, year in shelves.report_ids(store)
        for v in shelves.iter_versions(store, agency, year)
    }


def raw_objects(url: str) -> set[str]:
    return set(archive.connect(url).store.list("raw/"))


def cli(*args: str, prefect_api: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )


def test_first_harvest_captures_the_manifest_and_a_second_creates_nothing(prefect_api, web, registry, s3_url):
    expected = truth(web, ASKED)
    first = harvest(registry=registry, archive_url=s3_url, years=ASKED, download_delay=DELAY)

    assert set(shelves.report_ids(archive.connect(s3_url).store)) == expected
    counts = first.counts()
    assert (counts["reports_found"], counts["reports_new"], counts["versions_created"]) == (len(expected),) * 3
    assert counts["failures"] == 0, [f for a in first.agencies for f in a.failures]
    assert counts["raw_objects_written"] > 0
    decided, stored = versions(s3_url), raw_objects(s3_url)

    rerun = cli(
        "harvest",
        "--registry",
        registry,
        "--archive",
        s3_url,
        "--year",
        "2022-2024",
        "--delay",
        str(DELAY),
        "--json",
        prefect_api=prefect_api,
    )
    assert rerun.returncode == 0, rerun.stderr
    first_line = rerun.stderr.splitlines()[0]
    expected_line = f"harvest: {len(web.registry['agencies'])} agencies; connecting to Prefect at {prefect_api}"
    assert first_line.endswith(expected_line), "progress is shown before Prefect starts"
    line = json.loads(rerun.stdout.splitlines()[-1])
    assert line["reports_found"] == line["reports_unchanged"] == len(expected)
    assert line["reports_new"] == line["reports_changed"] == line["versions_created"] == 0
    assert line["raw_objects_written"] == 0
    assert (versions(s3_url), raw_objects(s3_url)) == (decided, stored)

    reparsed = reparse(archive_url=s3_url)
    assert reparsed.counts()["reports_unchanged"] == len(expected)
    assert versions(s3_url) == decided


def test_epoch_change_gives_exactly_the_new_versions_withdrawals_and_changeset(prefect_api, web, registry, tmp_path):
    url = str(tmp_path / "archive")
    harvest(registry=registry, archive_url=url, years=ASKED, download_delay=DELAY)
    changes = web.advance_epoch()
    years = [*ASKED, YEARS[1] + 1]
    expected = (
        {(c["agency"], c["year"], "new") for c in changes["added"]}
        | {(c["agency"], c["year"], "changed") for c in changes["corrected"]}
        | {(c["agency"], c["year"], "withdrawn") for c in changes["withdrawn"] if c["year"] in years}
    )
    [corrected, *_] = changes["corrected"]
    agency = corrected["agency"]

    recrawl = recrawl_agency(agency=agency, registry=registry, archive_url=url, years=years, download_delay=DELAY)
    changeset = recrawl.changeset
    made = {
        (agency, c.year, kind)
        for kind, cs in [("new", changeset.added), ("changed", changeset.changed), ("withdrawn", changeset.withdrawn)]
        for c in cs
    }
    assert made == {e for e in expected if e[0] == agency}
    [change] = [c for c in changeset.changed if c.year == corrected["year"]]
    expected_cells = {(f"{c['table']}.{c['row']}.{c['column']}", c["old"], c["new"]) for c in corrected["cells"]}
    assert {(d["path"], d["old"], d["new"]) for d in change.diff if d["kind"] == "cell"} == expected_cells

    after = harvest(registry=registry, archive_url=url, years=years, download_delay=DELAY)
    made = {
        (a.agency, c.year, c.kind) for a in after.agencies for c in a.changes if c.kind not in ("unchanged", "linked")
    }
    assert made == {e for e in expected if e[0] != agency}
    store = archive.connect(url).store
    for agency, year, kind in expected:
        if kind == "withdrawn":
            assert shelves.latest_version(store, agency, year).kind == "withdrawn"
            assert shelves.get_version(store, agency, year, 1).kind == "content", "the withdrawn report is kept"


def test_a_rerun_after_a_killed_harvest_ends_in_the_same_archive(prefect_api, web, registry, tmp_path):
    reference, crashed = str(tmp_path / "reference"), str(tmp_path / "crashed")
    harvest(registry=registry, archive_url=reference, years=ASKED, download_delay=DELAY)

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nianbao.flows.cli",
            "harvest",
            "--registry",
            registry,
            "--archive",
            crashed,
            "--year",
            "2022-2024",
        ],
        cwd=ROOT,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill takes the crawl subprocess with it
    )
    deadline = time.monotonic() + 180
    while not list(Path(crashed).glob("reports/*/*/versions/*.json")):
        assert process.poll() is None, "the harvest ended before any version was written"
        assert time.monotonic() < deadline, "no version written within 180 s"
        time.sleep(0.02)
    assert process.poll() is None, "the harvest finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert versions(crashed) != versions(reference), "the kill came too late to interrupt anything"

    harvest(registry=registry, archive_url=crashed, years=ASKED, download_delay=DELAY)
    assert versions(crashed) == versions(reference)
    assert raw_objects(crashed) == raw_objects(reference)

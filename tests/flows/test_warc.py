"""WARC/WACZ out and in, on a harvest of the simulated web into a moto S3 server (real flows, real crawl).

One harvest, one export, a no-change rerun and a second export are made once for the module; the
tests then read what was written with warcio, cdxj-indexer, py-wacz and pywb.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from nianbao import archive
from nianbao.archive.wacz import package, validate, write_index
from nianbao.archive.warc import export, records_of, sha256_of_digest, warc_files
from nianbao.flows.harvest import harvest
from nianbao.flows.warc_import import warc_import
from tests.flows.conftest import DELAY, YEARS

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ASKED = list(range(YEARS[0], YEARS[1] + 1))


@dataclass
class Exported:
    web: object
    registry: str
    source: str  # the harvested archive (S3)
    out: Path  # the WARC directory, after both exports
    first: object  # ExportResult of the first export
    second: object  # ExportResult of the export after the no-change rerun
    changes: dict  # what the simulated web changed before the third harvest and export


@pytest.fixture(scope="module")
def exported(prefect_api, s3_endpoint, tmp_path_factory) -> Exported:
    from nianbao.simweb import Faults, SimWeb

    base = tmp_path_factory.mktemp("warc")
    bucket = f"nianbao-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=bucket)
    source = f"s3://{bucket}/archive"
    with SimWeb(seed=11, agencies=2, years=YEARS, faults=Faults.none()) as web:
        registry = str(base / "registry.yaml")
        web.write_registry(registry)
        harvest(registry=registry, archive_url=source, years=ASKED, download_delay=DELAY)
        first = export(archive.connect(source), base / "out")
        harvest(registry=registry, archive_url=source, years=ASKED, download_delay=DELAY)
        second = export(archive.connect(source), base / "out")
        changes = web.advance_epoch()  # a corrected and a withdrawn report, a redesigned site
        harvest(registry=registry, archive_url=source, years=ASKED, download_delay=DELAY)
        export(archive.connect(source), base / "out")
        write_index(base / "out")
        yield Exported(web, registry, source, base / "out", first, second, changes)


def test_every_warc_file_passes_warcio_check(exported):
    files = warc_files(exported.out)
    assert len(files) == 3  # one per export
    for path in files:
        warcio = Path(sys.executable).parent / "warcio"  # the command line warcio installs
        result = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "digest pass" in result.stdout


def test_response_records_are_the_archive_raw_objects_one_to_one(exported):
    store = archive.connect(exported.source).store
    raw = {key.rsplit("/", 1)[-1] for key in store.list("raw/")}
    responses = [  # a truncated record is an error answer whose body was not kept: no raw object
        sha256_of_digest(record.rec_headers.get_header("WARC-Payload-Digest"))
        for _, record in records_of(warc_files(exported.out))
        if record.rec_type == "response" and not record.rec_headers.get_header("WARC-Truncated")
    ]
    empty = hashlib.sha256(b"").hexdigest()  # an error answer with no body: complete, but nothing to store
    responses = [sha for sha in responses if sha != empty or sha in raw]
    assert len(responses) == len(set(responses))  # no body written twice
    assert set(responses) == raw


def test_revisits_point_at_records_that_exist(exported):
    records = [record for _, record in records_of(warc_files(exported.out))]
    responses = {r.rec_headers.get_header("WARC-Record-ID"): r for r in records if r.rec_type == "response"}
    revisits = [r for r in records if r.rec_type == "revisit"]
    profiles = Counter(r.rec_headers.get_header("WARC-Profile").rsplit("/", 1)[-1] for r in revisits)
    assert profiles["server-not-modified"] > 0  # the rerun's conditional requests answered 304
    for revisit in revisits:
        target = responses[revisit.rec_headers.get_header("WARC-Refers-To")]
        assert revisit.rec_headers.get_header("WARC-Refers-To-Target-URI") == target.rec_headers.get_header(
            "WARC-Target-URI"
        )
        assert revisit.rec_headers.get_header("WARC-Refers-To-Date") == target.rec_headers.get_header("WARC-Date")
        if profiles and revisit.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest"):
            assert revisit.rec_headers.get_header("WARC-Payload-Digest") == target.rec_headers.get_header(
                "WARC-Payload-Digest"
            )


def test_an_export_after_a_no_change_rerun_writes_revisits_and_no_response(exported):
    assert exported.first.records["response"] > 0
    assert "response" not in exported.second.records
    revisits = sum(n for kind, n in exported.second.records.items() if kind.startswith("revisit/"))
    assert revisits > 0
    assert exported.second.captures > 0
    again = export(archive.connect(exported.source), exported.out)  # nothing new since: nothing written
    assert (again.captures, again.files) == (0, [])


def test_failures_without_a_response_and_nianbao_fields_are_metadata_records(exported):
    store = archive.connect(exported.source)
    keys = {key for key, _ in store.captures()}
    blocks = [r.content_stream().read() for _, r in records_of(warc_files(exported.out)) if r.rec_type == "metadata"]
    written = {
        line.split(": ", 1)[1]
        for block in blocks
        for line in block.decode().splitlines()
        if line.startswith("nianbao-capture-key: ")
    }
    assert written == keys  # every capture, answered or not, has its metadata record


def test_the_cdxj_index_lists_every_response_and_revisit(exported):
    lines = (exported.out / "index.cdxj").read_text().splitlines()
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    records = [r for _, r in records_of(warc_files(exported.out)) if r.rec_type in ("response", "revisit")]
    assert len(entries) == len(records)
    assert lines == sorted(lines)
    assert {e["filename"] for e in entries} == {p.name for p in warc_files(exported.out)}


def test_wacz_validates_and_lists_every_report_page_and_attachment_with_its_title(exported, tmp_path):
    source = archive.connect(exported.source)
    target = package(source, exported.out, tmp_path / "nianbao.wacz", "simulated web")
    assert validate(target) == []
    with zipfile.ZipFile(target) as wacz:
        datapackage = json.loads(wacz.read("datapackage.json"))
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]
        assert wacz.getinfo(f"archive/{warc_files(exported.out)[0].name}").compress_type == zipfile.ZIP_STORED
    assert datapackage["profile"] == "wacz"
    assert {r["path"] for r in datapackage["resources"]} >= {"pages/pages.jsonl", "indexes/index.cdx"}
    assert pages[0]["format"] == "json-pages-1.0"
    listed = {p["url"]: p for p in pages[1:]}
    for report in (r for r in exported.web.manifest["reports"] if r["year"] in ASKED):
        for url in (u for u in report["urls"] if not u["repost"]):
            page = listed[url["url"]]
            assert (page["agency"], page["year"]) == (report["agency"], report["year"])
            assert page["role"] in (("page",) if url["kind"] == "html" else ("page", "attachment"))
            assert page["title"].startswith(report["title"])


def catalog_state(url: str) -> dict[str, list]:
    """The catalog's reports, versions and cells without the times a harvest or an import decided them."""
    catalog = archive.open(url)
    reports = catalog.reports().to_pandas()
    versions = catalog.versions().to_pandas()
    cells = catalog.cells().to_pandas()
    return {
        "reports": sorted(
            reports[["agency", "year", "state", "current_version", "versions", "title", "content_hash"]].itertuples(
                index=False, name=None
            )
        ),
        "versions": sorted(
            versions[["agency", "year", "version", "kind", "content_hash"]].itertuples(index=False, name=None)
        ),
        "cells": sorted(
            cells[["agency", "year", "version", "table", "row", "column", "value"]]
            .astype(object)
            .where(cells.notna(), None)
            .itertuples(index=False, name=None),
            key=repr,
        ),
    }


def test_a_harvest_revisit_of_held_urls_carries_the_run_id_of_its_crawl(exported):
    """The third harvest revisits a moved report's old URLs (404) in a crawl of its own; an import settles
    captures by run, so the revisit must belong to the harvest's run, not make a visit alone."""
    moved = {m["old"] for m in exported.changes["redesigned"][0]["moved"]}
    captures = [c for _, c in archive.connect(exported.source).captures()]
    revisits = [c for c in captures if c.url in moved and c.status == 404]
    assert revisits, "the redesign left no 404 at an old URL to revisit"
    runs = {c.run_id for c in captures}
    assert len(runs) == 3  # one per harvest, revisits included
    [run] = {c.run_id for c in revisits}
    assert any(c.run_id == run and c.status == 200 and c.url not in moved for c in captures)


def test_round_trip_export_import_gives_the_same_reports_versions_and_cells(exported, tmp_path):
    target = str(tmp_path / "imported")
    summary = warc_import(
        files=[str(p) for p in warc_files(exported.out)], registry=exported.registry, archive_url=target
    )
    assert summary.counts()["failures"] == 0, [f for o in summary.outcomes for f in o.failures]
    assert summary.skipped == []
    archive.connect(exported.source).rebuild_catalog()
    expected, got = catalog_state(exported.source), catalog_state(target)
    corrected, withdrawn = exported.changes["corrected"][0], exported.changes["withdrawn"][0]
    kinds = {(a, y): k for a, y, n, k, _ in got["versions"] if n == 2}
    assert kinds[(corrected["agency"], corrected["year"])] == "content"  # the correction, version 2
    assert kinds[(withdrawn["agency"], withdrawn["year"])] == "withdrawn"  # its 404 survived the trip
    assert got == expected
    # captures come back with their own dates and keys
    original = {key for key, _ in archive.connect(exported.source).captures()}
    assert {key for key, _ in archive.connect(target).captures()} == original
    rerun = warc_import(
        files=[str(p) for p in warc_files(exported.out)], registry=exported.registry, archive_url=target
    )
    assert rerun.counts()["versions_created"] == 0
    assert catalog_state(target) == expected


def test_pywb_replays_a_report_page_and_a_pdf_attachment_byte_for_byte(exported, tmp_path):
    import socket
    import time
    import urllib.request

    wayback = ROOT / ".venv-pywb" / "bin" / "wayback"
    assert wayback.exists(), "pywb is installed by infra/bootstrap into .venv-pywb (its pins clash with Prefect's)"
    (tmp_path / "config.yaml").write_text(
        json.dumps(
            {
                "collections": {
                    "nianbao": {"index_paths": str(exported.out / "index.cdxj"), "archive_paths": f"{exported.out}/"}
                }
            }
        )
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [str(wayback), "-b", "127.0.0.1", "-p", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "pywb did not start within 60 s"
                time.sleep(0.3)
        source = archive.connect(exported.source)
        report = next(r for r in exported.web.manifest["reports"] if r["year"] in ASKED)
        page, pdf = (next(u["url"] for u in report["urls"] if u["kind"] == kind) for kind in ("html", "pdf"))
        for url in (page, pdf):
            capture = max((c for _, c in source.captures() if c.url == url and c.sha256), key=lambda c: c.fetched_at)
            stamp = "".join(ch for ch in capture.fetched_at if ch.isdigit())[:14]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/nianbao/{stamp}id_/{url}", timeout=30) as answer:
                assert answer.read() == source.get_raw(capture.sha256), url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_export_command_filters_by_agency_and_year_and_packages_a_wacz(exported, tmp_path):
    report = next(r for r in exported.web.manifest["reports"] if r["year"] in ASKED)
    args = ["warc", "export", "--archive", exported.source, "--out", str(tmp_path / "one")]
    args += ["--agency", report["agency"], "--year", str(report["year"]), "--wacz"]
    result = subprocess.run([sys.executable, "-m", "nianbao", *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    wacz_path = tmp_path / "one" / "one.wacz"
    assert f"wacz: {wacz_path}" in result.stdout
    assert validate(wacz_path) == []
    uris = {
        r.rec_headers.get_header("WARC-Target-URI")
        for _, r in records_of(warc_files(tmp_path / "one"))
        if r.rec_type in ("response", "revisit")
    }
    own = {u["url"] for u in report["urls"] if not u["repost"]}
    assert own <= uris
    others = {u["url"] for r in exported.web.manifest["reports"] if r is not report for u in r["urls"]}
    assert not uris & (others - own)

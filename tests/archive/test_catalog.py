"""The Parquet catalog: rebuilt from the immutable layer, read back from a directory and from S3."""

from __future__ import annotations

import dataclasses
import json

import pytest

from nianbao import archive
from nianbao.archive.errors import ArchiveError
from nianbao.flows.versioning import ingest, mark_withdrawn
from nianbao.parsers.record import Check
from tests.archive.reports_fixtures import capture, record

URL = "https://sthjj.example.gov.cn/ndbg/{year}.html"


def _fill(store: archive.Archive) -> None:
    for year in (2023, 2024):
        page = capture("sthjj", URL.format(year=year), f"{year + 1}-01-21T00:00:00Z", f"{year}".encode())
        store.add_capture(page)
        checked = dataclasses.replace(record(year=year), checks=(Check("R1", "total", False, "20 != 26"),))
        ingest(store, "sthjj", year, checked, [(page, "page")], page.fetched_at, region_code="320800")
    fix = capture("sthjj", URL.format(year=2024), "2025-03-01T00:00:00Z", b"fixed")
    store.add_capture(fix)
    ingest(
        store, "sthjj", 2024, record(new_received__total=None), [(fix, "page")], fix.fetched_at, region_code="320800"
    )
    gone = capture("sthjj", URL.format(year=2023), "2025-04-01T00:00:00Z", None, status=410)
    store.add_capture(gone)
    mark_withdrawn(store, "sthjj", 2023, gone, gone.fetched_at)
    store.add_capture(capture("sthjj", "https://sthjj.example.gov.cn/ndbg/", "2025-04-01T00:00:00Z", b"listing"))


def _partition(catalog: archive.Catalog) -> dict:
    """Every file of the manifest, the buckets' and the derived tables' (the agencies bucket)."""
    partitions = catalog.manifest()["partitions"]
    files: dict[str, list[str]] = {}
    for partition in partitions.values():
        for table, keys in partition["files"].items():
            files.setdefault(table, []).extend(keys)
    return {"files": files}


def test_catalog_tables_from_the_archive(archive_url: str) -> None:
    store = archive.connect(archive_url)
    _fill(store)
    rows = store.rebuild_catalog()
    r5 = 7  # 2024's carried_over against 2023's carried_forward, one check per applicant column
    assert rows == {
        **{"reports": 2, "versions": 4, "captures": 5, "cells": 3 * 175, "checks": 2 + r5},
        **{"agencies": 0, "ledger": 2, "scorecard": 2, "wide": 2},  # no registry kept: the ledger knows only sthjj
    }
    catalog = archive.open(archive_url)
    objects = set(store.store.list("catalog/"))
    objects.remove("catalog/manifest.json")
    assert objects == {key for files in _partition(catalog)["files"].values() for key in files}
    assert all(key.endswith(".parquet") for key in objects), "no directory markers, no leftovers"

    reports = {r["year"]: r for r in catalog.reports().to_pylist()}
    assert (reports[2024]["state"], reports[2024]["current_version"], reports[2024]["versions"]) == ("current", 2, 2)
    assert (reports[2023]["state"], reports[2023]["current_version"], reports[2023]["content_version"]) == (
        "withdrawn",
        2,
        1,
    )
    assert reports[2023]["title"] == "某某市生态环境局2023年政府信息公开工作年度报告", (
        "the withdrawn report keeps its record"
    )
    assert reports[2024]["region_code"] == "320800"
    assert str(reports[2023]["withdrawn_at"]) == "2025-04-01 00:00:00+00:00"

    [change] = [v for v in catalog.versions(year=2024).to_pylist() if v["version"] == 2]
    assert json.loads(change["diff"]) == [
        {"path": "applications.new_received.total", "old": 1, "new": None, "kind": "cell"}
    ]
    cells = catalog.cells(year=2024).to_pandas()
    current = cells[cells.is_current & (cells.row == "new_received") & (cells.column == "total")]
    assert current.value.isna().all() and len(current) == 1, "blank kept as null, not 0"
    assert len(catalog.cells(year=2023)) == 175

    captures = catalog.captures().to_pandas()
    listing = captures[captures.url == "https://sthjj.example.gov.cn/ndbg/"]
    assert listing.year.isna().all() and listing.role.isna().all(), "an unlinked capture is kept, with no report"
    assert set(captures[captures.status == 410].role) == {"evidence"}
    checks = catalog.checks(year=2024, agency="sthjj").to_pylist()
    assert [c["passed"] for c in checks if c["rule"] == "R1"] == [False]
    assert {(c["rule"], c["passed"]) for c in checks if c["rule"] != "R1"} == {("R5", True)}

    con = catalog.duckdb()
    assert con.sql("select count(*) from reports where state = 'withdrawn'").fetchall() == [(1,)]


def test_rebuild_replaces_stale_partitions(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    page = capture("sthjj", URL.format(year=2024), "2025-01-21T00:00:00Z")
    store.add_capture(page)
    store.rebuild_catalog()
    assert archive.open(str(tmp_path)).captures().column("year").to_pylist() == [None]
    ingest(store, "sthjj", 2024, record(), [(page, "page")], page.fetched_at)
    store.rebuild_catalog()
    assert archive.open(str(tmp_path)).captures().column("year").to_pylist() == [2024]


def test_reading_a_missing_catalog_says_how_to_build_it(tmp_path) -> None:
    with pytest.raises(ArchiveError, match="nianbao catalog --archive"):
        archive.open(str(tmp_path)).reports()


def test_catalog_cells_carry_each_values_provenance(tmp_path) -> None:
    from nianbao.parsers.record import Provenance

    store = archive.connect(str(tmp_path / "archive"))
    page = capture("sthjj", URL.format(year=2024), "2025-01-21T00:00:00Z", b"2024")
    store.add_capture(page)
    where = Provenance("applications", "new_received", "total", "inferred", "text", 1, 4, 1)
    ingest(store, "sthjj", 2024, dataclasses.replace(record(year=2024), provenance=(where,)), [(page, "page")],
           page.fetched_at)  # fmt: skip
    store.rebuild_catalog()
    cells = archive.open(str(tmp_path / "archive")).cells(year=2024).to_pylist()
    [cell] = [c for c in cells if (c["table"], c["row"], c["column"]) == ("applications", "new_received", "total")]
    assert (cell["method"], cell["source_table"], cell["source_row"], cell["source_column"]) == ("inferred", 1, 4, 1)
    assert all(c["method"] is None for c in cells if c is not cell)

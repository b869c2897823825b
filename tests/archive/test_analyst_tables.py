"""The agencies, ledger and scorecard tables: from a kept registry and the reports of an archive."""

from __future__ import annotations

import dataclasses
from datetime import date

from nianbao import archive
from nianbao.archive.agencies import current_registry, keep_registry
from nianbao.archive.ledger import State, entry
from nianbao.archive.scorecard import score
from nianbao.flows.versioning import ingest
from nianbao.parsers.record import Check, freeze_table
from nianbao.parsers.templates import TEMPLATE_2021
from tests.archive.reports_fixtures import capture, record

REGISTRY = [
    {"id": "gov", "name": "某某市人民政府", "level": "city", "region_code": "330100", "start_urls": ["https://g/"]},
    {"id": "sthjj", "name": "某某市生态环境局", "level": "department", "parent": "gov", "region_code": "330102"},
    {"id": "jyj", "name": "某某市教育局", "level": "department", "parent": "gov", "region_code": "330102"},
]


def full(**changes):
    """A 2021 record with all three tables filled (1 in every cell)."""
    tables = {
        key: freeze_table({row.key: dict.fromkeys(row.columns, 1) for row in TEMPLATE_2021.table(key).rows})
        for key in ("active_disclosure", "review_litigation")
    }
    return dataclasses.replace(record(), **tables, **changes)


def _report(store, agency: str, year: int, published: str, **changes) -> None:
    page = capture(agency, f"https://{agency}.example.gov.cn/{year}.html", f"{year + 1}-05-01T00:00:00Z")
    store.add_capture(page)
    held = dataclasses.replace(full(year=year), publish_date=published, **changes)
    ingest(store, agency, year, held, [(page, "page")], page.fetched_at)


def test_kept_registry_names_and_places_every_agency_and_report(tmp_path):
    store = archive.connect(str(tmp_path))
    first = keep_registry(store.store, REGISTRY)
    assert keep_registry(store.store, REGISTRY) == first and current_registry(store.store)[0]["id"] == "gov"
    _report(store, "sthjj", 2024, "2025-01-20")
    store.rebuild_catalog()
    catalog = archive.open(str(tmp_path))

    agencies = {a["agency"]: a for a in catalog.table("agencies").to_pylist()}
    assert (agencies["sthjj"]["province"], agencies["sthjj"]["city"], agencies["sthjj"]["county"]) == (
        "浙江省",
        "杭州市",
        "上城区",
    )
    assert (agencies["gov"]["county"], agencies["sthjj"]["parent_name"]) == (None, "某某市人民政府")
    assert agencies["gov"]["start_urls"] == ["https://g/"]
    [row] = catalog.reports().to_pylist()
    assert (row["agency_name"], row["level"], row["region_code"]) == ("某某市生态环境局", "department", "330102")


def test_ledger_and_scorecard_of_an_archive(tmp_path):
    store = archive.connect(str(tmp_path))
    keep_registry(store.store, REGISTRY)
    _report(store, "sthjj", 2024, "2025-01-20")  # on time
    failing = (Check("R1", "applications.total", False, "3 != 4"),)
    _report(store, "jyj", 2024, "2025-02-10", checks=failing)  # a department after 31 January: late
    _report(store, "gov", 2023, "2024-03-30")  # a government by 31 March: on time
    store.rebuild_catalog()
    catalog = archive.open(str(tmp_path))

    states = {(r["agency"], r["year"]): r["state"] for r in catalog.table("ledger").to_pylist()}
    assert states == {
        ("sthjj", 2024): "found",
        ("jyj", 2024): "late",
        ("gov", 2023): "found",
        ("gov", 2024): "missing",
        ("sthjj", 2023): "missing",
        ("jyj", 2023): "missing",
    }
    [late] = [r for r in catalog.table("ledger").to_pylist() if r["state"] == "late"]
    assert (late["days_late"], late["basis"]) == (10, "publish_date")
    grades = {(r["agency"], r["year"]): r["grade"] for r in catalog.table("scorecard").to_pylist()}
    assert grades == {("sthjj", 2024): "A", ("jyj", 2024): "C", ("gov", 2023): "A"}


def test_a_report_not_yet_due_is_not_missing_and_an_unknown_level_is_never_late():
    department = {"agency": "a", "level": "department"}
    assert entry(department, 2025, None, today=date(2026, 1, 31))["state"] == State.NOT_DUE
    assert entry(department, 2025, None, today=date(2026, 2, 1))["state"] == State.MISSING
    report = {"state": "current", "publish_date": "2026-03-01", "first_seen": None}
    assert entry({"agency": "a", "level": None}, 2025, report, today=date(2026, 6, 1))["state"] == State.FOUND
    assert entry({"agency": "a", "level": "county"}, 2025, report, today=date(2026, 6, 1))["state"] == State.FOUND
    assert entry(department, 2025, report, today=date(2026, 6, 1))["state"] == State.LATE


def test_grades_follow_the_documented_order():
    clean = full().to_dict()
    assert score(clean, [], late=False)["grade"] == "A"
    assert score(clean, [], late=True)["grade"] == "B"
    soft = [{"rule": "R5", "passed": False}]
    assert score(clean, soft, late=False)["grade"] == "B"
    inferred = clean | {"provenance": [{"method": "inferred"}], "warnings": []}
    assert score(inferred, [], late=False)["grade"] == "B"
    ocr = clean | {"provenance": [{"method": "ocr"}, {"method": "grid"}]}
    assert (score(ocr, [], late=False)["grade"], score(ocr, [], late=False)["cells_ocr"]) == ("C", 1)
    assert score(clean | {"review_litigation": None}, [], late=False)["grade"] == "D"

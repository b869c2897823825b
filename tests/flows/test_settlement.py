"""Settlement decisions that need no crawl: which rendering's reading is compared with the held version."""

from __future__ import annotations

import dataclasses

from nianbao import archive
from nianbao.flows.identity import Document, ReportGroup
from nianbao.flows.settlement import Crawled, _versioned_reading, settle
from nianbao.flows.versioning import ingest
from nianbao.parsers import parse
from tests.archive.reports_fixtures import capture, record

PAGE = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.html"
PDF = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.pdf"


def test_a_rendering_that_still_reads_as_the_held_version_keeps_the_report_unchanged(tmp_path):
    store = archive.connect(str(tmp_path))
    held = record()
    ingest(
        store, "sthjj", 2024, held, [(capture("sthjj", PAGE, "2025-01-21T00:00:00Z"), "page")], "2025-01-21T00:00:00Z"
    )
    # This time the PDF downloaded too, and it reads fuller than the page did: still the same report.
    page = Document(capture("sthjj", PAGE, "2025-02-02T00:00:00Z"), held)
    pdf = Document(capture("sthjj", PDF, "2025-02-02T00:00:01Z", b"%PDF"), record(new_received__natural_person=7))
    group = ReportGroup("sthjj", 2024, primary=pdf, members=[(page, "page"), (pdf, "attachment")])
    assert _versioned_reading(store.holding("sthjj", 2024), group) is held


def test_when_no_rendering_reads_as_the_held_version_the_primary_is_versioned(tmp_path):
    store = archive.connect(str(tmp_path))
    ingest(
        store,
        "sthjj",
        2024,
        record(),
        [(capture("sthjj", PAGE, "2025-01-21T00:00:00Z"), "page")],
        "2025-01-21T00:00:00Z",
    )
    corrected = record(new_received__natural_person=7)
    page = Document(capture("sthjj", PAGE, "2025-03-02T00:00:00Z", b"<html>v2</html>"), corrected)
    group = ReportGroup("sthjj", 2024, primary=page, members=[(page, "page")])
    assert _versioned_reading(store.holding("sthjj", 2024), group) is corrected


def test_an_unreadable_body_is_a_failure_of_the_year_the_crawler_read_in_its_link(tmp_path):
    """The link said 2024 (the crawler kept it on the capture); its text alone names no year."""
    store = archive.connect(str(tmp_path))
    body = b"%PDF-1.4 truncated in transit"
    store.put_raw(body, "application/pdf")
    broken = dataclasses.replace(
        capture("sthjj", PDF, "2025-02-02T00:00:00Z", body),
        content_type="application/pdf",
        link_text="年度报告（图片版）",
        year=2024,
    )
    store.add_capture(broken)

    def read(found, sha256):
        return parse(store.get_raw(sha256), url=found.url, content_type=found.content_type, agency=found.agency)

    [outcome] = settle(
        store, ["sthjj"], {"sthjj": "某某市生态环境局"}, [2023, 2024], "2025-02-01T00:00:00Z",
        {"sthjj": Crawled(None, 1)}, read,
    )  # fmt: skip
    assert outcome.coverage == {2023: "missing", 2024: "failed"}
    [failure] = outcome.failures
    assert failure.startswith(f"{PDF}: ") and "not a readable PDF" in failure

"""Settlement decisions that need no crawl: which rendering's reading is compared with the held version."""

from __future__ import annotations

from nianbao import archive
from nianbao.flows.identity import Document, ReportGroup
from nianbao.flows.settlement import _versioned_reading
from nianbao.flows.versioning import ingest
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

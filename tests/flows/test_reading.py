"""Reading stored bodies for settlement: the archive's parse cache, and OCR only where nothing else reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from nianbao import archive
from nianbao.archive import keys
from nianbao.archive.captures import CaptureKind
from nianbao.archive.errors import NotFound
from nianbao.flows.reading import DEFERRED, StoredReader
from nianbao.flows.settlement import Crawled, settle
from nianbao.parsers import parse
from nianbao.parsers.errors import ParseError
from nianbao.simweb import documents
from nianbao.simweb.pages import report_page
from nianbao.simweb.world import build
from tests.archive.reports_fixtures import capture

FIXTURES = Path(__file__).parents[1] / "parsers" / "fixtures"
SINCE = "2025-02-01T00:00:00Z"


def _stored(store: archive.Archive, url: str, body: bytes, at: str, **fields):
    store.put_raw(body)
    found = dataclasses.replace(capture("sim", url, at, body), **fields)
    store.add_capture(found)
    return found


def _forget_body(root: Path, sha256: str) -> None:
    (root / keys.raw_key(sha256)).unlink()


def test_a_body_is_parsed_once_per_parser_version_and_read_back_after(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    body = (FIXTURES / "blank-form-2021.html").read_bytes()
    page = _stored(store, "https://sim.example.gov.cn/a.html", body, "2025-02-02T00:00:00Z")
    first = StoredReader(store)(page, page.sha256)
    _forget_body(tmp_path, page.sha256)  # from here on, only the kept outcome can answer
    assert StoredReader(store)(page, page.sha256) == first
    assert StoredReader(store).quick(page, page.sha256) == first  # a full read answers a quick one
    with pytest.raises(NotFound):  # another parser version parses again, and the body is gone
        StoredReader(store, parser_version="0.0.1")(page, page.sha256)


def test_an_unreadable_body_is_kept_as_its_reason(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    broken = _stored(store, "https://sim.example.gov.cn/a.pdf", b"%PDF-1.4 cut short", "2025-02-02T00:00:00Z")
    with pytest.raises(ParseError, match="not a readable PDF") as first:
        StoredReader(store)(broken, broken.sha256)
    _forget_body(tmp_path, broken.sha256)
    with pytest.raises(ParseError) as again:
        StoredReader(store)(broken, broken.sha256)
    assert str(again.value) == str(first.value)


def test_a_quick_read_of_a_picture_pdf_is_kept_apart_from_its_full_read(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    body = (FIXTURES / "pdf" / "image-only.pdf").read_bytes()
    scan = _stored(store, "https://sim.example.gov.cn/scan.pdf", body, "2025-02-02T00:00:00Z")
    quick = StoredReader(store).quick(scan, scan.sha256)
    assert DEFERRED in {w.code for w in quick.warnings}
    assert store.parsed(StoredReader(store).parser_version, scan.sha256) is None  # no full read kept
    assert store.parsed(StoredReader(store).parser_version, scan.sha256, ocr=False) is not None


@pytest.fixture(scope="module")
def picture_report():
    """A simulated report published as a full page with a 图片版 PDF beside it."""
    world = build(seed=5, size=30, years=(2024, 2024))
    report = next(r for r in world.reports.values() if r.renderings == ("html", "image-pdf") and r.figures)
    return world, report


def _settle_picture_report(tmp_path, picture_report, with_page: bool):
    world, report = picture_report
    agency = world.agency(report.agency)
    page_url, pdf_url = (u["url"] for u in world.report_urls(report)[:2])
    store = archive.connect(str(tmp_path))
    if with_page:
        html = report_page(world, agency, report, [pdf_url]).encode("utf-8")
        _stored(store, page_url, html, "2025-02-02T00:00:00Z", agency=agency.id, content_type="text/html")
    _stored(
        store, pdf_url, documents.image_pdf(report), "2025-02-02T00:00:01Z",
        agency=agency.id, kind=CaptureKind.ATTACHMENT, referrer=page_url, content_type="application/pdf",
    )  # fmt: skip
    full_reads = []

    def full(found, sha256):
        full_reads.append(found.url)
        # Recognising the pictures takes seconds; what is under test is which bodies are asked for.
        return quick(found, sha256)

    def quick(found, sha256):
        return parse(store.get_raw(sha256), url=found.url, content_type=found.content_type, ocr=False)

    [outcome] = settle(
        store, [agency.id], {agency.id: agency.name}, [2024], SINCE, {agency.id: Crawled(None, 2)}, full, quick=quick
    )
    return store, agency.id, pdf_url, outcome, full_reads


def test_a_picture_pdf_beside_a_readable_page_is_not_read_by_ocr_and_the_version_says_so(
    tmp_path, picture_report
) -> None:
    store, agency, pdf_url, outcome, full_reads = _settle_picture_report(tmp_path, picture_report, with_page=True)
    assert full_reads == []
    assert outcome.coverage == {2024: "found"} and outcome.new == 1
    version = store.holding(agency, 2024).latest
    assert pdf_url in {link.url for link in version.captures}  # the capture is kept with the report
    [note] = [w for w in version.record.warnings if w.code == DEFERRED]
    assert pdf_url in note.message


def test_a_picture_pdf_nothing_else_stands_in_for_is_read_in_full(tmp_path, picture_report) -> None:
    _, _, pdf_url, _, full_reads = _settle_picture_report(tmp_path, picture_report, with_page=False)
    assert full_reads == [pdf_url]

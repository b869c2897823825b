"""A report published as a page of pictures is read as one document, its pictures in the page's order.

The integration test needs Tesseract with chi_sim and a CJK font (`infra/bootstrap
--with-system-packages` installs both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from nianbao import archive
from nianbao.archive.captures import Capture, CaptureKind
from nianbao.crawler.run import crawl
from nianbao.flows.pictures import picture_sets
from nianbao.flows.reading import StoredReader
from nianbao.flows.settlement import Crawled, Found, reparse_reports, settle
from nianbao.parsers import ParseError, parse
from nianbao.parsers.record import ReportRecord
from tests.archive.reports_fixtures import capture
from tests.parsers.test_ocr import _compare, _engine_and_font  # noqa: F401 - fails without Tesseract or a font

SINCE = "2025-02-01T00:00:00Z"
SITE = "https://sim.example.gov.cn"
FIXTURES = Path(__file__).parents[1] / "parsers" / "fixtures"
TABLES = ("active_disclosure", "applications", "review_litigation")


def _stored(store: archive.Archive, url: str, body: bytes, at: str, **fields) -> Capture:
    store.put_raw(body)
    found = dataclasses.replace(capture("sim", url, at, body), **fields)
    store.add_capture(found)
    return found


def _picture_page(store: archive.Archive) -> tuple[Capture, list[Capture]]:
    """A page showing b.png then a.png (a logo around them); a.png fetched first, b.png second."""
    page = (
        '<html><body><img src="/img/site_logo.png"><h1>某某县人民政府2024年政府信息公开工作年度报告</h1>'
        '<p><img src="/files/b.png"></p><p><img src="/files/a.png"></p></body></html>'
    ).encode()
    shown = _stored(store, f"{SITE}/nb/2024.html", page, "2025-02-02T00:00:00Z", content_type="text/html")
    pictures = []
    for name, at in (("a", "2025-02-02T00:00:01Z"), ("b", "2025-02-02T00:00:02Z")):
        body = b"\x89PNG\r\n\x1a\n" + name.encode()
        fields = {"kind": CaptureKind.ATTACHMENT, "referrer": shown.url, "content_type": "image/png"}
        pictures.append(_stored(store, f"{SITE}/files/{name}.png", body, at, **fields))
    return shown, pictures


def test_the_pictures_of_a_page_are_read_together_in_the_page_s_order(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    shown, _ = _picture_page(store)
    tables = parse((FIXTURES / "gbk-portal-2021.html").read_bytes(), url="https://x.gov.cn/nb.html")
    asked: list[list[str]] = []

    def pictures(bodies: Sequence[tuple[Capture, str]]) -> ReportRecord:
        asked.append([c.url.removeprefix(SITE) for c, _ in bodies])
        return dataclasses.replace(tables, year=None, agency=None)  # pictures of tables name no year

    def one_by_one(found: Capture, sha256: str) -> ReportRecord:
        assert found.url == shown.url, "a picture of the page must not be read alone"
        return parse(store.get_raw(sha256), url=found.url, content_type=found.content_type)

    [outcome] = settle(
        store, ["sim"], {"sim": "某某县人民政府"}, [2024], SINCE, {"sim": Crawled(None, 3)}, one_by_one,
        pictures=pictures,
    )  # fmt: skip
    assert asked == [["/files/b.png", "/files/a.png"]]  # the page's order, not the URLs' nor the fetches'
    assert outcome.coverage == {2024: "found"} and outcome.new == 1
    version = store.holding("sim", 2024).latest
    assert {link.url.removeprefix(SITE) for link in version.captures} == {
        "/nb/2024.html",
        "/files/a.png",
        "/files/b.png",
    }
    assert version.record.applications == tables.applications  # the pictures' reading is the report's
    again = reparse_reports(store, "sim", [2024], None, one_by_one, pictures=pictures)
    assert asked[-1] == ["/files/b.png", "/files/a.png"] and again.unchanged == 1  # a reparse reads them alike


def test_a_picture_whose_page_was_not_read_is_read_alone(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    _, pictures = _picture_page(store)
    bodies = [(c, c.sha256) for c in pictures]
    others, sets = picture_sets(bodies, store.get_raw)
    assert (others, sets) == (bodies, [])


def test_the_cached_reading_of_pictures_is_kept_per_order(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    _, pictures = _picture_page(store)
    reader = StoredReader(store)
    with pytest.raises(ParseError, match="none of the 2 pictures is readable"):
        reader.pictures([(c, c.sha256) for c in pictures])
    with pytest.raises(ParseError, match=r"picture 1 of 2: .*b\.png"):  # the other order is another reading
        reader.pictures([(c, c.sha256) for c in reversed(pictures)])


@pytest.mark.integration
def test_a_simulated_report_published_as_pictures_is_crawled_settled_and_read_back(tmp_path) -> None:
    from nianbao.simweb import Faults, SimWeb

    faults = dataclasses.replace(Faults.none(), picture_pages=1.0)
    with SimWeb(seed=11, agencies=1, years=(2024, 2024), faults=faults) as web:
        [report] = web.world.reports.values()
        assert report.pictured
        registry = tmp_path / "registry.yaml"
        web.write_registry(registry)
        url = str(tmp_path / "archive")
        fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "NIANBAO_RETRY_BACKOFF": 0.2}
        summary = crawl(str(registry), url, years=[2024], settings_overrides=fast)
        urls = [u["url"] for u in web.world.report_urls(report)]
    store = archive.connect(url)
    agency = web.world.agency(report.agency)
    reader = StoredReader(store)
    crawled = {agency.id: Crawled(None, summary.to_dict()["downloaded"])}
    found = {agency.id: Found.since(store, agency.id, "2000-01-01T00:00:00Z")}
    [outcome] = settle(
        store, [agency.id], {agency.id: agency.name}, [2024], "2000-01-01T00:00:00Z", crawled, reader,
        quick=reader.quick, found=found, pictures=reader.pictures,
    )  # fmt: skip
    assert outcome.coverage == {2024: "found"}, outcome.failures
    version = store.holding(agency.id, 2024).latest
    assert {link.url for link in version.captures} == set(urls)  # the page and each of its pictures
    assert all(not link.url.endswith("logo.png") and "wx_code" not in link.url for link in version.captures)
    record = version.record.to_dict()
    right, total, wrong = _compare({k: report.figures[k] for k in TABLES}, record)
    assert wrong == []  # never a wrong number: what OCR cannot place is absent
    assert right >= 0.85 * total, (right, total)
    ocr_cells = [p for p in record["provenance"] if p["method"] == "ocr"]
    assert ocr_cells and all(0.0 < p["confidence"] <= 1.0 for p in ocr_cells if p["confidence"] is not None)
    # Each cell names its picture: table 2 is picture 1, table 3 is cut across pictures 2 and 3 and
    # read whole, table 4 is picture 4.
    pages = {(p["table"], p["page"]) for p in ocr_cells}
    assert pages == {("active_disclosure", 1), ("applications", 2), ("applications", 3), ("review_litigation", 4)}
    assert (record["year"], record["title"]) == (2024, report.title)  # named by the page the pictures are on

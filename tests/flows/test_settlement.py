"""Settlement decisions that need no crawl: which rendering's reading is compared with the held version."""

from __future__ import annotations

import dataclasses

from nianbao import archive
from nianbao.archive import reports as shelves
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
    assert failure.startswith(PDF) and "not a readable PDF" in failure
    assert failure.count(PDF) == 1, failure  # named once, not "url: url is not a readable PDF"


def test_a_held_url_is_requested_again_even_when_a_repost_of_the_same_year_is_listed(tmp_path):
    """A parent portal's repost column names every year: its own withdrawn report must still be revisited."""
    from dataclasses import replace

    from nianbao.flows.settlement import Found, unvisited

    own = "https://gov.example.gov.cn/zfxxgk/ndbg/2024.html"
    repost = "https://gov.example.gov.cn/bmnb/sthjj-2024.html"
    store = archive.connect(str(tmp_path))
    ingest(
        store,
        "gov",
        2024,
        record("某某市人民政府"),
        [(capture("gov", own, "2025-01-21T00:00:00Z"), "page")],
        "2025-01-21T00:00:00Z",
    )
    listed = replace(
        capture("gov", repost, "2025-06-01T00:00:01Z"), link_text="某某市生态环境局2024年政府信息公开工作年度报告"
    )
    store.add_capture(listed)
    found = Found.since(store, "gov", "2025-06-01T00:00:00Z")
    assert unvisited(store.holdings([("gov", 2024)]), "gov", [2024], found) == [own]


def test_a_report_whose_text_names_no_body_is_issued_by_the_registry_name_not_the_id(tmp_path):
    from dataclasses import replace

    from nianbao.flows.settlement import Crawled, settle
    from nianbao.parsers import parse

    store = archive.connect(str(tmp_path))
    lines = ["2024年政府信息公开工作年度报告", "本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。"]
    data = "\n".join([*lines, "一、总体情况", "全年主动公开信息12条。", "2025年1月20日"]).encode()
    store.put_raw(data, "text/plain")
    url = "https://sim.example.gov.cn/ndbg/2024.txt"
    store.add_capture(replace(capture("sim-0008", url, "2025-02-01T00:00:01Z", data), content_type="text/plain"))

    def read(found, digest):
        return parse(store.get_raw(digest), url=found.url, content_type=found.content_type)

    names = {"sim-0008": "某某县农业农村局"}
    crawled = {"sim-0008": Crawled(None, 1)}
    [outcome] = settle(
        store, ["sim-0008"], names, [2024], "2025-02-01T00:00:00Z", crawled, read, regions={"sim-0008": "330102"}
    )
    assert outcome.found == 1, outcome.failures
    held = shelves.latest_version(store.store, "sim-0008", 2024)
    assert (held.record.agency, held.record.publish_date, held.extra) == (
        "某某县农业农村局",
        "2025-01-20",
        {"region_code": "330102"},
    )


def test_a_department_report_gone_from_its_site_is_withdrawn_though_its_parent_still_reposts_it(tmp_path):
    from dataclasses import replace

    from nianbao.flows.settlement import Crawled, settle
    from nianbao.parsers import parse

    store = archive.connect(str(tmp_path))
    lines = [
        "某某市生态环境局2024年政府信息公开工作年度报告",
        "一、总体情况",
        "全年主动公开信息12条。",
        "2025年1月20日",
    ]
    data = "\n".join(lines).encode()
    store.put_raw(data, "text/plain")
    own, copy = "https://sthjj.example.gov.cn/ndbg/2024.txt", "https://gov.example.gov.cn/bmnb/sthjj-2024.txt"

    def read(found, digest):
        return parse(store.get_raw(digest), url=found.url, content_type="text/plain")

    def run(since: str, *captures) -> None:
        for found in captures:
            store.add_capture(found)
        names = {"gov": "某某市人民政府", "sthjj": "某某市生态环境局"}
        crawled = {agency: Crawled(None, 1) for agency in names}
        settle(store, ["gov", "sthjj"], names, [2024], since, crawled, read, {own})

    first = "2025-02-01T00:00:00Z"
    run(first, capture("sthjj", own, "2025-02-01T00:00:01Z", data), capture("gov", copy, "2025-02-01T00:00:02Z", data))
    assert shelves.latest_version(store.store, "sthjj", 2024).kind == "content"

    later = "2025-06-01T00:00:00Z"
    gone = replace(capture("sthjj", own, "2025-06-01T00:00:01Z", None, status=404), kind=None)
    run(later, gone, capture("gov", copy, "2025-06-01T00:00:02Z", data))
    latest = shelves.latest_version(store.store, "sthjj", 2024)
    assert (latest.kind, latest.evidence["url"], latest.evidence["status"]) == ("withdrawn", own, 404)

    run(
        "2025-09-01T00:00:00Z",
        replace(gone, fetched_at="2025-09-01T00:00:01Z"),
        capture("gov", copy, "2025-09-01T00:00:02Z", data),
    )
    assert shelves.latest_version(store.store, "sthjj", 2024).number == latest.number, "withdrawn once, not again"


def test_a_held_url_answering_in_a_visit_is_read_as_the_report_without_a_revisited_list(tmp_path):
    """The revisit crawl records a held report URL as a start page (`listing`); a WARC import settles
    that capture with no list of revisited URLs, and must still find the report unchanged."""
    from dataclasses import replace

    from nianbao.flows.settlement import Crawled, settle
    from nianbao.parsers import parse

    store = archive.connect(str(tmp_path))
    lines = ["某某市生态环境局2024年政府信息公开工作年度报告", "一、总体情况", "全年主动公开信息12条。"]
    data = "\n".join(lines).encode()
    store.put_raw(data, "text/plain")
    own = "https://sthjj.example.gov.cn/ndbg/2024.txt"

    def read(found, digest):
        return parse(store.get_raw(digest), url=found.url, content_type="text/plain")

    def run(since: str, found) -> object:
        store.add_capture(found)
        names = {"sthjj": "某某市生态环境局"}
        [outcome] = settle(store, ["sthjj"], names, [2024], since, {"sthjj": Crawled(None, 1)}, read)
        return outcome

    assert run("2025-02-01T00:00:00Z", capture("sthjj", own, "2025-02-01T00:00:01Z", data)).new == 1
    revisit = replace(capture("sthjj", own, "2025-06-01T00:00:01Z", data), kind="listing")
    outcome = run("2025-06-01T00:00:00Z", revisit)
    assert (outcome.found, outcome.unchanged, outcome.coverage) == (1, 1, {2024: "found"}), outcome.failures
    assert shelves.get_head(store.store, "sthjj", 2024).last_seen == "2025-06-01T00:00:00Z"

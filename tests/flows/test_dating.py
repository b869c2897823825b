"""Publish dates for renderings that do not carry one: the linking page first, then the report's date line."""

from __future__ import annotations

from dataclasses import replace

from nianbao.flows.dating import date_line, dated
from nianbao.flows.identity import Document, ReportGroup
from nianbao.parsers.record import Section
from tests.archive.reports_fixtures import capture, record

PAGE = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.html"
PDF = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.pdf"
REPOST = "https://gov.example.gov.cn/bmnb/sthjj-2024.html"


def undated(text: str = "全年主动公开政府信息1234条。") -> object:
    return replace(record(), publish_date=None, rendering="pdf", sections=(Section("六、其他需要报告的事项", text),))


def test_an_attachment_takes_the_publish_date_of_its_own_page_not_of_a_repost():
    pdf = Document(replace(capture("sthjj", PDF, "2025-02-02T00:00:01Z", b"%PDF"), referrer=PAGE), undated())
    page = Document(capture("sthjj", PAGE, "2025-02-02T00:00:00Z"), replace(record(), publish_date="2025-01-18"))
    repost = Document(capture("gov", REPOST, "2025-02-02T00:00:02Z"), replace(record(), publish_date="2025-03-01"))
    group = ReportGroup("sthjj", 2024, pdf, [(repost, "repost"), (pdf, "attachment"), (page, "page")])
    assert dated(pdf.record, group).publish_date == "2025-01-18"
    alone = ReportGroup("sthjj", 2024, pdf, [(repost, "repost"), (pdf, "page")])
    assert dated(pdf.record, alone).publish_date is None, "a repost's date is the portal's, not the report's"


def test_a_closing_date_line_dates_a_report_with_no_page():
    text = "本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。\n其他事项无。\n某某市生态环境局\n2025年1月20日"
    group = ReportGroup("sthjj", 2024, Document(capture("sthjj", PDF, "2025-02-02T00:00:01Z"), undated(text)))
    assert dated(undated(text), group).publish_date == "2025-01-20"


def test_dates_in_the_prose_or_in_the_report_year_are_not_a_date_line():
    assert date_line(undated("2024年12月31日止，共受理申请12件。")) is None
    assert date_line(undated("统计截至\n2024年12月31日")) is None  # inside the report year: not a publish date

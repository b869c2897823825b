"""Report titles: every variant of the spec with its year; the non-reports that share the column."""

from __future__ import annotations

import pytest

from nianbao.crawler.titles import is_column_link, is_report_link, is_report_title, report_year

REPORTS = [
    ("XX2023年政府信息公开工作年度报告", 2023),
    ("XX2021年度政府信息公开工作年度报告", 2021),
    ("XX2024年度政府信息公开年报", 2024),
    ("XX政府信息公开工作2022年度报告", 2022),
    ("XX2019年度政府信息公开工作报告", 2019),
    ("XX2016年政务信息公开年度报告", 2016),
    ("河南省生态环境厅 2019 年政府信息公开工作年度报告", 2019),
    ("平潭县人民政府二〇一三年政府信息公开工作年度报告", 2013),
    ("ＸＸ２０２０年政府信息公开工作年度报告", 2020),  # full-width digits (NFKC)
    ("关于报送2023年度政府信息公开工作年度报告的函", 2023),  # the report as a cover letter's attachment
    ("…政府信息公开 工作告年度报》", None),  # scrambled, year split off
]
NOT_REPORTS = [
    "关于2014年政府信息公开工作要点落实情况的函",
    "青山市人民政府2022年政务公开工作要点",
    "关于做好2023年政府信息公开工作年度报告编制工作的通知",
    "政府信息公开指南",
    "2023年政府工作报告",
    "政务公开工作通知",
]


@pytest.mark.parametrize(("title", "year"), REPORTS)
def test_report_titles_are_recognised_with_their_year(title: str, year: int | None) -> None:
    assert is_report_title(title)
    assert report_year(title) == year


@pytest.mark.parametrize("title", NOT_REPORTS)
def test_non_reports_are_skipped(title: str) -> None:
    assert not is_report_title(title)


def test_a_yearless_report_title_on_a_column_url_is_the_column() -> None:
    assert is_column_link("政府信息公开年报", "http://h/zfxxgk/zfxxgknb/")
    assert not is_report_link("政府信息公开年报", "http://h/zfxxgk/zfxxgknb/")
    assert is_report_link("XX局政府信息公开工作年度报告", "http://h/zfxxgk/zfxxgknb/202401/t20240131_1.html")


@pytest.mark.parametrize(
    "path", ["/zfxxgk/zfxxgknb/", "/xxgknb/index.htm", "/gknb/", "/ndbg/", "/zfxxgkndbg/", "/bmnb/"]
)
def test_column_paths(path: str) -> None:
    assert is_column_link("", f"http://h{path}")


def test_a_detail_page_inside_a_column_is_not_the_column() -> None:
    assert not is_column_link("", "http://h/zfxxgk/zfxxgknb/202401/t20240131_1.html")

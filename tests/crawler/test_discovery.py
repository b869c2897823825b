"""Discovery on saved pages of every site family: each fixture has its golden `<name>.expected.json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.crawler.agencies import Hints
from nianbao.crawler.pages import read_json_listing, read_listing, read_report, soft_404
from nianbao.crawler.titles import report_year

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(path for path in FIXTURES.iterdir() if not path.name.endswith(".expected.json"))


def test_every_fixture_has_a_golden() -> None:
    assert len(CASES) >= 7
    for case in CASES:
        assert (FIXTURES / f"{case.stem}.expected.json").exists(), case.name


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_fixture_matches_its_golden(case: Path) -> None:
    expected = json.loads((FIXTURES / f"{case.stem}.expected.json").read_text(encoding="utf-8"))
    body, url, content_type = case.read_bytes(), expected["url"], expected["content_type"]
    if expected["reader"] == "listing":
        found = read_listing(body, url, content_type, Hints())
    elif expected["reader"] == "json":
        found = read_json_listing(body, url, None)
        assert found.total_pages == expected["total_pages"]
    else:
        found = read_report(body, url, content_type)
    assert [link.url for link in found.reports] == expected["reports"]
    assert [link.url for link in found.listings] == expected["listings"]
    assert [link.url for link in found.gateways] == expected["gateways"]
    assert [link.url for link in found.attachments] == expected["attachments"]
    if "report_years" in expected:
        assert [report_year(link.text) for link in found.reports] == expected["report_years"]


def test_gbk_page_without_any_charset_is_read() -> None:
    found = read_listing((FIXTURES / "gb2312_listing.htm").read_bytes(), "http://h/xxgknb/index_1.htm", None, Hints())
    assert found.reports[0].text == "南山县民政局2023年政府信息公开工作年度报告"


def test_header_saying_utf8_over_a_gbk_body_is_read() -> None:
    body = (FIXTURES / "gb2312_listing.htm").read_bytes()
    found = read_listing(body, "http://h/xxgknb/index_1.htm", "text/html; charset=utf-8", Hints())
    assert found.reports[1].text == "南山县民政局2022年度政府信息公开工作报告"


def test_report_selector_hint_limits_the_links() -> None:
    body = (FIXTURES / "trs_listing.html").read_bytes()
    hints = Hints(report_selector="ul.list li:first-child a")
    found = read_listing(body, "http://h/zfxxgk/zfxxgknb/index.html", None, hints)
    assert [link.url for link in found.reports] == ["http://h/zfxxgk/zfxxgknb/202503/t20250320_100240.html"]


def test_report_selector_that_matches_nothing_is_a_problem_not_silence() -> None:
    body = (FIXTURES / "trs_listing.html").read_bytes()
    found = read_listing(body, "http://h/zfxxgk/zfxxgknb/index.html", None, Hints(report_selector="table.none a"))
    assert found.reports == ()
    assert "matched no report link" in found.problems[0]


def test_repeated_page_has_the_same_fingerprint_and_another_page_does_not() -> None:
    body = (FIXTURES / "trs_listing.html").read_bytes()
    first = read_listing(body, "http://h/zfxxgk/zfxxgknb/index.html", None, Hints())
    again = read_listing(
        body.replace(b"2025-03-20", b"2025-03-21"), "http://h/zfxxgk/zfxxgknb/index.html", None, Hints()
    )
    other = read_listing((FIXTURES / "jcms_listing.html").read_bytes(), "http://h/col/col1/index.html", None, Hints())
    assert first.fingerprint == again.fingerprint != other.fingerprint


def test_json_listing_with_named_fields_uses_them() -> None:
    from nianbao.crawler.agencies import ApiHint

    body = json.dumps({"result": {"rows": [{"bt": "X局2022年政府信息公开工作年度报告", "lj": "/a/1.html"}]}}).encode()
    api = ApiHint(url="http://h/api?page={page}", items="result.rows", title_field="bt", url_field="lj")
    found = read_json_listing(body, "http://h/api?page=1", api)
    assert [link.url for link in found.reports] == ["http://h/a/1.html"]


def test_soft_404_is_recognised_and_a_report_is_not() -> None:
    gone = "<html><body><h1>页面不存在</h1><p>您访问的页面不存在或已被删除。</p></body></html>".encode()
    report = (FIXTURES / "report_attachments.html").read_bytes()
    assert soft_404(gone, "text/html; charset=utf-8") is not None
    assert soft_404(report, "text/html; charset=utf-8") is None


def test_json_endpoints_named_in_scripts_become_api_templates() -> None:
    body = (
        b'<html><body><ul class="list"></ul><script>var listApi = "/api/gknb/list?page={page}&size=6";'
        b"</script><script>$.get('/search/list.json?col=nb&pageNo=1'); var home = '/index.html';</script></body></html>"
    )
    found = read_listing(body, "http://h/gknb/index.html", None, Hints())
    assert found.apis == ("http://h/api/gknb/list?page={page}&size=6", "http://h/search/list.json?col=nb&pageNo={page}")


def test_pages_offering_different_ways_on_differ_and_a_dead_end_offers_nothing() -> None:
    home = read_listing('<a href="/zfxxgk/">政务公开</a>'.encode(), "http://h/", None, Hints())
    section = read_listing('<a href="/xxgk/">信息公开</a>'.encode(), "http://h/", None, Hints())
    dead_end = read_listing("<p>新闻</p>".encode(), "http://h/", None, Hints())
    assert home.fingerprint and section.fingerprint and home.fingerprint != section.fingerprint
    assert dead_end.fingerprint == ""


# The crawler decodes with the parsers' detector (through the archive); the same encodings and wrong
# declarations as tests/parsers/test_charsets.py, read for links.
@pytest.mark.parametrize(
    ("encoding", "declared", "header"),
    [
        ("utf-8", None, None),
        ("gbk", None, None),
        ("gb18030", None, "text/html"),
        ("big5", None, None),
        ("gbk", "utf-8", None),
        ("gb18030", None, "text/html; charset=utf-8"),
        ("big5", "utf-8", None),
        ("utf-8", "gb2312", None),
    ],
)
def test_attachment_titles_read_in_any_encoding_and_declaration(encoding, declared, header) -> None:
    big5 = encoding == "big5"
    title = "南山縣民政局2023年政府資訊公開工作年度報告" if big5 else "南山县民政局2023年政府信息公开工作年度报告"
    if encoding == "gb18030":
        title += "（䶮）"  # GB18030 only
    prose = "本機關堅持以公開為常態、不公開為例外。" if encoding == "big5" else "本机关坚持以公开为常态、不公开为例外。"
    meta = f'<meta charset="{declared}">' if declared else ""
    html = f'<html><head>{meta}</head><body><p>{prose * 3}</p><a href="/files/nb2023.pdf">{title}</a></body></html>'
    found = read_report(html.encode(encoding), "http://h/xxgknb/2024/1.htm", header)
    assert [link.text for link in found.attachments] == [title]


def test_pictures_are_fetched_only_from_a_page_that_has_no_report_of_its_own() -> None:
    """A page with its tables (or its numbers as text) or a document attached is the report: its
    pictures (a chart, a seal) are not fetched as renderings."""
    picture = '<div class="content"><img src="/u/W0201.jpg" alt="图表"></div>'
    url = "http://h/art/2024/1.html"
    with_table = f"<html><body><table><tr><td>1</td></tr></table>{picture}</body></html>"
    numbers = " ".join(f"<p>第{n}项 {n * 3} 件</p>" for n in range(1, 30))
    with_numbers = f"<html><body>{numbers}{picture}</body></html>"
    with_pdf = f'<html><body><a href="/u/report.pdf">附件</a>{picture}</body></html>'
    alone = f"<html><body><h1>2023年政府信息公开工作年度报告</h1>{picture}</body></html>"
    found = {
        name: [link.url for link in read_report(page.encode(), url, "text/html; charset=utf-8").attachments]
        for name, page in (("table", with_table), ("numbers", with_numbers), ("pdf", with_pdf), ("alone", alone))
    }
    assert found == {"table": [], "numbers": [], "pdf": ["http://h/u/report.pdf"], "alone": ["http://h/u/W0201.jpg"]}

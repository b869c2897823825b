import pytest

from nianbao.parsers.errors import ParseError
from nianbao.parsers.readers.html import read
from nianbao.parsers.spacing import clean


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_gb2312_declared_in_meta_is_read_as_gb18030():
    # 镕 is in GBK but not in GB2312: a strict gb2312 decode would fail or garble it.
    data = _page("<p>朱镕基</p>", '<meta charset="gb2312">').encode("gbk")
    assert read(data).text() == "朱镕基"


def test_http_charset_wins_over_a_wrong_meta():
    data = _page("<p>政府信息公开</p>", '<meta charset="utf-8">').encode("gbk")
    assert read(data, content_type="text/html; charset=GBK").text() == "政府信息公开"


def test_undeclared_gbk_is_guessed_and_says_so():
    data = _page("<p>" + "本机关坚持以公开为常态、不公开为例外，持续深化政务公开工作。" * 5 + "</p>").encode("gbk")
    document = read(data)
    assert "持续深化政务公开工作" in document.text()
    assert [code for code, _ in document.warnings] == ["charset_guessed"]


def test_utf8_bom():
    assert read("\ufeff<p>规章</p>".encode()).text() == "规章"


def test_spans_expand_into_a_dense_grid():
    table = """<table>
      <tr><td rowspan="2">a</td><td colspan="2">b</td></tr>
      <tr><td>c</td><td>d</td></tr>
      <tr><td>e</td><td>f</td></tr>
    </table>"""
    (grid,) = read(_page(table).encode()).tables()
    assert grid.rows == (("a", "b", "b"), ("a", "c", "d"), ("e", "f", ""))


def test_labels_split_over_br_p_span_and_nbsp_read_whole():
    table = (
        "<table><tr><td>本年新<br/>制作数量</td><td><p>商业</p><p>企业</p></td>"
        "<td>社会<span>公益</span>&nbsp; 组织</td></tr></table>"
    )
    (grid,) = read(_page(table).encode()).tables()
    assert grid.rows == (("本年新制作数量", "商业企业", "社会公益组织"),)


def test_a_cell_reads_in_document_order_and_without_its_furniture():
    # The text after a child element follows that child's own children (申请 after 行政 许可), and a
    # furniture element inside a cell goes while its tail stays.
    table = (
        "<table><tr><td><p>行政<br/>许可</p>申请</td><td>12<span class='share'>分享到</span>件</td>"
        "<td>3<!-- a note --></td></tr></table>"
    )
    (grid,) = read(_page(table).encode()).tables()
    assert grid.rows == (("行政许可申请", "12件", "3"),)


def test_hostile_spans_are_capped():
    (grid,) = read(
        _page('<table><tr><td colspan="100000" rowspan="100000">x</td><td>y</td></tr></table>').encode()
    ).tables()
    assert len(grid.rows) == 1 and len(grid.rows[0]) <= 51


def test_chrome_goes_metadata_and_title_stay():
    body = """
      <div class="top"><a>长者版</a></div><div><a>无障碍</a></div>
      <div class="breadcrumb">当前位置：首页 &gt; 信息公开 &gt; 某局2022年政府信息公开工作年度报告</div>
      <dl class="meta"><dt>索引号：</dt><dd>000014349/2023-00012</dd><dt>发布机构：</dt><dd>某某市某局</dd></dl>
      <p>发布日期：2023-01-20</p>
      <div class="share">分享到：微博 微信</div>
      <div id="content"><p>一、总体情况</p><p>正文。</p></div>
      <footer>版权所有</footer>"""
    document = read(_page(body).encode())
    assert document.title == "某局2022年政府信息公开工作年度报告"
    assert document.metadata == {"索引号": "000014349/2023-00012", "发布机构": "某某市某局", "发布日期": "2023-01-20"}
    text = document.text()
    for chrome in ("长者版", "无障碍", "分享到", "版权所有", "当前位置", "索引号"):
        assert chrome not in text
    assert "一、总体情况" in text and "正文。" in text


def test_html_title_keeps_the_report_part():
    head = "<title>某县2021年度政府信息公开工作年度报告_某县人民政府门户网站</title>"
    assert read(_page("<p>x</p>", head).encode()).title == "某县2021年度政府信息公开工作年度报告"


def test_a_fragment_without_html_or_body_reads():
    document = read("<p>一、总体情况</p><table><tr><td>规章</td><td>1</td></tr></table>".encode())
    assert document.text() == "一、总体情况"
    assert document.tables()[0].rows == (("规章", "1"),)


def test_word_conditional_comments_and_styles_leave_no_text():
    data = _page(
        "<!--[if gte mso 9]><xml><w:WordDocument>Normal</w:WordDocument></xml><![endif]--><p>正文<o:p></o:p></p>",
        "<style>p.MsoNormal{margin:0}</style>",
    ).encode()
    assert read(data).text() == "正文"


@pytest.mark.parametrize("data", [b"   ", b"<!-- only a comment -->"])
def test_pages_with_nothing_in_them_raise(data):
    with pytest.raises(ParseError):
        read(data, url="https://x.gov.cn/a.html")


def test_a_metadata_table_is_read_into_metadata_not_kept_as_a_table():
    body = (
        '<table class="xxgk"><tr><td>索引号：</td><td>A01/2022-1</td><td>发布机构：</td><td>某区政府办公室</td></tr>'
        "<tr><td>成文日期：</td><td>2022年1月20日</td></tr></table><p class='print'>正文段落</p>"
    )
    document = read(_page(body).encode())
    assert document.metadata == {"索引号": "A01/2022-1", "发布机构": "某区政府办公室", "成文日期": "2022年1月20日"}
    assert document.tables() == ()
    assert document.text() == "正文段落"  # a <p> stays whatever its class says


def test_a_page_cut_inside_a_table_leaves_the_cut_row_short_not_blank():
    data = b"<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>x</td><td>1"
    document = read(data)
    assert [t.rows for t in document.tables()] == [(("a", "b", "c"),), (("x", "1"),)]
    assert [code for code, _ in document.warnings] == ["truncated"]


def test_a_row_of_blank_cells_is_a_row_and_a_row_of_no_cells_is_not():
    table = "<table><tr><td>a</td><td>b</td></tr><tr><td>&nbsp;</td><td></td></tr><tr></tr><tr><td>c</td></tr></table>"
    (grid,) = read(_page(table).encode()).tables()
    assert grid.rows == (("a", "b"), ("", ""), ("c", ""))


def test_a_page_cut_inside_a_blank_row_leaves_it_short():
    data = b"<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>&nbsp;</td><td>&nbsp;"
    document = read(data)
    assert [t.rows for t in document.tables()] == [(("a", "b", "c"),), (("", ""),)]
    assert [code for code, _ in document.warnings] == ["truncated"]


def test_a_table_holding_a_table_lays_out_the_page_unless_the_inner_one_is_furniture():
    inner = "<table><tr><td>规章</td><td>3</td></tr><tr><td>行政规范性文件</td><td>5</td></tr></table>"
    layout = f"<table><tr><td>一、总体情况</td></tr><tr><td>{inner}</td></tr></table>"
    document = read(_page(layout).encode())
    assert [grid.rows for grid in document.tables()] == [(("规章", "3"), ("行政规范性文件", "5"))]
    assert "一、总体情况" in document.text()
    # The only table inside is in a <noscript>, which the page drops: the outer table is data.
    widget = "<noscript><table><tr><td>请启用脚本</td><td>1</td></tr></table></noscript>"
    data = f"<table><tr><td>规章</td><td>3</td></tr><tr><td>行政规范性文件</td><td>5{widget}</td></tr></table>"
    (grid,) = read(_page(data).encode()).tables()
    assert grid.rows == (("规章", "3"), ("行政规范性文件", "5"))


def test_a_page_of_prose_with_numbers_and_no_table_stays_paragraphs():
    lines = ["二、主动公开政府信息情况", "全年主动公开政府信息 1203 条，其中规范性文件 12 件。"]
    lines.append("受理申请 3 件 答复 3 件")
    document = read(_page("".join(f"<p>{line}</p>" for line in lines)).encode())
    assert document.tables() == ()
    assert [block.text for block in document.blocks] == [clean(line) for line in lines]


def test_rows_printed_as_lines_of_a_page_with_no_table_are_a_grid_with_their_words_apart():
    lines = ["信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 0 0 0", "行政规范性文件 69 3 665"]
    lines.append("其他文件 7 1 40")
    document = read(_page("".join(f"<div>{line}</div>" for line in lines)).encode())
    (table,) = document.tables()
    assert table.rows[1][:4] == ("规章", "0", "0", "0")
    assert table.rows[2][:4] == ("行政规范性文件", "69", "3", "665")


@pytest.mark.timeout(60)
def test_a_page_keeping_thousands_of_elements_open_is_refused_before_it_is_parsed():
    # Each stray end tag makes an HTML5 parser walk every open element: parsed, this page takes seconds.
    data = _page("<span>" * 20_000 + "规章 1" + "</x>" * 20_000).encode()
    with pytest.raises(ParseError, match=r"https://x\.gov\.cn/a\.html keeps 2000[0-9] HTML elements open at once"):
        read(data, url="https://x.gov.cn/a.html")


def test_a_large_page_of_elements_closed_by_their_siblings_reads():
    # Unclosed <p>, <tr> and <td> close themselves: 30,000 tags, none of them deep.
    rows = "".join(f"<tr><td>行{i}<td>{i}" for i in range(10_000))
    document = read(_page("<p>一、总体情况" * 3 + f"<table>{rows}</table>").encode())
    (grid,) = document.tables()
    assert len(grid.rows) == 10_000 and grid.rows[-1] == ("行9999", "9999")


def test_a_table_nested_a_thousand_elements_deep_reads():
    data = _page("<div>" * 1000 + "<table><tr><td>规章</td><td>1</td></tr></table>" + "</div>" * 1000).encode()
    assert read(data).tables()[0].rows == (("规章", "1"),)


def test_text_stray_inside_a_table_reads_before_it_as_a_browser_shows_it():
    # A paragraph pasted between two rows is no cell: a browser shows it above the table, whose rows stay whole.
    body = "<table><tr><td>规章</td><td>1</td></tr><p>表外文字</p><tr><td>行政规范性文件<td>3</table>"
    document = read(_page(body).encode())
    assert document.text() == "表外文字"
    assert document.tables()[0].rows == (("规章", "1"), ("行政规范性文件", "3"))


def test_a_bar_of_links_opening_with_the_home_page_is_furniture_whatever_its_class():
    body = (
        '<div class="top"><a href="/">网站首页</a> | <a>政务公开</a> | <a>一网通办</a> | <a>互动交流</a></div>'
        "<h1>某区2024年政府信息公开工作年度报告</h1>"
        "<div>首页改版后开设了<a>政策解读</a>、<a>年报</a>和<a>问答</a>栏目。</div>"  # a sentence, links in it
        "<div><a>首页</a> <a>政务公开</a></div>"  # two links: too few to tell a menu
    )
    assert [block.text for block in read(_page(body).encode()).blocks] == [
        "某区2024年政府信息公开工作年度报告",
        "首页改版后开设了政策解读、年报和问答栏目。",
        "首页政务公开",  # cleaning drops the space between Chinese words
    ]

from pathlib import Path

from nianbao.parsers import parse
from nianbao.parsers.document import Document, TableBlock, TextBlock
from nianbao.parsers.mapping import to_record
from nianbao.parsers.templates import APPLICANT_COLUMNS

APPLICANT_KEYS = [c.key for c in APPLICANT_COLUMNS]


def _codes(record):
    return {w.code for w in record.warnings}


def test_a_document_with_nothing_readable_needs_ocr():
    record = to_record(Document(blocks=(), rendering="pdf", warnings=(("needs_ocr", "pages 1-6 have no text"),)))
    assert record.template == "unknown"
    assert record.tables() == dict.fromkeys(("active_disclosure", "applications", "review_litigation"))
    assert [w.code for w in record.warnings].count("needs_ocr") == 1


def test_run_together_cells_of_a_modern_report_are_not_an_ocr_case():
    text = (
        "某局2019年政府信息公开工作年度报告\n"
        "信息内容本年新制作数量本年新公开数量对外公开总数量规章000行政规范性文件693665\n"
    )
    record = parse(text.encode(), filename="dump.txt")
    assert record.template == "2019"
    assert record.active_disclosure is None
    assert {"cells_run_together", "table_missing"} <= _codes(record)
    assert "needs_ocr" not in _codes(record)


def test_agency_falls_back_to_metadata_then_to_the_callers_hint():
    document = Document(
        blocks=(TextBlock("我局2022年政府信息公开工作年度报告"),),
        rendering="html",
        title="我局2022年政府信息公开工作年度报告",
    )
    assert to_record(document, agency_hint="某市某局").agency == "某市某局"
    with_metadata = Document(
        blocks=document.blocks, rendering="html", title=document.title, metadata={"发布机构": "某市水务局"}
    )
    assert to_record(with_metadata, agency_hint="某市某局").agency == "某市水务局"


def test_year_falls_back_to_publish_date_minus_one():
    document = Document(
        blocks=(TextBlock("政府信息公开工作年度报告"),), rendering="html", metadata={"发布日期": "2023-01-30"}
    )
    record = to_record(document)
    assert (record.year, record.publish_date) == (2022, "2023-01-30")


def test_template_comes_from_labels_not_from_the_year():
    grid = TableBlock(
        (
            ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ("规章", "1", "1", "9"),
        )
    )
    document = Document(blocks=(grid,), rendering="html", title="某县2022年政府信息公开工作年度报告")
    record = to_record(document)
    assert (record.template, record.year) == ("2019", 2022)
    assert record.active_disclosure["rules"] == {"new_made": 1, "new_published": 1, "total_published": 9}


def test_amounts_follow_the_unit_and_flag_its_absence():
    def amount(header: str, cell: str):
        grid = TableBlock((("信息内容", "采购项目数量", header), ("政府集中采购", "2", cell)))
        record = to_record(Document(blocks=(grid,), rendering="html"))
        return record.active_disclosure["procurement"]["amount_wan_yuan"], "amount_unit_missing" in _codes(record)

    assert amount("采购总金额", "251000元") == (25.1, False)
    assert amount("采购总金额（单位：万元，保留4位小数）", "18028.5825") == (18028.5825, False)
    assert amount("采购总金额（单位：元）", "30000") == (3.0, False)
    assert amount("采购总金额", "96.5") == (96.5, True)
    assert amount("采购总金额", "-") == (None, False)


def test_a_page_that_is_not_a_report_says_so():
    record = parse(
        "<title>关于2014年政府信息公开工作要点落实情况的函</title><p>各单位：现将有关事项函告如下。</p>".encode()
    )
    assert "not_a_report" in _codes(record)
    assert "not_a_report" not in _codes(parse("<title>某县2013年政府信息公开工作年度报告</title><p>正文</p>".encode()))


_REVIEW_PAGE = (
    "<title>某镇2021年政府信息公开工作年度报告</title>"
    "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
    "<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr></table>"
    '<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
    '<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>'
    '<td rowspan="2">尚未审结</td><td rowspan="2">总计</td>'
    '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
    "<tr>" + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2 + "</tr>"
)
_GROUPS = ("review", "litigation_direct", "litigation_after_review")
_RESULTS = ("upheld", "corrected", "other", "pending", "total")


def _review_of(rows: str):
    record = parse((_REVIEW_PAGE + rows).encode())
    assert record.template == "2021"
    return record.review_litigation, [w.message for w in record.warnings]


def test_a_table_4_left_blank_is_fifteen_nulls_not_missing():
    for blank in ("&nbsp;", "", "-"):
        review, warnings = _review_of("<tr>" + f"<td>{blank}</td>" * 15 + "</tr></table>")
        assert review == {g: dict.fromkeys(_RESULTS) for g in _GROUPS}, blank
        assert not [m for m in warnings if "review_litigation" in m]


def test_a_blank_spacer_row_before_table_4s_figures_gives_way_to_them():
    spacer = "<tr>" + "<td></td>" * 15 + "</tr>"
    review, _ = _review_of(spacer + "<tr>" + "<td>1</td>" * 4 + "<td>4</td>" * 11 + "</tr></table>")
    assert review["review"] == {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4}
    assert review["litigation_after_review"]["total"] == 4


def test_a_page_cut_inside_table_4s_blank_row_keeps_the_cut_off_cells_absent():
    review, warnings = _review_of("<tr><td>&nbsp;</td><td>&nbsp;</td>")
    assert review == {"review": {"upheld": None, "corrected": None}}
    assert any("ends inside a table" in m for m in warnings)


def _granted_printed(cells: str):
    """The one-cell-a-line fixture whose rows one column short of the width end with a bar alone, with
    table 3's 予以公开 row (printed blank there: eight bars alone) printed as `cells` instead."""
    path = Path(__file__).parent / "fixtures" / "blank-bar-width.txt"
    blank_row = "(一)予以公开 |\n" + "|\n" * 8
    text = path.read_text(encoding="utf-8")
    assert blank_row in text
    record = parse(text.replace(blank_row, "(一)予以公开 |\n" + cells).encode(), filename="t.txt")
    return record.applications.get("granted"), _codes(record)


def test_a_row_with_a_bar_more_than_its_columns_reads_where_every_lining_up_agrees():
    # Blank, then a total: the bar more is the row's end (a run from the first cell holds both counts).
    granted, codes = _granted_printed("2 |\n|\n|\n|\n|\n|\n2 |\n|\n")
    assert granted == {"natural_person": 2, **dict.fromkeys(APPLICANT_KEYS[1:-1]), "total": 2}
    assert "row_unaligned" not in codes


def test_a_row_whose_bar_more_could_stand_at_either_end_is_not_read():
    # Blank cells at both ends: read from the first cell, 其他 is 1 and 总计 1; from the second, 法律服务机构 1,
    # 其他 1 and 总计 blank. Nothing says which: the row is left unread.
    granted, codes = _granted_printed("|\n|\n|\n|\n|\n1 |\n1 |\n|\n")
    assert granted is None
    assert {"row_unaligned", "row_missing"} <= codes

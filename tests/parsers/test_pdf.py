import json
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.parsers.document import Document, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.readers import pdf

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def huaian(corpus_dir: Path) -> Document:
    return pdf.read((corpus_dir / "huaian-2024.pdf").read_bytes(), url="https://www.huaian.gov.cn/huaian-2024.pdf")


@pytest.fixture(scope="module")
def huaian_expected(corpus_dir: Path) -> dict:
    return json.loads((corpus_dir / "huaian-2024.expected.json").read_text(encoding="utf-8"))


def test_huaian_has_the_three_template_tables_each_rejoined_across_its_page_break(huaian: Document) -> None:
    shapes = [(len(t.rows), len(t.rows[0])) for t in huaian.tables()]
    # Table 2 spans pages 3-4, table 3 pages 4-5; the boxes drawn behind two paragraphs are no tables.
    assert shapes == [(14, 4), (28, 10), (4, 15)]
    assert not huaian.warnings


def test_huaian_table_2_keeps_merged_header_cells_and_every_value(huaian: Document) -> None:
    rows = huaian.tables()[0].rows
    assert rows[0] == ("第二十条第（一）项",) * 4
    assert rows[1] == ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    assert rows[3] == ("行政规范性文件", "8", "26", "66")
    # The continuation on page 4 has two columns where page 3 has four: aligned by coordinates.
    assert rows[9] == ("行政处罚",) + ("3985758",) * 3
    assert rows[12] == ("信息内容",) + ("本年收费金额（单位：万元）",) * 3
    assert rows[13] == ("行政事业性收费",) + ("96171.6",) * 3


def test_huaian_table_3_has_25_result_rows_with_the_expected_values(huaian: Document, huaian_expected: dict) -> None:
    rows = huaian.tables()[1].rows
    assert rows[2][3:] == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    data_rows = rows[3:]
    expected = list(huaian_expected["applications"].values())
    assert len(data_rows) == len(expected) == 25
    for row, values in zip(data_rows, expected, strict=True):
        assert [int(v) for v in row[3:]] == list(values.values()), row[:3]


def test_huaian_table_3_labels_are_whole_even_when_wrapped_or_cut_by_the_page(huaian: Document) -> None:
    rows = huaian.tables()[1].rows
    labels = [row[:3] for row in rows[3:]]
    assert labels[0] == ("一、本年新收政府信息公开申请数量",) * 3
    # Wrapped in its cell, with the value row between its halves in text order.
    assert labels[3][1] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    # "（四）无" ends page 4 and "法提供" opens page 5.
    assert [label[1] for label in labels[12:15]] == ["（四）无法提供"] * 3
    assert labels[13][2] == "2.没有现成信息需要另行制作"
    # The vertical 三、本年度办理结果 runs down both pages.
    assert {label[0] for label in labels[2:24]} == {"三、本年度办理结果"}
    assert labels[20][2] == "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert labels[24] == ("四、结转下年度继续办理",) * 3


def test_huaian_table_4_one_row_of_fifteen_values(huaian: Document, huaian_expected: dict) -> None:
    rows = huaian.tables()[2].rows
    expected = [v for group in huaian_expected["review_litigation"].values() for v in group.values()]
    assert [int(v) for v in rows[3]] == expected
    assert rows[1][5] == "未经复议直接起诉"
    assert rows[2][5] == "结果维持"


def test_huaian_text_is_in_reading_order_without_footers_or_table_cells(huaian: Document) -> None:
    texts = [b.text for b in huaian.blocks if isinstance(b, TextBlock)]
    headings = [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    kinds = ["T" if isinstance(b, TableBlock) else b.text[:2] for b in huaian.blocks]
    assert kinds.index("二、") < kinds.index("T") < kinds.index("三、")
    full = huaian.text()
    assert "- 4 -" not in full
    assert "3985758" not in full and "信息内容" not in full
    # A paragraph broken by the page is one block; the typesetter's spaces around digits are gone.
    assert "全市共受理政府信息公开申请3119件，答复3050件" in full
    assert "12场，努力传递政府声音" in full


def test_huaian_title_and_document_information(huaian: Document) -> None:
    assert huaian.rendering == "pdf"
    assert huaian.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    # WPS writes the information dictionary in UTF-16LE; undecoded it reads "ÿþ?eœ^áOo`lQ".
    assert huaian.metadata["title"] == "政府信息公开工作年度报告"
    assert huaian.metadata["created"] == "2025-02-25T10:02:50+08:00"


def test_split_table_is_one_dense_grid_with_header_dropped_and_cut_label_glued() -> None:
    document = pdf.read(fixture("split-table.pdf"))
    (table,) = document.tables()
    group = "三、本年度办理结果"
    assert table.rows == (
        ("项目", "项目", "项目", "自然人", "总计"),
        (group, "（一）予以公开", "（一）予以公开", "5", "5"),
        (group,) + ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",) * 2 + ("3", "3"),
        (group, "（四）无法提供", "1.本机关不掌握相关政府信息", "7", "7"),
        (group, "（四）无法提供", "2.没有现成信息需要另行制作", "1", "1"),
        (group, "（四）无法提供", "3.补正后申请内容仍不明确", "2", "2"),
        (group, "（七）总计", "（七）总计", "15", "15"),
        ("四、结转下年度继续办理",) * 3 + ("0", "0"),
    )


def test_split_table_fixture_really_interleaves_label_and_values_in_text_order() -> None:
    with pdfplumber.open(FIXTURES / "split-table.pdf") as document:
        lines = document.pages[0].extract_text().splitlines()
    wrapped = next(i for i, line in enumerate(lines) if "只计" in line)
    assert lines[wrapped + 1] == "3 3"
    assert lines[wrapped + 2].startswith("这一情形")


def test_split_table_text_around_the_table_and_no_page_numbers() -> None:
    document = pdf.read(fixture("split-table.pdf"))
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["TextBlock"] * 5 + ["TableBlock"] + ["TextBlock"] * 2
    texts = [b.text for b in document.blocks if isinstance(b, TextBlock)]
    assert texts[2] == "一、总体情况"
    assert texts[3].startswith("2024年，本机关坚持") and texts[3].endswith("提起行政诉讼的情况。")
    assert texts[5] == "五、存在的主要问题及改进情况"
    assert texts[6] == "对照新要求，政策解读形式仍较单一。下一步将丰富解读形式，提升公开质量。"
    assert document.title == "测试市人民政府2024年政府信息公开工作年度报告"
    assert "- 1 -" not in document.text() and "- 2 -" not in document.text()


def test_a_different_table_opening_the_next_page_is_not_joined() -> None:
    first, second = pdf.read(fixture("two-tables.pdf")).tables()
    assert first.rows == (("项目", "自然人", "总计"), ("四、结转下年度继续办理", "0", "0"))
    assert second.rows == (("结果维持", "结果纠正", "其他结果", "总计"), ("1", "2", "3", "6"))


def test_running_heads_and_feet_are_dropped_and_paragraphs_cross_the_page() -> None:
    document = pdf.read(fixture("running-heads.pdf"))
    assert [b.text for b in document.blocks] == [
        "测试市2024年政府信息公开工作年度报告",
        "一、总体情况",
        "2024年，本机关坚持以公开为常态、不公开为例外，全年共收到政府信息公开申请15件，"
        "均在法定期限内予以答复，未发生因政府信息公开被申请行政复议或提起行政诉讼的情况。",
    ]
    # No line is larger than the body: the title is the opening line that names a report.
    assert document.title == "测试市2024年政府信息公开工作年度报告"


def test_page_cap_reads_the_first_pages_and_says_so() -> None:
    document = pdf.read(fixture("split-table.pdf"), max_pages=1)
    assert document.warnings == (("page_cap", "read the first 1 of 2 pages"),)
    (table,) = document.tables()
    assert table.rows[-1][1] == "（四）无"


def test_pages_drawing_too_many_lines_keep_their_text_without_table_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_DRAWING_OBJECTS", 10)  # the fixture's table pages draw ~20 boxes
    document = pdf.read(fixture("split-table.pdf"))
    assert document.tables() == ()
    assert document.warnings == (("page_drawing", "pages 1, 2: too many lines to look for tables"),)
    assert "1.本机关不掌握相关政府信息" in document.text()


def test_image_only_pdf_reads_as_an_empty_document_that_needs_ocr() -> None:
    document = pdf.read(fixture("image-only.pdf"))
    assert document.blocks == ()
    # With no text on the page, the information dictionary's title is all there is.
    assert document.title == "测试县2023年政府信息公开工作年度报告"
    assert [code for code, _ in document.warnings] == ["needs_ocr"]
    assert "any of the 2 pages" in document.warnings[0][1]


def test_a_scanned_page_among_text_pages_is_named_in_the_warning() -> None:
    document = pdf.read(fixture("scanned-page.pdf"))
    assert document.text() == "一、总体情况"
    # The picture is stripes: OCR runs and finds no text, and the warning says so.
    assert document.warnings == (
        ("needs_ocr", "no text layer on pages 2 of 2 (images only); OCR (tesseract) found no text in the pictures"),
    )


def test_glyphs_without_unicode_mapping_need_ocr() -> None:
    document = pdf.read(fixture("unmapped-glyphs.pdf"))
    (warning,) = document.warnings
    assert warning[0] == "needs_ocr"
    assert warning[1].startswith("text without Unicode mapping (glyph ids only) on pages 1")


def test_a_broken_page_costs_that_page_only() -> None:
    document = pdf.read(fixture("broken-page.pdf"), url="x.pdf")
    # pdfium draws nothing of a page whose content stream is broken; a blank page reads the same.
    assert document.warnings == (("page_unreadable", "pages 2 of x.pdf draw nothing (blank or broken)"),)
    (table,) = document.tables()
    assert len(table.rows) == 5 and table.rows[-1][1] == "（四）无"
    assert document.title == "测试市人民政府2024年政府信息公开工作年度报告"


def test_encrypted_pdf_is_a_parse_error_naming_the_file() -> None:
    with pytest.raises(ParseError, match=r"https://x\.gov\.cn/a\.pdf is encrypted with a password"):
        pdf.read(fixture("encrypted.pdf"), url="https://x.gov.cn/a.pdf")


@pytest.mark.parametrize(
    "data",
    [fixture("truncated.pdf"), b"", b"%PDF-1.7\n1 0 obj\n<<", b"<html><body>not a pdf</body></html>"],
    ids=["truncated", "empty", "header-only", "html"],
)
def test_unreadable_bytes_are_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match="not a readable PDF"):
        pdf.read(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_pdf_gives_a_document_or_a_parse_error(data: st.DataObject) -> None:
    original = bytearray(fixture("split-table.pdf"))
    cut = data.draw(st.integers(min_value=0, max_value=len(original)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=12))
    for position, value in flips:
        original[position] = value
    try:
        document = pdf.read(bytes(original[:cut]))
    except ParseError:
        return
    assert all(len(set(map(len, t.rows))) == 1 for t in document.tables())

from decimal import Decimal

import pytest

from nianbao.parsers.cells import read_cell
from nianbao.parsers.labels import is_header, label_key, names_row


@pytest.mark.parametrize(
    ("printed", "template"),
    [
        ("（一）予以公开", "（一）予以公开"),
        ("(一) 予以公开", "（一）予以公开"),
        ("予以公开", "（一）予以公开"),
        ("1、属于国家秘密", "1.属于国家秘密"),
        ("1．属于国家秘密", "1.属于国家秘密"),
        ('3.危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("3.危及三安全一稳定", "3.危及“三安全一稳定”"),
        ("四、结转下年度\n继续办理", "四、结转下年度继续办理"),
        (
            "（二）部分公开(区分处理的,只计这一情形,不计其他情形)",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
    ],
)
def test_row_labels_match_across_width_punctuation_quotes_and_breaks(printed, template):
    assert names_row((printed,), (template,))


def test_a_split_label_matches_when_its_cells_are_joined():
    assert names_row(
        (
            "三、本年度办理结果",
            "（三）不予公开",
            "1.属于",
            "国家秘密",
        ),
        ("1.属于国家秘密",),
    )


def test_different_rows_do_not_match():
    assert not names_row(("2.重复申请",), ("3.要求提供公开出版物",))
    assert not names_row(("（六）其他处理",), ("3.其他",))


def test_short_column_labels_match_only_exactly():
    assert is_header("其他", ("其他",))
    assert not is_header("其他结果", ("其他",))
    assert not is_header("2.其他法律行政法规禁止公开", ("其他",))
    assert is_header("本年增/减（减少用负值表示，如-8）", ("本年增/减",))
    assert is_header("本年新<br>制作数量".replace("<br>", " "), ("本年新制作数量",))


def test_label_key_removes_spaces_nbsp_and_width():
    assert label_key("社会公益\xa0 组织") == "社会公益组织"
    assert label_key("（一）") == "(一)"


@pytest.mark.parametrize(
    ("text", "kind", "number", "unit"),
    [
        ("", "blank", None, None),
        ("\xa0", "blank", None, None),
        ("-", "blank", None, None),
        ("—", "blank", None, None),
        ("0", "number", Decimal(0), None),
        ("１２", "number", Decimal(12), None),
        ("－８", "number", Decimal(-8), None),
        ("−8", "number", Decimal(-8), None),
        ("1,234,567", "number", Decimal(1234567), None),
        ("251000元", "number", Decimal(251000), "元"),
        ("96171.6 万元", "number", Decimal("96171.6"), "万元"),
        ("12件", "number", Decimal(12), "件"),
        ("见附件", "text", None, None),
    ],
)
def test_cells_read_blanks_numbers_and_units(text, kind, number, unit):
    cell = read_cell(text)
    assert (cell.kind, cell.number, cell.unit) == (kind, number, unit)


def test_a_simplified_label_keeps_its_wording_and_a_traditional_one_reads_as_the_template():
    """tw2sp reads a mirror's Taiwanese wording in mainland words (檔案 -> 文件); a Simplified label is not
    converted, which would reword it as if it were Taiwanese (文件 -> 文档)."""
    from nianbao.parsers.labels import EXACT, label_score

    assert label_key("（二）行政规范性文件") == "(二)行政规范性文件"
    assert label_key("規範性檔案") == label_key("规范性文件") == "规范性文件"
    assert label_score(label_key("行政規範性檔案"), label_key("行政规范性文件")) == EXACT


def test_the_traditional_characters_are_those_tw2sp_changes_alone():
    import random

    from nianbao.parsers import labels

    rng = random.Random(3)
    for code in rng.sample(range(0x4E00, 0xA000), 3000) + list(map(ord, "規範檔條項資訊複議強製行政规范")):
        char = chr(code)
        assert bool(labels._TRADITIONAL.search(char)) == (labels._TO_SIMPLIFIED.convert(char) != char), char

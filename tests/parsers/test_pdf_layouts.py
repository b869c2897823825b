"""PDF layouts of real reports (built in code by tests/parsers/pdf_layouts.py) read cell for cell.

Goldens in fixtures/pdf-layouts/<name>.expected.json hold the tables, checked by hand against the
figures each builder prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.parsers import parse
from nianbao.parsers.document import Method
from nianbao.parsers.readers import pdf
from nianbao.parsers.tables import find_tables
from nianbao.parsers.templates import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS, TEMPLATES
from tests.parsers import pdf_layouts

GOLDENS = Path(__file__).parent / "fixtures" / "pdf-layouts"


def _golden(name: str) -> list:
    return json.loads((GOLDENS / f"{name}.expected.json").read_text(encoding="utf-8"))["tables"]


def _rows(table) -> list:  # type: ignore[no-untyped-def]
    return [list(row) for row in table.rows]


def test_a_row_cut_by_the_page_break_is_one_row_with_its_label_whole_and_its_values() -> None:
    document = pdf.read(pdf_layouts.row_split_pdf())
    (table,) = document.tables()
    assert [_rows(table)] == _golden("row-split")
    assert table.rows[2] == ("1.本机关不掌握相关政府信息", "7", "7")
    # The label is where its first half is printed, the values where they are printed.
    assert [table.origin(2, c).page for c in range(3)] == [1, 2, 2]


def test_a_last_row_alone_on_the_next_page_joins_its_table_and_a_one_row_table_of_its_own_stays_apart() -> None:
    joined, apart = pdf.read(pdf_layouts.lone_row_pdf()).tables()
    assert _rows(joined) == [
        ["项目", "自然人", "总计"],
        ["（一）予以公开", "5", "5"],
        ["（七）总计", "12", "12"],
        ["四、结转下年度继续办理", "3", "3"],
    ]
    assert [joined.origin(3, c).page for c in range(3)] == [2, 2, 2]
    assert _rows(apart) == [["合计", "6", "6"]]  # the same outline, one column edge of its own


def test_a_row_of_values_alone_under_its_header_row_is_a_row_of_its_own_not_the_header_s_rest() -> None:
    (table,) = pdf.read(pdf_layouts.values_under_header_pdf()).tables()
    assert _rows(table) == [
        ["第二十条第（八）项", "第二十条第（八）项"],
        ["", "本年收费金额"],
        ["行政事业性收费", "25.3892"],
    ]


def test_a_table_without_ruling_lines_is_read_by_the_alignment_of_its_text() -> None:
    document = pdf.read(pdf_layouts.aligned_pdf())
    (table,) = document.tables()
    assert [_rows(table)] == _golden("aligned")
    assert table.rows[0][1:] == pdf_layouts.ALIGNED_HEADER
    for row, (label, values) in zip(table.rows[1:], pdf_layouts.ALIGNED_ROWS, strict=True):
        assert row == (label, *("" if v is None else str(v) for v in values))
    origin = table.origin(1, 7)
    assert origin.method is Method.GRID and origin.page == 1 and origin.bbox is not None
    assert origin.bbox[0] > 500  # 总计 stands at the right edge of the page
    # The heading above the table and the one below stay text.
    assert "三、收到和处理政府信息公开申请情况" in document.text()
    assert "四、政府信息公开行政复议、行政诉讼情况" in document.text()


def test_an_aligned_table_keeps_the_columns_its_header_names_when_some_are_blank_in_every_row():
    """Only 自然人 and 总计 printed (the organisations' columns left empty): the numbers fill two columns,
    the header names seven, and the blank ones are read as blank, not dropped."""
    rows = tuple(
        (label, tuple(v if i in (0, 6) else None for i, v in enumerate(values)))
        for label, values in pdf_layouts.ALIGNED_ROWS
    )
    (table,) = pdf.read(pdf_layouts.aligned_pdf(rows)).tables()
    assert table.rows[0][1:] == pdf_layouts.ALIGNED_HEADER
    for row, (label, values) in zip(table.rows[1:], rows, strict=True):
        assert row == (label, *("" if v is None else str(v) for v in values))


def test_the_hybrid_row_of_a_2021_table_3_is_read_with_its_values() -> None:
    document = pdf.read(pdf_layouts.hybrid_pdf())
    table = document.tables()[1]
    assert [_rows(table)] == _golden("hybrid-2021")
    labels = [row[1] for row in table.rows]
    hybrid = labels.index("（六）其他处理")
    assert labels[hybrid - 1] == "（五）不予处理" and labels[hybrid + 1] == "（七）总计"
    assert table.rows[hybrid][3:] == ("7",) * 7


def test_the_hybrid_row_reaches_the_record_with_its_place_in_the_pdf() -> None:
    record = parse(pdf_layouts.hybrid_pdf(), filename="hybrid.pdf").to_dict()
    applications = record["applications"]
    assert applications["other_handling"] == dict.fromkeys(applications["granted"], 7)
    assert not {"other_overdue_correction", "other_unpaid_fee", "other_misc"} & set(applications)
    assert "hybrid_rows" in {w["code"] for w in record["warnings"]}
    cells = [p for p in record["provenance"] if p["table"] == "applications" and p["row"] == "other_handling"]
    assert len(cells) == 7
    assert all(p["method"] == "grid" and p["page"] and p["bbox"] for p in cells)


@pytest.mark.parametrize("values", [(3, 1, 0, 2, 6, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0), (0,) * 15, tuple(range(15))])
def test_table_4_with_its_heads_stacked_a_character_a_line_is_read_in_its_columns(values) -> None:
    """No ruling lines, fifteen heads of one character a line and one row of values: the row alone is a
    table (fifteen values), the stacked lines its header, and each value lands in its column."""
    document = pdf.read(pdf_layouts.stacked_review_pdf(values))
    (table,) = document.tables()
    assert table.rows[-1] == tuple(map(str, values))
    assert table.rows[1][:4] == ("结", "结", "其", "尚")  # each head's first character over its column
    findings = find_tables(document, TEMPLATES["2021"])
    review = findings.tables["review_litigation"]
    groups = [group for group, _ in REVIEW_GROUPS]
    read = [review[group][column.key] for group in groups for column in REVIEW_COLUMNS]
    assert read == list(values)
    cell = ("review_litigation", "review", "upheld")
    upheld = next(p for p in findings.provenance if (p.table, p.row, p.column) == cell)
    assert upheld.page == 1 and upheld.bbox is not None and upheld.bbox[0] < 140  # the first column, left


@pytest.mark.parametrize("blank_organisations", [False, True])
def test_table_3_with_its_heads_stacked_a_character_a_line_is_read_in_its_columns(blank_organisations) -> None:
    """No ruling lines, the seven heads a character a line (seven header lines): every value in its
    column, and where the organisations' columns are blank in every row, the heads still give them."""
    rows = pdf_layouts.ALIGNED_ROWS
    if blank_organisations:
        rows = tuple((label, tuple(v if i in (0, 6) else None for i, v in enumerate(values))) for label, values in rows)
    document = pdf.read(pdf_layouts.aligned_pdf(rows, stacked=True))
    (table,) = document.tables()
    assert table.rows[-len(rows) :] == tuple(
        (label, *("" if v is None else str(v) for v in values)) for label, values in rows
    )
    applications = find_tables(document, TEMPLATES["2021"]).tables["applications"]
    columns = [c.key for c in APPLICANT_COLUMNS]
    for label, values in rows:
        key = next(r.key for r in TEMPLATES["2021"].table("applications").rows if label in r.labels)
        assert [applications[key][c] for c in columns] == list(values)

"""PDF layouts of real reports built in code (no binaries in the repository): each reproduces one
structure seen in published reports, with the figures its golden expects.

- `row_split_pdf`: a ruled table whose row is cut by the page break: the label's first half and
  empty value cells end page 1, the header is repeated on page 2, then the label's rest with the values.
- `aligned_pdf`: tables set without ruling lines, columns only by the position of the text (a
  header over several lines, labels left, numbers centred under their column headers); given other
  rows, e.g. the organisations' columns blank in every row.
- `hybrid_pdf`: a 2021-layout report whose table 3 keeps the 2019 single row （六）其他处理.
- `lone_row_pdf`: a ruled table whose last row stands alone at the top of page 2, then a one-row
  table of other columns alone at the top of page 3.
- `stacked_review_pdf`: table 4 set without ruling lines, its fifteen narrow heads stacked a
  character a line (结 / 果 / 维 / 持), each centred in its band under its group's head.
- `values_under_header_pdf`: table 2's last block (a header row with an empty first cell) ending
  page 1, its row of values alone at the top of page 2.
"""

from __future__ import annotations

import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from nianbao.parsers.templates import REVIEW_COLUMNS

FONT = "STSong-Light"
PAGE_HEIGHT = 842.0
ROW = 24.0
COLUMNS = (60.0, 140.0, 230.0, 440.0, 490.0, 535.0)
HEADER = ((0, 3, 1, "项目"), (3, 4, 1, "自然人"), (4, 5, 1, "总计"))


def _canvas(buffer: io.BytesIO) -> Canvas:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    canvas = Canvas(buffer, pagesize=(595, PAGE_HEIGHT), invariant=True)
    canvas.setFont(FONT, 12)
    return canvas


def _ruled(canvas: Canvas, top: float, rows: tuple) -> None:
    for index, row in enumerate(rows):
        y = top - index * ROW
        for first, end, span, text in row:
            canvas.rect(COLUMNS[first], y - span * ROW, COLUMNS[end] - COLUMNS[first], span * ROW)
            canvas.drawString(COLUMNS[first] + 3, y - 16, text)


def _cut_table(pages: tuple[tuple, ...], heading: str | None = "三、收到和处理政府信息公开申请情况") -> bytes:
    """A ruled table cut by the page: the first part of its rows at the foot of page one (under the
    heading), each further part at the head of a page of its own."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer)
    if heading:
        canvas.drawString(70, PAGE_HEIGHT - 80, heading)
    for number, rows in enumerate(pages):
        if number:
            canvas.setFont(FONT, 12)
        _ruled(canvas, PAGE_HEIGHT - (700 if number == 0 else 60), rows)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def row_split_pdf() -> bytes:
    first = (
        ((0, 3, 1, "（一）予以公开"), (3, 4, 1, "5"), (4, 5, 1, "5")),
        ((0, 3, 1, "1.本机关不掌握相关"), (3, 4, 1, ""), (4, 5, 1, "")),
    )
    second = (
        ((0, 3, 1, "政府信息"), (3, 4, 1, "7"), (4, 5, 1, "7")),
        ((0, 3, 1, "（七）总计"), (3, 4, 1, "12"), (4, 5, 1, "12")),
    )
    return _cut_table(((HEADER, *first), (HEADER, *second)))


def lone_row_pdf() -> bytes:
    rows = (
        ((0, 3, 1, "（一）予以公开"), (3, 4, 1, "5"), (4, 5, 1, "5")),
        ((0, 3, 1, "（七）总计"), (3, 4, 1, "12"), (4, 5, 1, "12")),
    )
    lone = (((0, 3, 1, "四、结转下年度继续办理"), (3, 4, 1, "3"), (4, 5, 1, "3")),)
    other_table = (((0, 1, 1, "合计"), (1, 3, 1, "6"), (3, 5, 1, "6")),)
    return _cut_table(((HEADER, *rows), lone, other_table))


def values_under_header_pdf() -> bytes:
    rows = (((0, 5, 1, "第二十条第（八）项"),), ((0, 3, 1, ""), (3, 5, 1, "本年收费金额")))
    return _cut_table((rows, (((0, 3, 1, "行政事业性收费"), (3, 5, 1, "25.3892")),)), heading=None)


# Table 3 of the 2021 template, set as text in columns: (label, seven values); None is a blank cell.
ALIGNED_ROWS = (
    ("一、本年新收政府信息公开申请数量", (12, 3, 0, 0, 1, 0, 16)),
    ("二、上年结转政府信息公开申请数量", (1, 0, 0, 0, 0, 0, 1)),
    ("（一）予以公开", (8, 2, 0, 0, 1, 0, 11)),
    ("（二）部分公开", (2, None, None, None, None, None, 2)),
    ("（七）总计", (10, 2, 0, 0, 1, 0, 13)),
    ("四、结转下年度继续办理", (3, 1, 0, 0, 0, 0, 4)),
)
ALIGNED_HEADER = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_VALUE_CENTRES = (250.0, 295.0, 340.0, 385.0, 430.0, 475.0, 520.0)


def aligned_pdf(rows: tuple = ALIGNED_ROWS, stacked: bool = False) -> bytes:
    """`stacked`: the heads printed a character a line (自 / 然 / 人), the organisations' under 法人或其他组织."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer)
    canvas.drawString(70, PAGE_HEIGHT - 60, "三、收到和处理政府信息公开申请情况")
    canvas.setFont(FONT, 8)
    y = PAGE_HEIGHT - 100
    canvas.drawCentredString(385, y, "申请人情况")
    if stacked:
        canvas.drawCentredString(385, y - 12, "法人或其他组织")
        for centre, name in zip(_VALUE_CENTRES, ALIGNED_HEADER, strict=True):
            top = 1 if name in ("自然人", "总计") else 2
            for line, character in enumerate(name, start=top):
                canvas.drawCentredString(centre, y - 12 * line, character)
        y -= 12 * 7 - 2
    else:
        y -= 16
        canvas.setFont(FONT, 7)
        for centre, name in zip(_VALUE_CENTRES, ALIGNED_HEADER, strict=True):
            canvas.drawCentredString(centre, y, name)
    canvas.setFont(FONT, 8)
    for label, values in rows:
        y -= 18
        canvas.drawString(60, y, label)
        for centre, value in zip(_VALUE_CENTRES, values, strict=True):
            if value is not None:
                canvas.drawCentredString(centre, y, str(value))
    canvas.setFont(FONT, 12)
    canvas.drawString(70, y - 40, "四、政府信息公开行政复议、行政诉讼情况")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def hybrid_pdf() -> bytes:
    """A whole 2021 report of the simulated web whose table 3 prints （六）其他处理 as one row (2019 style),
    every value 7, in place of the three 2021 rows."""
    from nianbao.simweb import documents
    from nianbao.simweb.grids import Cell, report_grids
    from nianbao.simweb.world import build

    world = build(seed=5, size=4, years=(2021, 2022))
    report = next(r for _, r in sorted(world.reports.items()) if r.figures and r.template == "2021")
    grids = report_grids(report.figures, "2021", report.money_style, "")

    def hybrid(grid):  # type: ignore[no-untyped-def]
        rows, skip = [], 0
        for row in grid:
            if skip:
                skip -= 1
                continue
            if any(cell.text == "（六）其他处理" for cell in row):
                lead = [c for c in row if c.text == "三、本年度办理结果"]
                rows.append([*lead, Cell("（六）其他处理", colspan=2), *[Cell("7") for _ in range(7)]])
                skip = 2
                continue
            rows.append(row)
        return [
            [Cell(c.text, c.rowspan - 2, c.colspan, c.header) if c.text == "三、本年度办理结果" else c for c in row]
            for row in rows
        ]

    original = documents.report_grids
    documents.report_grids = lambda *args: (grids[0], hybrid(grids[1]), grids[2])  # type: ignore[assignment]
    try:
        return documents.pdf(report)
    finally:
        documents.report_grids = original


# Table 4 set as text in columns: fifteen narrow columns (centres), each head a character a line.
_REVIEW_CENTRES = tuple(130.0 + 29.0 * i for i in range(15))


def stacked_review_pdf(values: tuple[int, ...]) -> bytes:
    """Table 4 with no ruling lines: 行政复议 over the first five columns, 行政诉讼 over the other ten with
    未经复议直接起诉 / 复议后起诉 below it, each column's head stacked a character a line and centred in
    the lines left under its group's heads (复议's band is a line taller), then `values` in one row."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer)
    canvas.drawString(70, PAGE_HEIGHT - 40, "某县某局2024年政府信息公开工作年度报告")
    canvas.drawString(70, PAGE_HEIGHT - 60, "四、政府信息公开行政复议、行政诉讼情况")
    canvas.setFont(FONT, 8)
    top = PAGE_HEIGHT - 100
    canvas.drawCentredString(sum(_REVIEW_CENTRES[:5]) / 5, top, "行政复议")
    canvas.drawCentredString(sum(_REVIEW_CENTRES[5:]) / 10, top, "行政诉讼")
    canvas.drawCentredString(sum(_REVIEW_CENTRES[5:10]) / 5, top - 12, "未经复议直接起诉")
    canvas.drawCentredString(sum(_REVIEW_CENTRES[10:]) / 5, top - 12, "复议后起诉")
    heads = [c.labels[0] for c in REVIEW_COLUMNS] * 3
    for index, (centre, head) in enumerate(zip(_REVIEW_CENTRES, heads, strict=True)):
        first, band = (1, 5) if index < 5 else (2, 4)
        line = first + (band - len(head)) // 2
        for offset, character in enumerate(head):
            canvas.drawCentredString(centre, top - 12 * (line + offset), character)
    for centre, value in zip(_REVIEW_CENTRES, values, strict=True):
        canvas.drawCentredString(centre, top - 12 * 7, str(value))
    canvas.setFont(FONT, 12)
    canvas.drawString(70, top - 12 * 10, "五、存在的主要问题及改进情况")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

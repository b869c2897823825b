"""Attachment renderings of a report: PDF with ruled tables, image-only PDF (图片版), DOCX, plain text.

Every renderer is deterministic (fixed document dates, invariant PDF ids, fixed zip timestamps), so the
same report gives the same bytes and the same ETag in any process.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from simweb.grids import Grid, dense, legacy_grid, placed, report_grids
from simweb.world import Report

FONT = "STSong-Light"
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _blocks(report: Report) -> list[tuple[str, str, Grid | None]]:
    """(heading, text, table) triples in reading order, shared by every rendering."""
    if report.figures is None:
        blocks: list[tuple[str, str, Grid | None]] = [(h, t, None) for h, t in report.sections]
        blocks.append(("政府信息公开情况统计表", "", legacy_grid(report.legacy_stats)))
        return blocks
    grids = report_grids(report.figures, report.template, report.money_style, report.blank.replace("&nbsp;", ""))
    tables: dict[int, Grid] = {1: grids[0], 2: grids[1], 3: grids[2]}
    return [(h, t, tables.get(i)) for i, (h, t) in enumerate(report.sections)]


def _opening(report: Report) -> str:
    return f"本报告所列数据统计期限自{report.year}年1月1日起至{report.year}年12月31日止。"


def text(report: Report) -> bytes:
    """The text-only rendering: tables flattened one row a line, cells separated by tabs."""
    lines = [report.title, "", _opening(report), ""]
    for heading, body, grid in _blocks(report):
        lines += [heading, "", body, ""]
        if grid is not None:
            lines += ["\t".join(cell or "" for cell in row) for row in dense(grid)]
            lines.append("")
    return "\n".join(lines).encode("utf-8")


def _pdf_styles():  # type: ignore[no-untyped-def]
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK", alignment=1)
    return body, title, cell


def _pdf_table(grid: Grid, cell_style, width: float):  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    matrix = dense(grid)
    columns = len(matrix[0])
    label_share = {10: (0.05, 0.09, 0.24), 4: (0.31,)}.get(columns, ())
    rest = (1 - sum(label_share)) / (columns - len(label_share))
    widths = [width * s for s in label_share] + [width * rest] * (columns - len(label_share))
    data = [[Paragraph(c, cell_style) if c else "" for c in row] for row in matrix]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
    ]
    for r, col, cell in placed(grid):
        if cell.rowspan > 1 or cell.colspan > 1:
            style.append(("SPAN", (col, r), (col + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=widths, style=TableStyle(style))


def pdf(report: Report) -> bytes:
    """A text-layer PDF with ruled tables that pdfplumber reads back."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    body, title, cell = _pdf_styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, title=report.title, author=report.agency, leftMargin=50, rightMargin=50
    )
    story = [Paragraph(report.title, title), Spacer(1, 12), Paragraph(_opening(report), body)]
    for heading, text_, grid in _blocks(report):
        story.append(Paragraph(heading, body))
        if text_:
            story.append(Paragraph(text_, body))
        if grid is not None:
            story += [Spacer(1, 6), _pdf_table(grid, cell, doc.width), Spacer(1, 10)]
    doc.build(story)
    return buffer.getvalue()


def image_pdf(report: Report) -> bytes:
    """图片版: each page a raster picture of a table with no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for _heading, _text, grid in _blocks(report):
        if grid is None:
            continue
        matrix = dense(grid)
        rows, cols = len(matrix), len(matrix[0])
        image = Image.new("L", (cols * 60 + 20, rows * 24 + 20), 255)
        draw = ImageDraw.Draw(image)
        for r, row in enumerate(matrix):
            for c, value in enumerate(row):
                x, y = 10 + c * 60, 10 + r * 24
                draw.rectangle((x, y, x + 60, y + 24), outline=0)
                if value:
                    draw.rectangle((x + 8, y + 8, x + 8 + min(44, 4 * len(value)), y + 16), fill=90)
        width = A4[0] - 100
        height = width * image.height / image.width
        canvas.drawImage(ImageReader(image), 50, A4[1] - 60 - height, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def docx(report: Report) -> bytes:
    """A Word file whose tables merge cells the way the template does."""
    from docx import Document

    document = Document()
    fixed = datetime(report.year + 1, 1, 1)
    document.core_properties.created = fixed
    document.core_properties.modified = fixed
    document.core_properties.title = report.title
    document.add_paragraph(report.title)
    document.add_paragraph(_opening(report))
    for heading, text_, grid in _blocks(report):
        document.add_paragraph(heading)
        if text_:
            document.add_paragraph(text_)
        if grid is not None:
            _docx_table(document, grid)
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _docx_table(document, grid: Grid) -> None:  # type: ignore[no-untyped-def]
    matrix = dense(grid)
    table = document.add_table(rows=len(matrix), cols=len(matrix[0]))
    table.style = "Table Grid"
    for r, col, cell in placed(grid):
        target = table.cell(r, col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, col + cell.colspan - 1))
        target.text = cell.text


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member's timestamp fixed, so the bytes do not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()

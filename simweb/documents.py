"""Attachment renderings of a report: PDF with ruled tables, image-only PDF (图片版), DOCX, plain text.

Every renderer is deterministic (fixed document dates, invariant PDF ids, fixed zip timestamps), so the
same report gives the same bytes and the same ETag in any process.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from html import escape

from nianbao.simweb.grids import Grid, dense, legacy_grid, placed, report_grids
from nianbao.simweb.world import Report

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


def _closing(report: Report) -> str:
    """The date line (落款) that ends a report: its publish date, which attachments carry nowhere else."""
    day = date.fromisoformat(report.publish_date)
    return f"{day.year}年{day.month}月{day.day}日"


def text(report: Report) -> bytes:
    """The text-only rendering: tables flattened one row a line, cells separated by tabs."""
    lines = [report.title, "", _opening(report), ""]
    for heading, body, grid in _blocks(report):
        lines += [heading, "", body, ""]
        if grid is not None:
            lines += ["\t".join(cell or "" for cell in row) for row in dense(grid)]
            lines.append("")
    lines.append(_closing(report))
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
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle

    matrix = dense(grid)
    columns = len(matrix[0])
    label_share = {10: (0.05, 0.09, 0.24), 4: (0.31,)}.get(columns, ())
    rest = (1 - sum(label_share)) / (columns - len(label_share))
    widths = [width * s for s in label_share] + [width * rest] * (columns - len(label_share))
    spans = {(r, col): cell.colspan for r, col, cell in placed(grid)}

    def content(r: int, col: int, text: str | None):  # type: ignore[no-untyped-def]
        # Paragraphs wrap but cost ~50x a plain string: only for text wider than its cell.
        room = sum(widths[col : col + spans.get((r, col), 1)]) - 4
        if not text or stringWidth(text, FONT, 7.5) <= room:
            return text or ""
        return Paragraph(text, cell_style)

    data = [[content(r, col, text) for col, text in enumerate(row)] for r, row in enumerate(matrix)]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
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
    story.append(Paragraph(_closing(report), body))
    doc.build(story)
    return buffer.getvalue()


def pictured_grids(report: Report) -> list[Grid]:
    """The tables of a report page of pictures, a picture each in the page's order: table 3, the long
    one, cut in two as a phone screenshot cuts it (its head and first rows, then the rest)."""
    grids = [grid for _heading, _text, grid in _blocks(report) if grid is not None]
    first, applications, *rest = grids
    cut = screen_cut(applications)
    return [first, applications[:cut], applications[cut:], *rest]


def screen_cut(grid: Grid) -> int:
    """The row the grid is cut before: the last one no merged cell crosses in its upper half."""
    crossed = {r + k for r, _col, cell in placed(grid) for k in range(1, cell.rowspan)}
    return max(r for r in range(1, max(2, len(grid) // 2)) if r not in crossed)


def table_png(report: Report, number: int) -> bytes:
    """The `number`th (1-based) picture of a report page of pictures, as PNG."""
    from nianbao.simweb.pictures import table_picture

    buffer = io.BytesIO()
    table_picture(pictured_grids(report)[number - 1]).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_pdf(report: Report) -> bytes:
    """图片版: each page a picture of one table (ruled, merged cells, Chinese text), no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from nianbao.simweb.pictures import table_picture

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(report.title)
    for _heading, _text, grid in _blocks(report):
        if grid is None:
            continue
        image = table_picture(grid)
        width = A4[0] - 100
        height = min(width * image.height / image.width, A4[1] - 120)
        canvas.drawImage(ImageReader(image), 50, A4[1] - 60 - height, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '<Relationship Id="rId2" Target="docProps/core.xml" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>'
    "</Relationships>"
)
_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def docx(report: Report) -> bytes:
    """A Word file whose tables merge cells the way the template does (gridSpan and vMerge).

    Written as WordprocessingML directly: python-docx's cell merging costs over a second per report.
    """
    body = [_paragraph(report.title), _paragraph(_opening(report))]
    for heading, text_, grid in _blocks(report):
        body.append(_paragraph(heading))
        if text_:
            body.append(_paragraph(text_))
        if grid is not None:
            body.append(_docx_table(grid))
    body.append(_paragraph(_closing(report)))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    day = f"{report.year + 1}-01-01T00:00:00Z"
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(report.title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{day}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{day}</dcterms:modified></cp:coreProperties>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text_ in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("docProps/core.xml", core),
            ("word/document.xml", document),
        ):
            member = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(member, text_.encode("utf-8"))
    return out.getvalue()


def _paragraph(text_: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text_)}</w:t></w:r></w:p>'


def _docx_table(grid: Grid) -> str:
    width = sum(c.colspan for c in grid[0])
    origins = {(r, col): cell for r, col, cell in placed(grid)}
    covering: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, col), cell in origins.items():
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                covering[(r + dr, col + dc)] = (r, col)
    rows = []
    for r in range(len(grid)):
        cells, col = [], 0
        while col < width:
            top, left = covering[(r, col)]
            cell = origins[(top, left)]
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            if top == r:
                merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                cells.append(f"<w:tc><w:tcPr>{span}{merge}</w:tcPr>{_paragraph(cell.text)}</w:tc>")
            else:
                cells.append(f"<w:tc><w:tcPr>{span}<w:vMerge/></w:tcPr><w:p/></w:tc>")
            col += cell.colspan
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    columns = "".join('<w:gridCol w:w="900"/>' for _ in range(width))
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{_BORDERS}</w:tblBorders></w:tblPr>'
        f"<w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )

"""PDF reader: ruled tables by coordinates, body text in reading order, page furniture dropped.

Text order is useless for report tables (a wrapped label puts a value row between its two halves),
so tables come from the page's ruling lines and every cell keeps its coordinates until the dense
grid is built. A table broken across pages is rejoined by matching column edges; a label cell cut
by the page break is glued back together.

Pages are read with pdfium (`pdf_objects`: character boxes and drawn edges, ~70x pdfminer's speed);
cells are found from the edges by pdfplumber's table geometry (its edge merging, intersections and
cell finding are pure functions of the edges, reused rather than rewritten).

Warnings: `needs_ocr` (pages with no text layer, or glyphs with no Unicode mapping), `page_cap`
(only the first MAX_PAGES pages read), `page_unreadable` (a page that draws nothing: blank, or its
content stream is broken; the rest is read), `page_drawing` (a page drawing more than
MAX_DRAWING_OBJECTS lines: its text is read, no tables are looked for). ParseError: not a PDF,
corrupt or truncated beyond reading, password-encrypted.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from operator import attrgetter

import pypdfium2 as pdfium
from pdfplumber.table import Row

from nianbao.parsers.document import Block, CellOrigin, Document, Method, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import check_pdf_glyphs, check_pdf_pages, check_pdf_streams
from nianbao.parsers.readers import ocr, pdf_aligned
from nianbao.parsers.readers.pdf_objects import Char, PageObjects, find_tables, open_document, read_page

MAX_PAGES = 200
"""Reports run to 5-40 pages; beyond this the rest is an appendix or a wrong file, not worth minutes."""
MAX_OCR_PAGES = 20
"""A scanned report's tables fit in a few pages; OCR costs seconds a page."""
MAX_DRAWING_OBJECTS = 10_000
"""A report table page draws a few hundred lines; table finding grows with the lines drawn."""

_TITLE_LENGTH = 60
_INFO_TITLE_NOISE = re.compile(r"^Microsoft Word\s*-\s*|\.(docx?|wps|pdf)$", re.IGNORECASE)
_EDGE_SNAP = 5.0  # points: column edges of the two halves of a split table drift by ~3 pt
_FURNITURE_BAND = 0.1  # page numbers live in the top/bottom tenth of the page
_TOLERANCE = 3.0  # points: pdfplumber's x/y tolerance for words and lines
_PAGE_NUMBER = re.compile(
    r"[-—–－‐·•\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?[-—–－‐·•\s]*|\d{1,4}\s*/\s*\d{1,4}"
)
_NUMBER = re.compile(r"[-+−]?[\d,，]*\.?\d+\s*(万元|元|%)?")
_ENUMERATED = re.compile(r"\s*([（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+\s*[.、．])")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:([-+Z])(\d{2})?'?(\d{2})?)?")
_CJK_CLASS = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》"
_CJK = re.compile(f"[{_CJK_CLASS}]")
# Mixed-font typesetting leaves spaces around digits in Chinese text (2024 年, 第 711 号); the
# HTML rendering of the same report has none.
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK_CLASS}])[ \t]+|[ \t]+(?=[{_CJK_CLASS}])")
_PASSWORD_ERROR = 4  # pdfium's FPDF_ERR_PASSWORD
# pdfium is not thread-safe: one document is read at a time in a process.
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class _Cell:
    text: str
    x0: float
    x1: float
    row: int  # first row, within its table
    rows: int  # how many rows it spans
    page: int = 0  # 1-based page the cell is printed on
    bbox: tuple[float, float, float, float] | None = None  # as printed (x0, x1 above get snapped to columns)
    method: Method = Method.GRID
    confidence: float | None = None


@dataclass(frozen=True)
class _Table:
    cells: tuple[_Cell, ...]
    nrows: int
    x0: float
    x1: float
    method: Method = Method.GRID


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    margin: bool = False  # in the top or bottom band of its page, where running heads and feet live


@dataclass(frozen=True)
class _PageContent:
    """One page's items in reading order, with the page margins needed to rebuild paragraphs."""

    items: tuple[_Line | _Table, ...]
    left: float
    right: float
    garbled: bool = False  # most glyphs lack a Unicode mapping
    unreadable: bool = False  # the page draws nothing: blank, or its content stream is broken
    drawing: bool = False  # too many lines to look for tables in: a map or a chart, not a form
    pictured: bool = False  # no text, only pictures: a scanned or image-only page
    recognised: bool = False  # read by OCR from the page's picture
    unrecognised: bool = False  # OCR ran and found no text in the picture
    confidence: float = 1.0  # OCR: the lowest word confidence on the page


def read(data: bytes, *, url: str | None = None, max_pages: int = MAX_PAGES, ocr: bool = True) -> Document:
    """Read a PDF; ParseError when it cannot be opened (corrupt, truncated, encrypted). `ocr=False`: pages
    that need OCR are left unread with an `ocr_deferred` warning."""
    where = url or "the PDF"
    with _PDFIUM:
        check_pdf_streams(data, where)  # the streams' inflated sizes; pages and glyphs are counted as read
        try:
            pdf = open_document(data)
        except pdfium.PdfiumError as exc:
            raise ParseError(_explain(exc, where)) from exc
        try:
            return _read_pdf(pdf, where, max_pages, ocr)
        finally:
            pdf.close()


def _explain(exc: pdfium.PdfiumError, where: str) -> str:
    if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
        return f"{where} is encrypted with a password; cannot read it"
    return f"{where} is not a readable PDF (corrupt or truncated): {exc}"


def _read_pdf(pdf: pdfium.PdfDocument, where: str, max_pages: int, recognise: bool = True) -> Document:
    warnings: list[tuple[str, str]] = []
    total = len(pdf)
    check_pdf_pages(total, where)
    if total == 0:
        raise ParseError(f"{where} has no pages")
    if total > max_pages:
        warnings.append(("page_cap", f"read the first {max_pages} of {total} pages"))
    pages = []
    recognised = 0
    deferred: list[int] = []
    for number in range(1, min(total, max_pages) + 1):
        try:
            page = pdf[number - 1]
        except pdfium.PdfiumError as exc:  # one broken page costs that page, not the report
            warnings.append(("page_unreadable", f"page {number} of {where} cannot be read: {exc}"))
            pages.append(_PageContent((), 0.0, 0.0, unreadable=True))
            continue
        try:
            objects = read_page(
                page,
                max_drawn=MAX_DRAWING_OBJECTS,
                check_glyphs=lambda n, number=number: check_pdf_glyphs(n, number, where),
            )
            content = _page_content(objects, number)
            if (content.pictured or content.garbled) and not recognise:
                deferred.append(number)
            elif (content.pictured or content.garbled) and recognised < MAX_OCR_PAGES:
                content = _recognised(page, number, content, where, warnings)
                recognised += content.recognised
            pages.append(content)
        finally:
            page.close()
    if all(page.unreadable for page in pages):
        raise ParseError(f"{where} is not a readable PDF: none of its pages draws anything")
    blank = [str(number) for number, page in enumerate(pages, start=1) if page.unreadable]
    if blank:
        warnings.append(("page_unreadable", f"pages {', '.join(blank)} of {where} draw nothing (blank or broken)"))
    drawings = [str(number) for number, page in enumerate(pages, start=1) if page.drawing]
    if drawings:
        warnings.append(("page_drawing", f"pages {', '.join(drawings)}: too many lines to look for tables"))
    pages = _without_running_heads(pages)
    textless = [i + 1 for i, content in enumerate(pages) if content.pictured]
    if textless:
        warnings.append(("needs_ocr", _textless_message(textless, len(pages)) + _why_not_recognised(pages)))
    garbled = [i + 1 for i, content in enumerate(pages) if content.garbled]
    if garbled:
        pages_named = ", ".join(map(str, garbled))
        warnings.append(
            (
                "needs_ocr",
                f"text without Unicode mapping (glyph ids only) on pages {pages_named}" + _why_not_recognised(pages),
            )
        )
    if deferred:
        named = ", ".join(map(str, deferred))
        warnings.append(("ocr_deferred", f"pages {named} of {where} need OCR; left for a later parse"))
    read_by_ocr = [(i + 1, content.confidence) for i, content in enumerate(pages) if content.recognised]
    if read_by_ocr:
        lowest = min(confidence for _, confidence in read_by_ocr)
        named = ", ".join(str(number) for number, _ in read_by_ocr)
        warnings.append(("ocr", f"pages {named} read by OCR ({ocr.ENGINE}); lowest word confidence {lowest:.2f}"))
    metadata = _metadata(pdf)
    return Document(
        blocks=_blocks(pages),
        rendering="pdf",
        title=_title(pages[0]) or _info_title(metadata.get("title", "")),
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _why_not_recognised(pages: list[_PageContent]) -> str:
    reason = ocr.unavailable()
    if reason:
        return f"; not recognised: {reason}"
    if any(page.unrecognised for page in pages):
        return f"; OCR ({ocr.ENGINE}) found no text in the pictures"
    return ""


def _recognised(
    page: pdfium.PdfPage, number: int, content: _PageContent, where: str, warnings: list[tuple[str, str]]
) -> _PageContent:
    """The page read again from its picture by OCR; unchanged when OCR cannot run or fails."""
    if ocr.unavailable() is not None:
        return content
    width, height = page.get_size()
    scale = ocr.render_scale(width, height)
    try:
        picture = page.render(scale=scale, grayscale=True).to_pil()
        objects = ocr.page_objects(picture, scale)
    except (ocr.OcrError, pdfium.PdfiumError, ValueError, MemoryError) as exc:
        warnings.append(("ocr_failed", f"page {number} of {where}: {exc}"))
        return content
    if not objects.chars:
        return replace(content, unrecognised=True)
    if objects.turned:
        warnings.append(("ocr_turned", f"page {number} of {where}: its picture turned {objects.turned:g}° to read it"))
    recognised = _page_content(objects, number, Method.OCR)
    confidence = min(char.confidence or 0.0 for char in objects.chars)
    return replace(recognised, recognised=True, confidence=confidence)


def _textless_message(textless: list[int], total: int) -> str:
    if len(textless) == total:
        return f"no text layer on any of the {total} pages (scanned or image-only PDF)"
    return f"no text layer on pages {', '.join(map(str, textless))} of {total} (images only)"


def _page_content(page: PageObjects, number: int, method: Method = Method.GRID) -> _PageContent:
    if page.empty:
        return _PageContent((), 0.0, page.width, unreadable=True)
    if not page.chars:
        return _PageContent((), 0.0, page.width, pictured=True)
    drawing = page.drawn > MAX_DRAWING_OBJECTS
    found = [] if drawing else _ruled_tables(page)
    if found:
        centres = _centres(page.chars)
        tables = [(bbox[1], _table(bbox, rows, centres, number, method)) for bbox, rows in found]
        outside = _text_lines(_outside(centres, [bbox for bbox, _ in found]))
    else:
        tables = []
        outside = _text_lines(list(page.chars))
    aligned = [] if drawing else pdf_aligned.find(outside)
    taken = {index for table in aligned for index in table.lines}
    tables += [(_aligned_top(t), _aligned_table(t, number, method)) for t in aligned]
    rest = [line for index, line in enumerate(outside) if index not in taken]
    lines = [(line.top, line) for line in _lines(rest, page) if not _is_page_number(line)]
    items = tuple(item for _, item in sorted(tables + lines, key=lambda pair: pair[0]))
    body = [line for _, line in lines]
    left = _mode([line.x0 for line in body]) if body else 0.0
    right = max((line.x1 for line in body), default=page.width)
    garbled = page.unmapped * 2 > page.glyphs
    return _PageContent(items, left, right, garbled=garbled, drawing=drawing)


_Box = tuple[float, float, float, float]
_Centred = tuple[float, float, Char]  # a character after its centre's x and y


def _ruled_tables(page: PageObjects) -> list[tuple[_Box, list[Row]]]:
    """The tables found from the ruling lines, each as its box and its rows (pdfplumber's Table
    works both out anew at each access), but for one-column ones."""
    found = []
    for table in find_tables(page.edges, page.width, page.height):
        rows = table.rows
        if _column_count(rows) >= 2:
            found.append((table.bbox, rows))
    return found


def _column_count(rows: list[Row]) -> int:
    # A box drawn around a paragraph (a highlight, a frame) is found as a one-column "table".
    return max((len(row.cells) for row in rows), default=0)


def _centres(chars: tuple[Char, ...]) -> list[_Centred]:
    return [((char.x0 + char.x1) / 2, (char.top + char.bottom) / 2, char) for char in chars]


def _outside(centres: list[_Centred], boxes: list[_Box]) -> list[Char]:
    """The characters whose centre is in none of the boxes (sides included)."""
    kept = []
    for cx, cy, char in centres:
        for x0, top, x1, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                break
        else:
            kept.append(char)
    return kept


_BY_TOP = attrgetter("top")
_BY_X0 = attrgetter("x0")


def _text_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (tops within the tolerance of the previous one), left to right."""
    lines: list[list[Char]] = []
    line: list[Char] = []
    last = None
    for char in sorted(chars, key=_BY_TOP):
        top = char.top
        if last is None or top > last + _TOLERANCE:
            line = []
            lines.append(line)
        line.append(char)
        last = top
    return [sorted(line, key=_BY_X0) for line in lines]


def _line_text(line: list[Char]) -> str:
    """The line's words joined by one space: a typed blank or a gap wider than the tolerance ends a word."""
    parts: list[str] = []
    previous: Char | None = None
    for char in line:
        text = char.text
        if text.isspace():
            previous = None
            if parts and parts[-1] != " ":
                parts.append(" ")
            continue
        if previous is not None and char.x0 > previous.x1 + _TOLERANCE and parts[-1] != " ":
            parts.append(" ")
        parts.append(text)
        previous = char
    return "".join(parts).strip()


def _lines(char_lines: list[list[Char]], page: PageObjects) -> list[_Line]:
    band = page.height * _FURNITURE_BAND
    lines = []
    for line in char_lines:
        text = _line_text(line)
        if not text:
            continue
        top, bottom = min([c.top for c in line]), max([c.bottom for c in line])
        lines.append(
            _Line(
                text=text,
                x0=min([c.x0 for c in line]),
                x1=max([c.x1 for c in line]),
                top=top,
                bottom=bottom,
                size=max([c.size for c in line]),
                margin=bottom < band or top > page.height - band,
            )
        )
    return lines


def _aligned_top(table: pdf_aligned.AlignedTable) -> float:
    return min(segment.top for row in table.rows for _, segment in row)


def _aligned_table(table: pdf_aligned.AlignedTable, page: int, method: Method) -> _Table:
    """A table read by text alignment as cells: every row gets every column, blank where nothing stands."""
    bounds = table.bounds
    cells = []
    for r, row in enumerate(table.rows):
        for column in range(len(bounds) - 1):
            parts = [segment for c, segment in row if c == column]
            x0, x1 = bounds[column], bounds[column + 1]
            if parts:
                box = (min(p.x0 for p in parts), min(p.top for p in parts), max(p.x1 for p in parts),
                       max(p.bottom for p in parts))  # fmt: skip
            else:
                box = (x0, min(p.top for _, p in row), x1, max(p.bottom for _, p in row))
            text = _unwrap(" ".join(p.text for p in parts))
            confidence = min((p.confidence for p in parts if p.confidence is not None), default=None)
            cells.append(_Cell(text, x0, x1, r, 1, page, box, method, confidence))
    return _Table(tuple(cells), len(table.rows), bounds[0], bounds[-1], method)


def _is_page_number(line: _Line) -> bool:
    return line.margin and _PAGE_NUMBER.fullmatch(line.text) is not None


def _without_running_heads(pages: list[_PageContent]) -> list[_PageContent]:
    """Drop the lines repeated in the margins of most pages (the issuer's name, the report title)."""
    counts = Counter(
        text for page in pages for text in {item.text for item in page.items if isinstance(item, _Line) and item.margin}
    )
    running = {text for text, count in counts.items() if count >= 3 and count * 2 >= len(pages)}
    if not running:
        return pages
    return [
        replace(
            page, items=tuple(i for i in page.items if not (isinstance(i, _Line) and i.margin and i.text in running))
        )
        for page in pages
    ]


def _mode(values: list[float]) -> float:
    return Counter(round(v) for v in values).most_common(1)[0][0]


def _table(bbox: _Box, rows: list[Row], centres: list[_Centred], page: int, method: Method = Method.GRID) -> _Table:
    """Cells with their spans, from the cell boxes and the characters inside them."""
    boxes = [box for row in rows for box in row.cells if box is not None]
    row_edges = sorted({round(box[1], 1) for box in boxes} | {round(bbox[3], 1)})
    held = _chars_by_box(boxes, bbox, centres)
    cells = []
    for box in boxes:
        first = _edge_index(row_edges, box[1])
        last = _edge_index(row_edges, box[3])
        inside = held[box]
        if inside:
            text = "\n".join([_line_text(line) for line in _text_lines(inside)])
            text = _unwrap(ocr.tidy(text) if method is Method.OCR else text)
        else:
            text = ""  # what no lines come to, tidied and unwrapped: many cells of a form are empty
        # Only recognised words have a confidence: a text layer's glyphs have none to look through.
        ocr_words = inside if method is Method.OCR else ()
        confidence = min((c.confidence for c in ocr_words if c.confidence is not None), default=None)
        cell = _Cell(text, box[0], box[2], first, max(1, last - first), page, tuple(box), method, confidence)
        cells.append(cell)
    return _Table(tuple(cells), len(row_edges) - 1, bbox[0], bbox[2], method)


def _chars_by_box(boxes: list[_Box], bbox: _Box, centres: list[_Centred]) -> dict:
    """Each cell box with the characters whose centre it holds, found through the grid of box edges
    (one lookup per character instead of a test against every box); a character whose centre is
    outside the table's box (`bbox`, the cells' outline) is in none of them."""
    xs = sorted({box[0] for box in boxes})
    tops = sorted({box[1] for box in boxes})
    slots: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    for box in boxes:
        for i in range(bisect_left(xs, box[0]), bisect_left(xs, box[2])):
            for j in range(bisect_left(tops, box[1]), bisect_left(tops, box[3])):
                slots.setdefault((i, j), box)
    held: dict[_Box, list[Char]] = {box: [] for box in boxes}
    left, top, right, bottom = bbox
    for cx, cy, char in centres:
        if not (left <= cx <= right and top <= cy <= bottom):
            continue
        box = slots.get((bisect_right(xs, cx) - 1, bisect_right(tops, cy) - 1))
        # pdfplumber's rule: the character's centre is in the box (right and bottom sides excluded).
        if box is not None and box[0] <= cx < box[2] and box[1] <= cy < box[3]:
            held[box].append(char)
    return held


def _edge_index(edges: list[float], value: float) -> int:
    """The index of the edge nearest `value`, the first of equally near ones (as `min` over all
    indices gives it). `edges` ascend, so distances fall up to value's place and rise after it:
    only the two edges around that place are candidates, and ties can only lie to their left."""
    place = bisect_left(edges, value)
    if place < len(edges) and (place == 0 or edges[place] - value < value - edges[place - 1]):
        return place
    place -= 1
    nearest = value - edges[place]
    while place > 0 and value - edges[place - 1] == nearest:
        place -= 1
    return place


def _unwrap(text: str) -> str:
    """Join wrapped lines: no space inside Chinese text, one space between words."""
    lines = [_SPACE_BY_CJK.sub("", line.strip()) for line in text.split("\n") if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        cjk = _CJK.match(joined[-1]) or _CJK.match(line[0])
        joined += line if cjk else " " + line
    return joined


def _blocks(pages: list[_PageContent]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    table: _Table | None = None
    paragraph: list[_Line] = []
    previous: _Line | None = None
    previous_page: _PageContent | None = None
    for page_index, page in enumerate(pages):
        for position, item in enumerate(page.items):
            if isinstance(item, _Table):
                if paragraph:
                    blocks.append(_paragraph(paragraph))
                    paragraph, previous = [], None
                continues = table is not None and position == 0 and page_index > 0 and _continues(table, item)
                if table is not None and not continues:
                    blocks.append(_grid(table))
                table = _join(table, item) if table is not None and continues else item
                continue
            if table is not None:
                blocks.append(_grid(table))
                table = None
            if (
                previous is not None
                and previous_page is not None
                and _starts_paragraph(item, page, previous, previous_page)
            ):
                blocks.append(_paragraph(paragraph))
                paragraph = []
            paragraph.append(item)
            previous, previous_page = item, page
    if table is not None:
        blocks.append(_grid(table))
    if paragraph:
        blocks.append(_paragraph(paragraph))
    return tuple(blocks)


def _starts_paragraph(line: _Line, page: _PageContent, previous: _Line, previous_page: _PageContent) -> bool:
    size = line.size
    indented = line.x0 - page.left > 0.8 * size
    ended_short = previous_page.right - previous.x1 > 1.5 * size
    same_page = page is previous_page
    gap = same_page and line.top - previous.bottom > 1.2 * size
    restyled = abs(line.size - previous.size) > 1.0
    return indented or ended_short or gap or restyled


def _paragraph(lines: list[_Line]) -> TextBlock:
    return TextBlock(_unwrap("\n".join(line.text for line in lines)))


def _continues(first: _Table, second: _Table) -> bool:
    """The second table opens a page right after the first closed the previous one, with the same
    outline and its column edges on the first's (a different table has columns of its own).

    A part of several rows needs half its inner edges on the first's; a lone row has so few that
    each must be one of the table's, or any one-row table of the same outline with an edge in
    common would join it.
    """
    if abs(first.x0 - second.x0) > 2 * _EDGE_SNAP or abs(first.x1 - second.x1) > 2 * _EDGE_SNAP:
        return False
    edges = _edges(first)
    inner = _edges(second)[1:-1]
    matched = sum(any(abs(x - edge) <= _EDGE_SNAP for edge in edges) for x in inner)
    if second.nrows == 1:
        return matched == len(inner)
    return matched * 2 >= len(inner)


def _edges(table: _Table) -> list[float]:
    return _cluster(sorted({c.x0 for c in table.cells} | {c.x1 for c in table.cells}))


def _join(first: _Table, second: _Table) -> _Table:
    second = _snap(second, _edges(first))
    second = _drop_repeated_header(first, second)
    if _row_continues(first, second):
        return _join_row(first, second)
    tail = [(i, c) for i, c in enumerate(first.cells) if c.row + c.rows == first.nrows]
    kept_first = list(first.cells)
    kept_second = []
    for cell in second.cells:
        if cell.row == 0:  # only the part's first row can continue a cell cut by the page break
            position, above = next(((i, a) for i, a in tail if _same_columns(a, cell)), (0, None))
            if above is not None and _cut_by_page(above, cell, first, second):
                joined = replace(above, text=_glue(above.text, cell.text), rows=above.rows + cell.rows)
                kept_first[position] = joined
                continue
        kept_second.append(replace(cell, row=cell.row + first.nrows))
    return _Table(tuple(kept_first + kept_second), first.nrows + second.nrows, first.x0, first.x1)


def _row_continues(first: _Table, second: _Table) -> bool:
    """Does the second part open with the rest of the first part's last row?

    Word breaks a tall row across pages: the label's first half with empty value cells ends one
    page, the label's rest with the values opens the next (no enumeration of its own). Values under
    cells with text are a row of their own: a lone row of values under its header row.
    """
    last = [c for c in first.cells if c.row + c.rows == first.nrows and c.row == first.nrows - 1]
    head = [c for c in second.cells if c.row == 0]
    if not last or not head:
        return False
    labels_above = [c for c in last if c.text]
    if not labels_above or any(_NUMBER.fullmatch(c.text) for c in labels_above):
        return False
    if not any(not c.text for c in last):
        return False
    below = [c for c in head if c.text and not _NUMBER.fullmatch(c.text)]
    values = [c for c in head if _NUMBER.fullmatch(c.text)]
    if not values or not all(_under_empty(value, last) for value in values):
        return False
    return all(not _ENUMERATED.match(c.text) for c in below)


def _under_empty(cell: _Cell, last: list[_Cell]) -> bool:
    """Is every cell of the row above that shares columns with `cell` empty?"""
    above = [a for a in last if a.x0 < cell.x1 - _EDGE_SNAP and cell.x0 < a.x1 - _EDGE_SNAP]
    return bool(above) and all(not a.text for a in above)


def _join_row(first: _Table, second: _Table) -> _Table:
    """The two halves of the cut row made one: labels glued, values from the second half."""
    kept_first = list(first.cells)
    last = {i: c for i, c in enumerate(first.cells) if c.row == first.nrows - 1}
    for cell in (c for c in second.cells if c.row == 0):
        position = next((i for i, a in last.items() if _same_columns(a, cell)), None)
        if position is None:
            kept_first.append(replace(cell, row=first.nrows - 1))
            continue
        above = kept_first[position]
        if not above.text:
            kept_first[position] = replace(cell, row=above.row, rows=above.rows)
        elif cell.text:
            kept_first[position] = replace(above, text=_glue(above.text, cell.text))
    rest = [replace(c, row=c.row + first.nrows - 1) for c in second.cells if c.row > 0]
    return _Table(tuple(kept_first + rest), first.nrows + second.nrows - 1, first.x0, first.x1, first.method)


def _snap(table: _Table, edges: list[float]) -> _Table:
    def snapped(x: float) -> float:
        nearest = edges[_edge_index(edges, x)]
        return nearest if abs(nearest - x) <= _EDGE_SNAP else x

    cells = tuple(replace(c, x0=snapped(c.x0), x1=snapped(c.x1)) for c in table.cells)
    return replace(table, cells=cells)


def _drop_repeated_header(first: _Table, second: _Table) -> _Table:
    """A table continued with its header rows repeated (Word's "repeat as header row")."""
    for count in range(min(3, first.nrows, second.nrows - 1), 0, -1):
        if _row_texts(first, count) == _row_texts(second, count) and any(text for text, *_ in _row_texts(first, count)):
            cells = tuple(replace(c, row=c.row - count) for c in second.cells if c.row >= count)
            return replace(second, cells=cells, nrows=second.nrows - count)
    return second


def _row_texts(table: _Table, count: int) -> list[tuple[str, float, float, int]]:
    return sorted((c.text, round(c.x0), round(c.x1), c.row) for c in table.cells if c.row < count)


def _same_columns(a: _Cell, b: _Cell) -> bool:
    return abs(a.x0 - b.x0) <= 1 and abs(a.x1 - b.x1) <= 1


def _cut_by_page(above: _Cell, below: _Cell, first: _Table, second: _Table) -> bool:
    """Is `below` the rest of the label cell `above`, cut in two by the page break?

    An empty cell continues a label that spans rows (三、本年度办理结果 down the left edge); a text
    cell continues one when it is a fragment (no enumeration of its own, not a number) and both
    halves sit beside row labels of their own (（四）无 | 1.… above, 法提供 | 2.… below).
    """
    if not above.text or _NUMBER.fullmatch(above.text):
        return False
    if not below.text:
        return above.rows > 1 or below.rows > 1
    if _NUMBER.fullmatch(below.text) or _ENUMERATED.match(below.text):
        return False
    return _has_label_right(above, first) and _has_label_right(below, second)


def _has_label_right(cell: _Cell, table: _Table) -> bool:
    return any(
        abs(other.x0 - cell.x1) <= 1 and other.row == cell.row and other.text and not _NUMBER.fullmatch(other.text)
        for other in table.cells
    )


def _glue(head: str, tail: str) -> str:
    return _unwrap(f"{head}\n{tail}") if tail else head


def _grid(table: _Table) -> TableBlock:
    edges = _edges(table)
    width = len(edges) - 1
    grid = [[""] * width for _ in range(table.nrows)]
    origins = [[CellOrigin(table.method)] * width for _ in range(table.nrows)]
    for cell in table.cells:
        first, last = _edge_index(edges, cell.x0), _edge_index(edges, cell.x1)
        origin = CellOrigin(cell.method, cell.page or None, cell.bbox, cell.confidence)
        for row in range(cell.row, min(cell.row + cell.rows, table.nrows)):
            for col in range(first, max(last, first + 1)):
                grid[row][col] = cell.text
                origins[row][col] = origin
    return TableBlock(
        tuple(tuple(row) for row in grid), origins=tuple(tuple(row) for row in origins), method=table.method
    )


def _cluster(xs: list[float]) -> list[float]:
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > 1.5:
            edges.append(x)
    return edges


def _title(page: _PageContent) -> str | None:
    """The lines at the top of the first page set larger than the body text, else an opening line
    that names a report."""
    lines = [item for item in page.items if isinstance(item, _Line)]
    if not lines:
        return None
    body = _mode([line.size for line in lines])
    heading: list[str] = []
    for item in page.items:
        if not isinstance(item, _Line) or item.size < body * 1.15:
            break
        heading.append(item.text)
    if heading:
        return _unwrap("\n".join(heading))
    opening = (_unwrap(line.text) for line in lines[:3])
    return next((text for text in opening if "报告" in text and len(text) <= _TITLE_LENGTH), None)


def _info_title(title: str) -> str | None:
    """The information dictionary's title when it names a report: a scanned PDF's only title.

    Word's PDF export leaves `Microsoft Word - <file name>.doc` there; the file name is the title.
    """
    title = _INFO_TITLE_NOISE.sub("", title).strip()
    return title if "报告" in title and len(title) <= _TITLE_LENGTH else None


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    """The document information dictionary (pdfium decodes UTF-16 in either byte order, as WPS writes)."""
    wanted = {"Title": "title", "Author": "author", "Creator": "creator", "CreationDate": "created"}
    metadata = {}
    for name, key in wanted.items():
        text = _decode(pdf.get_metadata_value(name))
        if text:
            metadata[key] = text
    return metadata


def _decode(text: str) -> str:
    text = text.replace("\x00", "").strip()
    date = _PDF_DATE.match(text)
    if date is None:
        return text
    year, month, day, hour, minute, second, sign, tz_hour, tz_minute = date.groups()
    zone = f"{sign}{tz_hour}:{tz_minute or '00'}" if sign in "+-" and tz_hour else ""
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"

"""PDF reader: ruled tables by coordinates, body text in reading order, page furniture dropped.

Text order is useless for report tables (a wrapped label puts a value row between its two halves),
so tables come from pdfplumber's ruling lines and every cell keeps its coordinates until the dense
grid is built. A table broken across pages is rejoined by matching column edges; a label cell cut
by the page break is glued back together.

Warnings: `needs_ocr` (pages with no text layer, or glyphs with no Unicode mapping), `page_cap`
(only the first MAX_PAGES pages read), `page_unreadable` (a page whose content is broken; the
rest is read), `page_drawing` (a page drawing more than MAX_DRAWING_OBJECTS lines: its text is read,
no tables are looked for). ParseError: not a PDF, corrupt or truncated beyond reading, password-encrypted.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, replace

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfminer.utils import decode_text
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from nianbao.parsers.document import Block, Document, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import check_pdf

MAX_PAGES = 200
"""Reports run to 5-40 pages; beyond this the rest is an appendix or a wrong file, not worth minutes."""
MAX_DRAWING_OBJECTS = 10_000
"""A report table page draws a few hundred lines; table finding grows with the lines drawn."""

_TITLE_LENGTH = 60
_INFO_TITLE_NOISE = re.compile(r"^Microsoft Word\s*-\s*|\.(docx?|wps|pdf)$", re.IGNORECASE)
_EDGE_SNAP = 5.0  # points: column edges of the two halves of a split table drift by ~3 pt
_FURNITURE_BAND = 0.1  # page numbers live in the top/bottom tenth of the page
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

# What pdfminer raises on broken bytes: its own exceptions, wrapped by pdfplumber, plus the plain
# Python errors its parser lets escape on malformed objects and streams.
_BROKEN = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    struct.error,
    zlib.error,
    RecursionError,
    EOFError,
)


@dataclass(frozen=True)
class _Cell:
    text: str
    x0: float
    x1: float
    row: int  # first row, within its table
    rows: int  # how many rows it spans


@dataclass(frozen=True)
class _Table:
    cells: tuple[_Cell, ...]
    nrows: int
    x0: float
    x1: float


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
    garbled: bool = False  # most glyphs lack a Unicode mapping: pdfminer prints them as (cid:123)
    unreadable: bool = False  # the page's content stream is broken
    drawing: bool = False  # too many lines to look for tables in: a map or a chart, not a form


def read(data: bytes, *, url: str | None = None, max_pages: int = MAX_PAGES) -> Document:
    """Read a PDF; ParseError when it cannot be opened (corrupt, truncated, encrypted)."""
    where = url or "the PDF"
    try:
        check_pdf(data, where, max_pages)  # before pdfplumber counts every page and builds every glyph
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _read_pdf(pdf, where, max_pages)
    except _BROKEN as exc:
        raise ParseError(_explain(exc, where)) from exc


def _explain(exc: BaseException, where: str) -> str:
    if isinstance(_cause(exc), PDFPasswordIncorrect):
        return f"{where} is encrypted with a password; cannot read it"
    return f"{where} is not a readable PDF (corrupt or truncated): {_detail(exc)}"


def _cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions; the wrapped one says what went wrong."""
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    return inner if isinstance(inner, BaseException) else exc


def _detail(exc: BaseException) -> str:
    cause = _cause(exc)
    return str(cause) or type(cause).__name__


def _read_pdf(pdf: pdfplumber.PDF, where: str, max_pages: int) -> Document:
    warnings: list[tuple[str, str]] = []
    total = len(pdf.pages)
    if total == 0:
        raise ParseError(f"{where} has no pages")
    if total > max_pages:
        warnings.append(("page_cap", f"read the first {max_pages} of {total} pages"))
    pages = []
    for number, page in enumerate(pdf.pages[:max_pages], start=1):
        try:
            pages.append(_page_content(page))
        except _BROKEN as exc:  # one broken page costs that page, not the report
            warnings.append(("page_unreadable", f"page {number} of {where} cannot be read: {_detail(exc)}"))
            pages.append(_PageContent((), 0.0, 0.0, unreadable=True))
    if all(page.unreadable for page in pages):
        raise ParseError(f"{where} is not a readable PDF: none of its pages can be read")
    drawings = [str(number) for number, page in enumerate(pages, start=1) if page.drawing]
    if drawings:
        warnings.append(("page_drawing", f"pages {', '.join(drawings)}: too many lines to look for tables"))
    pages = _without_running_heads(pages)
    textless = [i + 1 for i, content in enumerate(pages) if not content.items and not content.unreadable]
    if textless:
        warnings.append(("needs_ocr", _textless_message(textless, len(pages))))
    garbled = [i + 1 for i, content in enumerate(pages) if content.garbled]
    if garbled:
        pages_named = ", ".join(map(str, garbled))
        warnings.append(("needs_ocr", f"text without Unicode mapping (glyph ids only) on pages {pages_named}"))
    metadata = _metadata(pdf)
    return Document(
        blocks=_blocks(pages),
        rendering="pdf",
        title=_title(pages[0]) or _info_title(metadata.get("title", "")),
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _textless_message(textless: list[int], total: int) -> str:
    if len(textless) == total:
        return f"no text layer on any of the {total} pages (scanned or image-only PDF)"
    return f"no text layer on pages {', '.join(map(str, textless))} of {total} (images only)"


def _page_content(page: Page) -> _PageContent:
    if not page.chars:
        return _PageContent((), 0.0, float(page.width))
    drawing = len(page.lines) + len(page.rects) + len(page.curves) > MAX_DRAWING_OBJECTS
    found = [] if drawing else [t for t in page.find_tables() if _column_count(t) >= 2]
    tables = [(t.bbox[1], _table(t)) for t in found]
    boxes = [t.bbox for t in found]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside_any(obj, boxes))
    lines = [(line.top, line) for line in _lines(outside, page) if not _is_page_number(line)]
    items = tuple(item for _, item in sorted(tables + lines, key=lambda pair: pair[0]))
    body = [line for _, line in lines]
    left = _mode([line.x0 for line in body]) if body else 0.0
    right = max((line.x1 for line in body), default=float(page.width))
    unmapped = sum(char["text"].startswith("(cid:") for char in page.chars)
    return _PageContent(items, left, right, garbled=unmapped * 2 > len(page.chars), drawing=drawing)


def _column_count(table: Table) -> int:
    # A box drawn around a paragraph (a highlight, a frame) is found as a one-column "table".
    return max((len(row.cells) for row in table.rows), default=0)


def _inside_any(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _lines(text: Page, page: Page) -> list[_Line]:
    band = float(page.height) * _FURNITURE_BAND
    return [
        _Line(
            text=line["text"].strip(),
            x0=line["x0"],
            x1=line["x1"],
            top=line["top"],
            bottom=line["bottom"],
            size=max(char["size"] for char in line["chars"]),
            margin=line["bottom"] < band or line["top"] > float(page.height) - band,
        )
        for line in text.extract_text_lines()
        if line["text"].strip()
    ]


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


def _table(table: Table) -> _Table:
    """Cells with their spans, from pdfplumber's cell boxes and texts."""
    row_edges = sorted({round(box[1], 1) for box in table.cells} | {round(table.bbox[3], 1)})
    cells = []
    for row, texts in zip(table.rows, table.extract(), strict=True):
        for box, text in zip(row.cells, texts, strict=True):
            if box is None:
                continue
            first = _edge_index(row_edges, box[1])
            last = _edge_index(row_edges, box[3])
            cells.append(_Cell(_unwrap(text or ""), box[0], box[2], first, max(1, last - first)))
    return _Table(tuple(cells), len(row_edges) - 1, table.bbox[0], table.bbox[2])


def _edge_index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


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
    outline and its column edges on the first's (a different table has columns of its own)."""
    if abs(first.x0 - second.x0) > 2 * _EDGE_SNAP or abs(first.x1 - second.x1) > 2 * _EDGE_SNAP:
        return False
    edges = _edges(first)
    inner = _edges(second)[1:-1]
    matched = sum(any(abs(x - edge) <= _EDGE_SNAP for edge in edges) for x in inner)
    return matched * 2 >= len(inner)


def _edges(table: _Table) -> list[float]:
    return _cluster(sorted({c.x0 for c in table.cells} | {c.x1 for c in table.cells}))


def _join(first: _Table, second: _Table) -> _Table:
    second = _snap(second, _edges(first))
    second = _drop_repeated_header(first, second)
    tail = [c for c in first.cells if c.row + c.rows == first.nrows]
    head = [c for c in second.cells if c.row == 0]
    kept_first = list(first.cells)
    kept_second = []
    for cell in second.cells:
        above = next((a for a in tail if cell in head and _same_columns(a, cell)), None)
        if above is not None and _cut_by_page(above, cell, first, second):
            joined = replace(above, text=_glue(above.text, cell.text), rows=above.rows + cell.rows)
            kept_first[kept_first.index(above)] = joined
            continue
        kept_second.append(replace(cell, row=cell.row + first.nrows))
    return _Table(tuple(kept_first + kept_second), first.nrows + second.nrows, first.x0, first.x1)


def _snap(table: _Table, edges: list[float]) -> _Table:
    def snapped(x: float) -> float:
        nearest = min(edges, key=lambda edge: abs(edge - x))
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
    for cell in table.cells:
        first, last = _edge_index(edges, cell.x0), _edge_index(edges, cell.x1)
        for row in range(cell.row, min(cell.row + cell.rows, table.nrows)):
            for col in range(first, max(last, first + 1)):
                grid[row][col] = cell.text
    return TableBlock(tuple(tuple(row) for row in grid))


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


def _metadata(pdf: pdfplumber.PDF) -> dict[str, str]:
    """The document information dictionary, decoded (WPS writes UTF-16LE, which pdfminer misreads)."""
    wanted = {"Title": "title", "Author": "author", "Creator": "creator", "CreationDate": "created"}
    metadata = {}
    for info in pdf.doc.info:
        for name, key in wanted.items():
            value = info.get(name)
            text = _decode(value) if isinstance(value, bytes) else None
            if text:
                metadata[key] = text
    return metadata


def _decode(raw: bytes) -> str:
    # WPS writes UTF-16LE with its byte-order mark, which pdfminer misreads as PDFDocEncoding.
    little_endian = raw.startswith(b"\xff\xfe")
    text = raw[2:].decode("utf-16-le", errors="replace") if little_endian else decode_text(raw)
    text = text.replace("\x00", "").strip()
    date = _PDF_DATE.match(text)
    if date is None:
        return text
    year, month, day, hour, minute, second, sign, tz_hour, tz_minute = date.groups()
    zone = f"{sign}{tz_hour}:{tz_minute or '00'}" if sign in "+-" and tz_hour else ""
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"

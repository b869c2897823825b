"""What a PDF page holds, read with pdfium: characters with their boxes, ruling-line edges, images.

pdfium (through pypdfium2) reads a page ~70x faster than pdfminer. Its text dump inserts spaces between
Chinese and digits and loses coordinates, so the reader works from character boxes: one call per
character for its code, box and size. Coordinates are PDF points with the origin at the page's top
left (as pdfplumber gives them), so the layout code and pdfplumber's table geometry work unchanged.

Every page is read by `read_page`, the one place that counts a page's characters and drawing objects:
a cap on either is applied there.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils.geometry import bbox_getter  # what obj_to_bbox calls, without its Python frame

_AXIS_TOLERANCE = 0.01  # points: a segment this close to horizontal or vertical is a ruling line


class Char(NamedTuple):
    """One glyph (or one word recognised by OCR): its text, box (top-left origin) and font size.

    `confidence` is the OCR engine's (0..1) for recognised words, None for a text layer's glyphs.
    A named tuple, not a frozen dataclass: a page makes thousands, and a tuple is made 4x faster.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    confidence: float | None = None


@dataclass(frozen=True)
class PageObjects:
    chars: tuple[Char, ...]
    edges: tuple[dict, ...]  # pdfplumber edge dicts: ruling lines and the sides of drawn boxes
    drawn: int  # subpaths drawn (lines, boxes, curves): what the drawing cap counts
    images: int
    unmapped: int  # glyphs whose font gives no Unicode mapping
    glyphs: int  # every glyph, mapped or not
    width: float
    height: float
    turned: float = 0.0  # OCR: degrees the page's picture was turned (counter-clockwise) to read it upright

    @property
    def empty(self) -> bool:
        return not self.chars and not self.edges and not self.images


def open_document(data: bytes) -> pdfium.PdfDocument:
    """pdfium keeps a pointer into `data`; pypdfium2 keeps `data` alive with the document."""
    return pdfium.PdfDocument(data)


def read_page(
    page: pdfium.PdfPage, *, max_drawn: int, check_glyphs: Callable[[int], None] | None = None
) -> PageObjects:
    """The page's characters and edges; edges are not collected beyond `max_drawn` subpaths.
    `check_glyphs` sees the page's glyph count (pdfium's) before a Python object is made for any."""
    left, bottom, right, top = page.get_mediabox()
    origin = (left, top)
    edges: list[dict] = []
    counts = {"drawn": 0, "images": 0}
    textpage = page.get_textpage()
    try:
        if check_glyphs is not None:  # before the walk too: a text object per glyph would be walked
            check_glyphs(pdfium_c.FPDFText_CountChars(textpage))
        raw = page.raw  # the handle itself: a helper object is converted at each of thousands of calls
        for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
            obj = _GET_OBJECT(raw, index)
            kind = _OBJECT_TYPE(obj)
            if kind in _DRAWN:  # most objects are text, read from the text page
                _walk(obj, kind, _IDENTITY, origin, edges, counts, max_drawn, depth=0)
        chars, unmapped, glyphs = _chars(textpage.raw, origin)
    finally:
        textpage.close()
    return PageObjects(
        chars=chars,
        edges=tuple(edges),
        drawn=counts["drawn"],
        images=counts["images"],
        unmapped=unmapped,
        glyphs=glyphs,
        width=right - left,
        height=top - bottom,
    )


def _unchecked(function: Callable, restype: type) -> Callable:  # type: ignore[type-arg]
    """The same pdfium function, called without ctypes' conversion of each argument through its
    declared type (3-4x the cost of the call itself) and without releasing the GIL around a call of
    a microsecond (pdfium is used under one lock anyway). Only for calls made per character, object
    or path segment whose arguments are already C-ready: a handle as the pointer object pdfium
    gave (a pointer `restype` keeps results so), a Python int index where a C int is declared, a
    `byref` out-parameter."""
    return ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)


_GET_OBJECT = _unchecked(pdfium_c.FPDFPage_GetObject, pdfium_c.FPDF_PAGEOBJECT)
_OBJECT_TYPE = _unchecked(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_GET_SEGMENT = _unchecked(pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDF_PATHSEGMENT)
_SEGMENT_POINT = _unchecked(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
_SEGMENT_TYPE = _unchecked(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
_SEGMENT_CLOSES = _unchecked(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)
_IS_GENERATED = _unchecked(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_HAS_MAP_ERROR = _unchecked(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int)
_LOOSE_BOX = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_FONT_SIZE = _unchecked(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_RECT = struct.Struct("4f").unpack_from  # FS_RECTF: left, top, right, bottom (4-byte floats)


def _chars(textpage: ctypes.c_void_p, origin: tuple[float, float]) -> tuple[tuple[Char, ...], int, int]:
    left, top = origin
    count = pdfium_c.FPDFText_CountChars(textpage)
    codes = _codes(textpage, count)
    box = pdfium_c.FS_RECTF()
    box_out = ctypes.byref(box)  # made once, not at each call
    matrix = pdfium_c.FS_MATRIX()
    sizes: dict[tuple[float, float], float] = {}
    seen: dict[tuple[float, float], float] = {}  # the size by font size and exact box height: no round()
    chars = []
    unmapped = glyphs = 0
    for i in range(count):
        code = codes[i] if codes is not None else pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code in _BLANKS and _IS_GENERATED(textpage, i) == 1:
            continue  # pdfium's own spaces and line breaks between text objects
        glyphs += 1
        if code in _NO_CHARACTER:
            unmapped += 1
            continue
        if _HAS_MAP_ERROR(textpage, i) == 1:
            unmapped += 1
        _LOOSE_BOX(textpage, i, box_out)
        box_left, box_top, box_right, box_bottom = _RECT(box)
        # The font size times the text matrix's vertical scale; glyphs of one font size and one box
        # height (to 0.01 pt) share it, so the matrix (the costly call) is asked once per such pair.
        exact = (_FONT_SIZE(textpage, i), box_top - box_bottom)
        size = seen.get(exact)
        if size is None:
            key = (exact[0], round(exact[1], 2))
            size = sizes.get(key)
            if size is None:
                pdfium_c.FPDFText_GetMatrix(textpage, i, matrix)
                size = sizes[key] = key[0] * math.hypot(matrix.c, matrix.d)
            seen[exact] = size
        # pdfminer's box: from the descent line up by the font size (the loose box reaches the ascent).
        lower = top - box_bottom
        chars.append(Char(chr(code), box_left - left, box_right - left, lower - size, lower, size))
    return tuple(chars), unmapped, glyphs


_BLANKS = frozenset((0x20, 0x0A, 0x0D, 0xA0))
_NO_CHARACTER = frozenset((0, 0xFFFE, 0xFFFF, *range(0xD800, 0xE000)))  # pdfium's codes for a glyph it cannot map


def _codes(textpage: ctypes.c_void_p, count: int) -> list[int] | None:
    """Every character's code in one call, or None when the text holds surrogate pairs (then the
    UTF-16 units no longer line up with character indices)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    codes = list(buffer[: max(0, written - 1)])
    if len(codes) != count or any(0xD800 <= code <= 0xDFFF for code in codes):
        return None
    return codes


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


_DRAWN = frozenset((pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM))


def _walk(obj, kind, outer, origin, edges, counts, max_drawn, depth):  # type: ignore[no-untyped-def]
    if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        counts["images"] += 1
    elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
        _path_edges(obj, _compose(_matrix(obj), outer), origin, edges, counts, max_drawn)
    elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:  # forms nest; a cycle must not recurse forever
        matrix = _compose(_matrix(obj), outer)
        for index in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
            inner = pdfium_c.FPDFFormObj_GetObject(obj, index)
            kind = _OBJECT_TYPE(inner)
            _walk(inner, kind, matrix, origin, edges, counts, max_drawn, depth + 1)


def _matrix(obj) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying `inner` first, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_edges(obj, matrix, origin, edges, counts, max_drawn) -> None:  # type: ignore[no-untyped-def]
    """Every horizontal or vertical straight segment of the path, as pdfplumber's edges.

    pdfminer splits a path at each move; a box (`re`) gives its four sides, a line its one segment.
    """
    a, b, c, d, e, f = matrix
    left, top = origin
    x, y = ctypes.c_float(), ctypes.c_float()
    x_out, y_out = ctypes.byref(x), ctypes.byref(y)
    subpath: list[tuple[float, float]] = []

    def flush(closed: bool) -> None:
        if not subpath:
            return
        counts["drawn"] += 1
        if counts["drawn"] > max_drawn:
            return
        points = [*subpath, subpath[0]] if closed and len(subpath) > 2 else subpath
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            edge = _edge(x0, y0, x1, y1)
            if edge is not None:
                edges.append(edge)

    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = _GET_SEGMENT(obj, index)
        _SEGMENT_POINT(segment, x_out, y_out)
        px = a * x.value + c * y.value + e - left
        py = top - (b * x.value + d * y.value + f)
        if _SEGMENT_TYPE(segment) == pdfium_c.FPDF_SEGMENT_MOVETO:
            flush(False)
            subpath = [(px, py)]
        else:
            subpath.append((px, py))
        if _SEGMENT_CLOSES(segment):
            flush(True)
            subpath = []
    flush(False)


def _edge(x0: float, y0: float, x1: float, y1: float) -> dict | None:
    if abs(y0 - y1) <= _AXIS_TOLERANCE:
        orientation = "h"
    elif abs(x0 - x1) <= _AXIS_TOLERANCE:
        orientation = "v"
    else:
        return None
    left, right = min(x0, x1), max(x0, x1)
    upper, lower = min(y0, y1), max(y0, y1)
    return {
        "object_type": "line",
        "orientation": orientation,
        "x0": left,
        "x1": right if orientation == "h" else left,
        "top": upper,
        "bottom": lower if orientation == "v" else upper,
        "width": right - left,
        "height": lower - upper,
    }


class _EdgePage:
    """What pdfplumber's TableFinder reads of a page: its edges and its box."""

    def __init__(self, edges: tuple[dict, ...], width: float, height: float) -> None:
        self.edges = list(edges)
        self.bbox = (0.0, 0.0, width, height)


_SETTINGS = TableSettings.resolve(None)


def find_tables(edges: tuple[dict, ...], width: float, height: float) -> list[Table]:
    """Tables as pdfplumber's TableFinder finds them from ruling lines: its edge merging,
    intersections and grouping of cells into tables (pure functions of the edges) are reused; only the
    cell search is ours (`_cells`), the same cells found without its quadratic rescans."""
    if not edges:
        return []
    page = _EdgePage(edges, width, height)
    finder = TableFinder.__new__(TableFinder)  # its steps one by one, the cell search replaced
    finder.page, finder.settings = page, _SETTINGS  # type: ignore[assignment]
    intersections = edges_to_intersections(
        finder.get_edges(), _SETTINGS.intersection_x_tolerance, _SETTINGS.intersection_y_tolerance
    )
    return [Table(page, group) for group in cells_to_tables(_cells(intersections))]  # type: ignore[arg-type]


_Point = tuple[float, float]
_Sides = dict[_Point, set[tuple[float, float, float, float]]]  # a point's edges (as boxes) in one direction


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's `intersections_to_cells`, result for result: for each intersection in sorted order,
    the smallest cell whose corners are intersections joined by shared edges. Written here because
    pdfplumber rebuilds every point's edge set and rescans all later points for each pair it tries
    (quadratic; 10 % of a ruled report's parse); here each point's edges are a set once and the points
    below and to the right come from its column and row."""
    vertical = {p: set(map(bbox_getter, found["v"])) for p, found in intersections.items()}
    horizontal = {p: set(map(bbox_getter, found["h"])) for p, found in intersections.items()}
    points = sorted(intersections)
    columns: dict[float, list[_Point]] = {}
    rows: dict[float, list[_Point]] = {}
    for point in points:  # in sorted order: a column's points top to bottom, a row's left to right
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    across = {point: j for row in rows.values() for j, point in enumerate(row)}  # a point's place in its row
    cells = []
    for column in columns.values():  # columns in order, each top to bottom: the points' sorted order
        for i, point in enumerate(column):
            right = rows[point[1]][across[point] + 1 :]
            cell = _smallest_cell(point, column[i + 1 :], right, vertical, horizontal)
            if cell is not None:
                cells.append(cell)
    return cells


def _smallest_cell(
    point: _Point, below: list[_Point], right: list[_Point], vertical: _Sides, horizontal: _Sides
) -> tuple[float, float, float, float] | None:
    down, across = vertical[point], horizontal[point]
    for low in below:
        if down.isdisjoint(vertical[low]):
            continue
        for side in right:
            if across.isdisjoint(horizontal[side]):
                continue
            corner = (side[0], low[1])
            if (
                corner in vertical
                and not vertical[corner].isdisjoint(vertical[side])
                and not horizontal[corner].isdisjoint(horizontal[low])
            ):
                return (point[0], point[1], corner[0], corner[1])
    return None

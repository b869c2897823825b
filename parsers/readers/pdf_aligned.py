"""Tables set without ruling lines: columns found from where the text stands.

Some reports print their tables as text in columns (no lines drawn, or lines drawn as a picture that
no edge finder sees). A data row is a line of text whose segments (text separated by a wide gap) end
in numbers; consecutive data rows make a table. Its value columns are the clusters of the numbers'
centres, its label column what stands left of them; the lines right above, whose segments stand over
those columns, are its header. pdfplumber's "text" strategy guesses columns from word edges on the
whole page and splits labels; this reads only lines that behave like rows of numbers.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from nianbao.parsers.readers.pdf_objects import Char

_NUMERIC = re.compile(r"[-+−]?[\d,，]*\.?\d+\s*(万元|元|%)?|[-—–]")
_GAP = 0.4  # a gap wider than this many font sizes separates two cells of a row (Chinese sets glyphs edge to edge)
_COLUMN_SNAP = 1.2  # numbers whose centres lie within this many font sizes stand in one column
_ROW_GAP = 2.5  # lines further apart than this many line heights are not one table
# Header lines taken above the rows: table 4's narrow heads stacked a character a line take eight (its two
# group lines, four characters, a line each side where the groups' bands differ).
_HEADER_LINES = 8
_MIN_ROWS = 2
_LONE_ROW_VALUES = 10  # a row alone is a table when it holds this many values at least (table 4's fifteen)
_MIN_VALUES = 2


@dataclass(frozen=True)
class Segment:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    confidence: float | None = None  # OCR: the lowest of its words'

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def numeric(self) -> bool:
        return _NUMERIC.fullmatch(self.text) is not None


@dataclass(frozen=True)
class AlignedTable:
    """Rows of (column index, segment); `bounds` are the column edges, label column first."""

    rows: tuple[tuple[tuple[int, Segment], ...], ...]
    bounds: tuple[float, ...]
    lines: frozenset[int]  # indices of the text lines the table took


def segments(line: list[Char]) -> list[Segment]:
    """The line cut where the gap between two characters is wider than `_GAP` font sizes."""
    parts: list[list[Char]] = []
    last: Char | None = None  # the last character placed (blanks are not)
    for char in line:
        if char.text.isspace():
            continue
        # max(char.size, last.size), written out: the builtin's call is most of this loop's cost
        if last is not None and char.x0 - last.x1 <= _GAP * (last.size if last.size > char.size else char.size):
            parts[-1].append(char)
        else:
            parts.append([char])
        last = char
    return [_segment(part) for part in parts]


def _segment(part: list[Char]) -> Segment:
    confidences = [c.confidence for c in part if c.confidence is not None]
    return Segment(
        "".join([c.text for c in part]),
        part[0].x0,
        part[-1].x1,
        min([c.top for c in part]),
        max([c.bottom for c in part]),
        min(confidences) if confidences else None,
    )


def find(lines: list[list[Char]]) -> list[AlignedTable]:
    """The tables among the page's text lines (top to bottom, each left to right)."""
    cut = [segments(line) for line in lines]
    tables = []
    index = 0
    while index < len(cut):
        block = _data_block(cut, lines, index)
        if len(block) < _MIN_ROWS and not (block and sum(p.numeric for p in cut[block[0]]) >= _LONE_ROW_VALUES):
            index += 1
            continue
        header = _header(cut, lines, block[0])
        table = _table(cut, header + block)
        if table is not None:
            tables.append(table)
        index = block[-1] + 1
    return tables


def _is_data_row(parts: list[Segment]) -> bool:
    values = [p for p in parts if p.numeric]
    if len(values) < _MIN_VALUES:
        return False
    first_value = next(i for i, p in enumerate(parts) if p.numeric)
    return all(p.numeric for p in parts[first_value:]) and first_value <= 1


def _height(line: list[Char]) -> float:
    return max(c.bottom for c in line) - min(c.top for c in line)


def _data_block(cut: list[list[Segment]], lines: list[list[Char]], start: int) -> list[int]:
    block: list[int] = []
    for index in range(start, len(cut)):
        if not _is_data_row(cut[index]):
            break
        if block and _apart(lines[block[-1]], lines[index]):
            break
        block.append(index)
    return block


def _apart(upper: list[Char], lower: list[Char]) -> bool:
    gap = min(c.top for c in lower) - max(c.bottom for c in upper)
    return gap > _ROW_GAP * max(_height(upper), _height(lower))


def _header(cut: list[list[Segment]], lines: list[list[Char]], first: int) -> list[int]:
    """Lines right above the first data row made only of text (no numbers): the column heads."""
    header: list[int] = []
    index = first - 1
    while index >= 0 and len(header) < _HEADER_LINES:
        parts = cut[index]
        if not parts or any(p.numeric for p in parts) or _apart(lines[index], lines[header[0] if header else first]):
            break
        if len(parts) < 2:
            break  # a heading or a sentence: one run of text
        header.insert(0, index)
        index -= 1
    return header


def _table(cut: list[list[Segment]], indices: list[int]) -> AlignedTable | None:
    values = [p for i in indices for p in cut[i] if p.numeric]
    size = max((p.bottom - p.top for p in values), default=0.0)
    centres = _columns(sorted(p.centre for p in values), _COLUMN_SNAP * size)
    if len(centres) < _MIN_VALUES:
        return None
    centres = _headed(cut, indices, centres, _COLUMN_SNAP * size) or centres
    inner = [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    half = (centres[1] - centres[0]) / 2
    left = min(p.x0 for i in indices for p in cut[i])
    first_bound = centres[0] - half
    bounds = (min(left, first_bound - 1), first_bound, *inner, centres[-1] + half)
    rows = []
    for i in indices:
        placed = []
        for part in cut[i]:
            column = _column_of(part, bounds)
            placed.append((column, part))
        rows.append(tuple(placed))
    return AlignedTable(tuple(rows), bounds, frozenset(indices))


def _headed(cut: list[list[Segment]], indices: list[int], centres: list[float], snap: float) -> list[float] | None:
    """The centres of the column heads, when the header names more value columns than the numbers fill:
    a column left blank in every row (a table 3 whose applicants are all people, the organisations'
    columns printed empty) still has its head. Taken only when the heads stand apart and every column of
    numbers stands under one of them; the heads over the labels (项目) are left out."""
    rows = [cut[i] for i in indices]
    header = [parts for parts in rows if not any(p.numeric for p in parts)]
    if not header:
        return None
    labels = [parts[0].x1 for parts in rows if parts and not parts[0].numeric and any(p.numeric for p in parts)]
    labels_end = max(labels, default=float("-inf"))
    heads = sorted(p.centre for p in max(header, key=len) if p.x0 >= labels_end)
    if len(heads) <= len(centres) or any(b - a <= snap for a, b in itertools.pairwise(heads)):
        return None
    if not all(any(abs(centre - head) <= snap for head in heads) for centre in centres):
        return None
    return heads


def _columns(centres: list[float], snap: float) -> list[float]:
    clusters: list[list[float]] = []
    for centre in centres:
        if clusters and centre - clusters[-1][-1] <= snap:
            clusters[-1].append(centre)
        else:
            clusters.append([centre])
    return [sum(c) / len(c) for c in clusters]


def _column_of(part: Segment, bounds: tuple[float, ...]) -> int:
    """0 for the label column; else the value column whose range holds the segment's centre."""
    for column in range(len(bounds) - 1):
        if part.centre < bounds[column + 1]:
            return column
    return len(bounds) - 2

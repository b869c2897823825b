"""Aligning a grid's data rows with its header before reading it: phantom columns.

A table pasted from Word often carries a header cell whose span its data rows do not follow (the
header's 自然人 one column wide, every data row's first value two columns wide): the dense grid then
has one column more than the header names, the data rows' last value sits under no header, and every
row is misread or refused. A reader sees at once which column is phantom: empty, or a copy of its left
neighbour (one cell's span), in every data row; and in the header, the column empty in every header
row. `realign` drops those, keeping for each row the source column of every cell left, so provenance
still points into the original grid. It changes a grid only when the data rows put a number under no
header and the phantom columns of header and data are equally many; otherwise it leaves the grid as
it is (the mapping then warns).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, reduce
from itertools import combinations, compress, islice, repeat
from operator import and_, itemgetter, ne, or_

from nianbao.parsers.cells import is_number, is_value, read_cell

Rows = tuple[tuple[str, ...], ...]
_MAX_CHOICES = 64
_FILLED, _NUMBERS, _REPEATS = itemgetter(0), itemgetter(1), itemgetter(2)  # a row's `row_masks`, one by one


def realign(
    rows: Rows, masks: list[tuple[int, int, int, int]] | None = None
) -> tuple[Rows, tuple[tuple[int, ...], ...], str | None]:
    """(rows, source columns per row, a note when the grid was changed); `masks`, the rows' `row_masks`
    when the caller has them."""
    widths = tuple(map(len, rows))
    identity = _identity(widths)
    if masks is None:
        masks = [row_masks(row) for row in rows]
    numbers = list(map(_NUMBERS, masks))
    # The first row with a number: the first nonzero mask, whose value no row before it (all zero) has.
    first_data = numbers.index(first) if (first := next(filter(None, numbers), 0)) else None
    if not first_data or len(set(widths)) != 1:
        return rows, identity, None
    width = widths[0]
    # Columns as bit masks (one remembered per row): the header's filled, the data rows' numbers and copies,
    # each folded in one C-level step.
    header_filled = list(map(_FILLED, masks[:first_data]))
    headed = reduce(or_, header_filled, 0)
    numbered = reduce(or_, numbers[first_data:], 0)
    unheaded_mask = ((1 << width) - 1) & ~headed if headed else 0  # no header row: no column unheaded
    if not numbered & unheaded_mask:  # no data row puts a number under no header
        return rows, identity, None
    # A dense grid's header rows all end where the header does (spans expanded, each covered cell holding
    # the merged cell's text). Header rows ending at different columns are a text rendering's rows with
    # their spans dropped (行政复议 | 行政诉讼 over fifteen values): their cells do not stand over the data's
    # columns at all, so no column is phantom; the mapping reads such a header by its labels.
    if len({filled.bit_length() for filled in header_filled if filled}) > 1:
        return rows, identity, None
    repeated = reduce(and_, compress(map(_REPEATS, masks[first_data:]), numbers[first_data:]), (1 << width) - 1)
    # Too few columns empty or a copy in every data row, even before the labels are set aside: the usual
    # way out, so it comes before the costlier work below.
    if (repeated & ~1).bit_count() < unheaded_mask.bit_count():
        return rows, identity, None
    data_masks = [m for m in masks[first_data:] if m[1]]  # the rows with a number
    data = [row for row, m in zip(rows[first_data:], masks[first_data:], strict=True) if m[1]]
    unheaded = [j for j in range(width) if unheaded_mask >> j & 1]
    start = min(texts.bit_length() for _, _, _, texts in data_masks)  # past the data rows' shortest labels
    copies = [j for j in range(max(start, 1), width) if repeated >> j & 1]
    if len(copies) < len(unheaded):
        return rows, identity, None
    if len(copies) > len(unheaded):
        # A column that copies a count other than 0 in some row shows a cell's span; one that copies only
        # zeros or blanks shows nothing (equal zeros side by side fill a small agency's table 3, whose
        # applicants are all 自然人). When the columns showing a span are the phantoms' number, they are the
        # phantoms; otherwise every choice must read the rows the same, as below.
        shown = [j for j in copies if any(map(_copies_a_count, data, repeat(j)))]
        if len(shown) == len(unheaded):
            copies = shown
    # The phantom is the first choice, if every other choice reads the data rows the same; a choice that
    # reads one row differently settles it at that row (most grids that get here are left as they are).
    choices = islice(combinations(copies, len(unheaded)), _MAX_CHOICES)
    dropped = next(choices)  # there is one: at least one column is unheaded and copies are as many
    kept_data = _kept(width, dropped)
    take_data = _taker(kept_data)
    reading = list(map(take_data, data))
    for other in choices:
        if any(map(ne, map(_taker(_kept(width, other)), data), reading)):
            return rows, identity, None  # the phantom could be more than one column: leave it to the mapping's warning
    kept_header = _kept(width, tuple(unheaded))
    columns = tuple(kept_header if i < first_data else kept_data for i in range(len(rows)))
    out = (*map(_taker(kept_header), rows[:first_data]), *map(take_data, rows[first_data:]))
    note = (
        f"header columns {', '.join(str(j + 1) for j in unheaded)} empty in every header row and data columns "
        f"{', '.join(str(j + 1) for j in dropped)} empty or a span copy in every data row: dropped"
    )
    return out, columns, note


def _copies_a_count(row: tuple[str, ...], j: int) -> bool:
    """Whether the row's cell at `j` repeats the count to its left, and that count is not 0."""
    cell = row[j]
    return cell == row[j - 1] and bool(read_cell(cell).number)  # None for a blank or text, 0 falsy


@lru_cache(maxsize=1024)  # grids repeat their shape (the template's tables): one answer per shape
def _identity(widths: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Source columns of an unchanged grid: each row's own positions."""
    return tuple(tuple(range(width)) for width in widths)


@lru_cache(maxsize=4096)  # rows repeat (the template's header and label rows, rows of zeros)
def row_masks(row: tuple[str, ...]) -> tuple[int, int, int, int]:
    """Bit masks of a row's positions: filled; holding a number; empty or a copy of the cell to the left;
    holding text (neither a number nor a blank mark: a label). Each cell is read once for all four, by
    one remembered step (`_cell_kind`): a report's new data rows each cost this once."""
    filled = numbers = repeats = texts = 0
    bit = 1
    left = None  # the cell to the left; none before the first
    for cell in row:
        if cell:
            filled |= bit
            kind = _cell_kind(cell)
            if kind is _NUMBER:
                numbers |= bit
            elif kind is _TEXT:
                texts |= bit
            if cell == left:
                repeats |= bit
        else:
            repeats |= bit
        left = cell
        bit <<= 1
    return filled, numbers, repeats, texts


_NUMBER, _BLANK_MARK, _TEXT = "number", "blank mark", "text"  # a filled cell's kind (`_cell_kind`)


@lru_cache(maxsize=65536)  # cells repeat across rows and reports (labels, small counts, blanks)
def _cell_kind(cell: str) -> str:
    """What a filled cell holds: a number, a blank mark (-, /, —), or text."""
    if is_number(cell):
        return _NUMBER
    return _BLANK_MARK if is_value(cell) else _TEXT


@lru_cache(maxsize=1024)  # grids repeat their shape: the same choices of columns each time
def _kept(width: int, dropped: tuple[int, ...]) -> tuple[int, ...]:
    """The positions of a row of `width` cells left when `dropped` are taken out."""
    return tuple(j for j in range(width) if j not in dropped)


@lru_cache(maxsize=1024)
def _taker(positions: tuple[int, ...]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """A row's cells at `positions` (at least one), as a tuple, taken in one C-level step."""
    if len(positions) == 1:
        (only,) = positions
        return lambda row: (row[only],)
    return itemgetter(*positions)

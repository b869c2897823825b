"""Finding the template's tables among a document's grids, by labels, and reading their cells.

The rows of every grid are read as one stream, because renderings cut tables differently (a Word
table broken at a page, a text dump that starts a new table at a blank line, a page that puts all
three tables in one). A header row (column labels, no numbers) opens a context for one template
table; consecutive header rows merge (multi-level headers); data rows after it are matched to the
template's rows by their labels and read column by column:

- by position, when the row lines up with the header (the usual case for HTML, PDF and Word grids);
- in order, when it does not (text dumps shift cells): the row's values, blanks trimmed at both
  ends, must then be exactly as many as the columns, taken in the header's left-to-right order.

Before a grid is read, `grids.realign` drops phantom columns; row labels are matched with
`labels.match_row` (scored, ties warned, never picked); table 3 may borrow the other template's 其他处理
rows (a hybrid, `hybrid_rows`); a text row whose values ran together is split by `runs.resolve_runs`
only where the arithmetic leaves one reading. Every value read gets a `Provenance` (its grid, row and
column in the rendering, and how it was read).

A row under a context that matches no template row but carries values is a provincial extra row
(湖北 其他主动公开文件, 北京 行政检查): it is kept under `extra_<label>`, where <label> is its printed
label in `labels.label_key` form (NFKC, no spaces or quotes), so it is stable across renderings.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial
from itertools import groupby, repeat
from operator import attrgetter, eq, itemgetter
from typing import NamedTuple

from nianbao.parsers.cells import is_number, read_cell
from nianbao.parsers.document import CellOrigin, Document, Method, TableBlock
from nianbao.parsers.grids import realign, row_masks
from nianbao.parsers.labels import SHORT_LABEL, RowMatch, core, is_header, label_key, match_row
from nianbao.parsers.memos import Memo
from nianbao.parsers.record import Provenance, Provenances, Value
from nianbao.parsers.runs import Pending, resolve_runs
from nianbao.parsers.templates import (
    APPLICANT_COLUMNS,
    APPLICATION_HEADER_LABELS,
    APPLICATIONS_2019,
    APPLICATIONS_2021,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_HEADER_LABELS,
    TEMPLATES,
    ColumnSpec,
    RowSpec,
    Template,
)

ACTIVE, APPLICATIONS, REVIEW = "active_disclosure", "applications", "review_litigation"
EXTRA_PREFIX = "extra_"

# Header cells that open table 3 / table 4 (templates.py holds the wording, with the column labels).
_APPLICATION_MARKERS = (*(label for c in APPLICANT_COLUMNS for label in c.labels), *APPLICATION_HEADER_LABELS)
_REVIEW_MARKERS = (
    *(label for c in REVIEW_COLUMNS for label in c.labels if c.key != "total"),
    *(label for _, labels in REVIEW_GROUPS for label in labels),
    *REVIEW_HEADER_LABELS,
)
# Tables 3's and 4's header words, each between separators: a cell whose key is a piece of one may be a
# wrapped head's (`_wrapped`).
_HEADER_WORDS = {
    kind: "|" + "|".join(label_key(label) for label in labels) + "|"
    for kind, labels in (
        (APPLICATIONS, _APPLICATION_MARKERS),
        (REVIEW, (*_REVIEW_MARKERS, *(label for c in REVIEW_COLUMNS if c.key == "total" for label in c.labels))),
    )
}
_UNIT_WAN = re.compile(r"万元")
_UNIT_YUAN = re.compile(r"[(（]\s*(单位\s*[:：]?\s*)?元\s*[)）]|单位\s*[:：]?\s*元")
_TEN_THOUSAND = Decimal(10000)
_DIGITS = re.compile(r"^\d+$")
_METHOD_NAMES = {m: m.value for m in Method}
_AMOUNT = "amount_wan_yuan"  # the one column read as an amount, not a count
# Rows of the other template's table 3 a report may print instead of its own (hybrid layouts):
# template -> (rows it may borrow, rows of its own they replace).
_OTHER_2019 = APPLICATIONS_2019.row("other_handling")
_OTHER_2021 = tuple(r for r in APPLICATIONS_2021.rows if r.key.startswith("other_"))
HYBRID_ROWS: dict[str, tuple[tuple[RowSpec, ...], tuple[str, ...]]] = {
    "2021": ((_OTHER_2019,), tuple(r.key for r in _OTHER_2021)),
    "2019": (_OTHER_2021, (_OTHER_2019.key,)),
}


@dataclass
class TableFindings:
    """What the stream of grids yielded: tables by key (None when not found) and warnings."""

    tables: dict[str, dict[str, dict[str, Value]] | None]
    warnings: list[tuple[str, str]] = field(default_factory=list)
    provenance: Sequence[Provenance] = ()
    # (table, row) of the rows whose values ran together and were left blank (`cells_ambiguous`): not read,
    # so no check counts them, as no check counts an absent row.
    unread: frozenset[tuple[str, str]] = frozenset()


class _Context:
    """One template table being read: its header rows so far and what they say. Slotted, with a plain
    constructor: a report opens several."""

    __slots__ = ("header", "kind", "open", "positions", "read_blank", "rows", "width")

    def __init__(self, kind: str, row: tuple[str, ...]) -> None:
        self.kind = kind
        self.rows: list[tuple[str, ...]] = [row]  # the header rows, from the one that opened it
        self.width = len(row)  # the first header row's length
        self.positions: dict[str, list[int]] = {}
        self.header: _Header | None = None  # what the header rows so far say (`_header`)
        self.open = True  # the previous row was a header row too: the next header row extends this one
        self.read_blank = False  # table 4 only: a data row left all blank was read; a printed one may follow


def find_tables(document: Document, template: Template, grids: tuple[TableBlock, ...] | None = None) -> TableFindings:
    """The template's tables among the document's grids; `grids`, its `tables()` when the caller has them."""
    reader = _Reader(template, document.rendering)
    for index, grid in enumerate(document.tables() if grids is None else grids):
        reader.grid(grid, index)
    return reader.findings()


class _Source(NamedTuple):
    """Where the row being read sits: its grid, the grid's index, the row's index, and for each of the
    row's (realigned) cells the column it came from in the reader's grid."""

    grid: TableBlock
    grid_index: int
    row: int
    columns: tuple[int, ...]


# Named tuples built from a full tuple, skipping the named arguments' handling: one per row, one per value.
_new_source = functools.partial(tuple.__new__, _Source)
_new_provenance = functools.partial(tuple.__new__, Provenance)


class _Reader:
    def __init__(self, template: Template, rendering: str = "unknown") -> None:
        self.rendering = rendering
        # Where each value came from, noted as it is read and written out as provenance when first read
        # (`_written`): a row's values as (table, row, cells, source), or (table, row, cells, source, method)
        # when read some other way than the grid's, one value as (table, row, column, position, method, source).
        self.notes: list[tuple] = []
        self.pending: list[Pending] = []
        self.pending_keys: set[tuple[str, str]] = set()
        self.unread: set[tuple[str, str]] = set()  # rows left blank, their run-together values ambiguous
        self.source: _Source | None = None
        self.template = template
        self.rows: dict[str, dict[str, dict[str, Value]]] = {ACTIVE: {}, APPLICATIONS: {}, REVIEW: {}}
        self.warnings: list[tuple[str, str]] = []
        self.context: _Context | None = None
        self.row_specs = _row_specs(template.name)
        self.inferred = False  # the grid being read may hold inferred cells

    def grid(self, grid: TableBlock, index: int = 0) -> None:
        context = self.context
        carried = context is not None
        # Only a grid with cells marked `inferred` can hold run-together values (`_run_together`).
        self.inferred = inferred = grid.origins is not None or grid.method == Method.INFERRED
        rows, readings, columns, note = _aligned(grid.rows, self.template.name)
        if note:
            self.warnings.append(("columns_realigned", f"table {index + 1}: {note}"))
        found_rows, notes, pending_keys = self.rows, self.notes, self.pending_keys
        for r, (row, reading) in enumerate(zip(rows, readings, strict=True)):
            kind = reading.kind
            if context is not None and context.open and _wrapped(row, context.kind):
                # Tables 3's and 4's narrow column heads wrapped a word or a character a line (商业 / 企业,
                # 结 / 果 / 维 / 持), as a PDF's text gives them: rows of pieces of several heads, which place
                # nothing and are no header row of the context's (its rows are those its header read); the
                # header stays open, and the data rows are read in the template's order.
                continue
            if kind:  # a header row: its column labels added to the context's positions
                if context and context.kind == kind and context.open:
                    context.rows.append(row)
                else:
                    context = self.context = _Context(kind, row)
                before = context.header
                # The header this row opens (kept on its reading: a row opens one table, `kind`), or the one
                # it extends `before` to (kept on `before`); worked out the first time by `_locate`.
                header = before.after.get(reading) if before is not None else reading.opens
                if header is None:
                    header = self._locate(context, row, reading, before)
                context.header = header
                context.positions = header.positions
                carried = False
                continue
            if context is None:
                continue
            if context.kind == REVIEW:
                self.source = _new_source((grid, index, r, columns[r]))  # where the values read next sit
                context.open = False
                if self._review_row_read(row, context, reading):
                    context = self.context = None
                continue
            if not reading.masks[0]:  # no cell filled (`row_masks`)
                continue  # a row of empty cells (a spacer) neither ends a header nor ends the table
            context.open = False
            if not inferred and (read := reading.read.get(context.header)) is not None and read[0] == context.width:
                # This row read under this header before: the same row of the template, placed the same
                # way, every cell a plain count or blank (`_store`). Only the reader's state is asked again.
                _, key, placed, values = read
                found = found_rows[context.kind]
                if key not in found and not (pending_keys and (context.kind, key) in pending_keys):
                    notes.append((context.kind, key, placed, (grid, index, r, columns[r])))  # a `_Source`'s values
                    found[key] = values.copy()
                    carried = False
                    continue
            if context.kind in reading.idle:  # names no template row and carries no value under this table
                if carried:
                    context = self.context = None  # as for any row naming no template row (below)
                continue
            self.source = _new_source((grid, index, r, columns[r]))  # where the values read next sit
            matched = self._data_row(row, context, reading)
            if carried and not matched:
                context = self.context = None  # the grid before ended the table; this grid is something else
                continue
            carried = False
        if context and context.read_blank:
            self.context = None  # table 4 was read blank and nothing printed followed it in its grid

    def findings(self) -> TableFindings:
        self._resolve_runs()
        tables: dict[str, dict[str, dict[str, Value]] | None] = {}
        for key in (ACTIVE, APPLICATIONS):
            spec = self.template.table(key)
            found = self.rows[key]
            rows = self._hybrid_rows(spec.rows, found) if key == APPLICATIONS else spec.rows
            keys, key_set = _row_keys(rows)
            if not found or key_set.isdisjoint(found):
                tables[key] = None
                self.warnings.append(("table_missing", f"table {key} ({spec.heading}) not found"))
                continue
            if found.keys() >= key_set:  # every row found (the usual case): put in the template's order at once
                ordered = dict(zip(keys, map(found.__getitem__, keys), strict=True))
            else:
                missing = [k for k in keys if k not in found]
                self.warnings.append(("row_missing", f"{key}: rows not found: {', '.join(missing)}"))
                ordered = {k: found[k] for k in keys if k in found}
            if len(ordered) < len(found):  # rows found beside the template's: the extra rows are kept
                ordered.update({k: v for k, v in found.items() if k.startswith(EXTRA_PREFIX)})
            tables[key] = ordered
        review = self.rows[REVIEW]
        if review:
            tables[REVIEW] = review
        else:
            tables[REVIEW] = None
            self.warnings.append(("table_missing", f"table {REVIEW} ({self.template.table(REVIEW).heading}) not found"))
        present = {table: rows for table, rows in tables.items() if rows is not None}
        provenance = Provenances(partial(_written, self.notes, self.rendering, present))
        return TableFindings(tables, self.warnings, provenance, frozenset(self.unread))

    def _hybrid_rows(self, rows: tuple[RowSpec, ...], found: dict) -> tuple[RowSpec, ...]:
        """The template's table 3 rows, or, when the report printed the other template's 其他处理 rows
        instead of its own, those in their place (a hybrid layout): the record says which were absent."""
        borrowed, replaced = HYBRID_ROWS.get(self.template.name, ((), ()))
        if not any(r.key in found for r in borrowed) or any(key in found for key in replaced):
            return rows
        self.warnings.append(
            (
                "hybrid_rows",
                f"{APPLICATIONS}: a {self.template.name} table printing the other template's rows "
                f"{', '.join(r.key for r in borrowed if r.key in found)}; absent (not zero): {', '.join(replaced)}",
            )
        )
        at = next(i for i, r in enumerate(rows) if r.key in replaced)
        return (*rows[:at], *borrowed, *(r for r in rows[at:] if r.key not in replaced))

    def _resolve_runs(self) -> None:
        if not self.pending:  # the usual report: no row's values ran together
            return
        rows, notes = self.rows, self.notes
        for outcome in resolve_runs(self.pending, rows):
            pending = outcome.pending
            self.source = source = pending.source
            if outcome.values is None:
                self.warnings.append(("cells_ambiguous", outcome.message))
                rows[pending.kind][pending.row] = dict.fromkeys(pending.columns)
                self.unread.add((pending.kind, pending.row))
                continue
            target, position = rows[pending.kind], pending.position
            if pending.kind != REVIEW:  # the row's values set and noted at once, all from the one cell
                read = sorted(zip(pending.columns, outcome.values, strict=True), key=_column_rank)
                target.setdefault(pending.row, {}).update(read)
                if source is not None:
                    cells = tuple((column, position, position) for column, _ in read)  # (column, at, position)
                    notes.append((pending.kind, pending.row, cells, source, Method.INFERRED))
                continue
            for column, value in sorted(zip(pending.columns, outcome.values, strict=True), key=_column_rank):
                row, key = _REVIEW_GROUP_KEY.get(column) or column.split(".")  # a review column is group.column
                target.setdefault(row, {})[key] = value
                self._note(pending.kind, row, key, position, Method.INFERRED)

    def _note(self, table: str, row: str, column: str, position: int | None, method: Method | None = None) -> None:
        """Notes where one value came from (its cell in the rendering's grid) and how it was read."""
        if self.source is not None and position is not None:
            self.notes.append((table, row, column, position, method, self.source))

    def _locate(self, context: _Context, row: tuple[str, ...], reading: _RowReading, before: _Header | None) -> _Header:
        """The header after one more header row, not seen after `before` yet (header rows arrive one by one;
        each is analysed once, by `_header_cells`, so a deep text-dump header stays linear); kept for next time."""
        cells = reading.header_cells
        if cells is None:
            cells = reading.header_cells = _header_cells(row, context.kind, self.template.name)
        header = _header(context.kind, before, cells)
        if before is None:
            reading.opens = header
        elif len(before.after) < _MAX_AFTER:
            before.after[reading] = header
        return header

    def _data_row(self, row: tuple[str, ...], context: _Context, reading: _RowReading) -> bool:
        """Reads a data row (a row read before under this header is read again by `grid` itself); True
        when its labels name a template row."""
        labels, label_end, match = reading.plan(context.kind)
        rows, _ = self.row_specs[context.kind]
        if match.tied:
            names = ", ".join(rows[i].key for i in match.tied)
            self.warnings.append(
                ("label_ambiguous", f"{context.kind}: {'/'.join(labels)!r} could name {names}; not read")
            )
            return True
        matched = rows[match.index] if match.index is not None else None
        if matched is None:
            if labels and reading.masks[1] >> (label_end + 1):  # a number after the labels (`row_masks`)
                key = EXTRA_PREFIX + label_key(labels[-1])
                columns = tuple(sorted(context.positions, key=lambda k: context.positions[k][0]))
                self._store(context, key, row, label_end, columns, labels, reading)
            else:  # the same answer each time under this table (`grid` skips it next time)
                reading.idle += (context.kind,)
            return False
        if matched.key in self.rows[context.kind] or (context.kind, matched.key) in self.pending_keys:
            self.warnings.append(("duplicate_row", f"{context.kind}.{matched.key} printed twice; kept the first"))
            return True
        self._store(context, matched.key, row, label_end, matched.columns, labels, reading)
        return True

    def _store(
        self,
        context: _Context,
        key: str,
        row: tuple[str, ...],
        label_end: int,
        columns: tuple[str, ...],
        labels: tuple[str, ...],
        reading: _RowReading,
    ) -> None:
        if self.inferred and self._run_together(context, key, row, label_end, columns, reading.masks[0]):
            return
        placed = _place(row, label_end, context, columns, reading.masks)
        if placed is None:
            self.warnings.append(
                ("row_unaligned", f"{context.kind}.{key} ({'/'.join(labels)}): cannot tell which value is which column")
            )
            return
        counted = reading.counted
        if counted is not None and counted[0] is placed:  # this row placed this way before: its counts copied
            values = dict(counted[1])
        else:
            values = self._counts(row, placed, context, key, reading)
        if self.source is not None:  # the row's values noted at once, by where the plan placed them
            self.notes.append((context.kind, key, placed, self.source))
        if len(placed) < len(columns):  # a column whose header was not found (misprinted, misread by OCR)
            unread = [column for column in columns if column not in values]  # absent, and said so
            self.warnings.append(
                ("cell_missing", f"{context.kind}.{key}: no column found for {', '.join(unread)}; left out")
            )
        elif (
            reading.counted is not None
            and reading.counted[0] is placed
            and not key.startswith(EXTRA_PREFIX)
            and len(reading.read) < _MAX_READ
            and context.header is not None
        ):  # read with no warning, every cell plain: the next time under this header, read at once (`_data_row`)
            reading.read[context.header] = (context.width, key, placed, reading.counted[1])
        self.rows[context.kind][key] = values

    def _counts(
        self,
        row: tuple[str, ...],
        placed: tuple[tuple[str, int, int], ...],
        context: _Context,
        key: str,
        reading: _RowReading,
    ) -> dict[str, Value]:
        """The row's values by column; kept on its reading with the placement when every cell was a plain
        count or blank (a cell `_value` reads may warn, and its warnings must be said again each time)."""
        values: dict[str, Value] = {}
        plain = True
        for column, at, _ in placed:
            text = row[at]
            count = _count(text) if column != _AMOUNT else _UNREAD
            if count is _UNREAD:
                plain = False
                count = self._value(text, column, context, key)
            values[column] = count
        if plain:
            reading.counted = (placed, dict(values))
        return values

    def _run_together(
        self, context: _Context, key: str, row: tuple[str, ...], label_end: int, columns: tuple[str, ...], filled: int
    ) -> bool:
        """A row whose values a text dump ran together into one digit string (the reader marks such
        cells `inferred`): kept for `resolve_runs`, which splits it only where the arithmetic allows one reading.
        `filled`, the row's filled cells as a mask (`row_masks`): one of them after the labels, or not such a row."""
        source = self.source
        after = filled >> (label_end + 1)  # the filled cells after the labels
        if len(columns) < 2 or not after or after & (after - 1) or source is None:
            return False  # not exactly one filled cell after the labels
        position = label_end + after.bit_length()
        digits = row[position]
        grid = source.grid
        if not _DIGITS.match(digits) or (grid.origins is None and grid.method != Method.INFERRED):
            return False  # not digits, or no cell of this grid was marked `inferred`
        column = source.columns[position] if position < len(source.columns) else position
        if grid.origin(source.row, column).method != Method.INFERRED:
            return False
        header = context.header
        # Header rows printing the same columns in another order share a header (`_header_cells` names one
        # column per cell): where the total comes is part of the key.
        first = context.kind != ACTIVE and _total_printed_first(tuple(context.rows), context.kind)
        order = header.orders.get((columns, first)) if header is not None else None
        if order is None:
            order = tuple(_header_order(context, columns))
            if first and order == columns:  # the template's order, assumed by `_header_order`: totals first
                order = _total_first(order)
            if header is not None:
                header.orders[(columns, first)] = order
        self.pending.append(Pending(context.kind, key, digits, order, position, source))
        self.pending_keys.add((context.kind, key))
        return True

    def _review_row_read(self, row: tuple[str, ...], context: _Context, reading: _RowReading) -> bool:
        """Reads table 4's one data row (all values, maybe after a label: 总计, 数量); True when it is done.

        A form left blank prints every value blank; such a row is read but does not end the table, since
        it may also be a spacer between header and data: a row with numbers later in the grid replaces it.
        """
        label_end = reading.value_end
        if label_end is _UNPLANNED:
            label_end = reading.value_end = _value_end(row, reading.masks[3])
        if label_end is None:
            return False
        self._review_row(row, label_end, context, reading)
        context.read_blank = not reading.masks[1] >> (label_end + 1)  # no number among the values (`row_masks`)
        return not context.read_blank

    def _review_row(self, row: tuple[str, ...], label_end: int, context: _Context, reading: _RowReading) -> None:
        columns = _REVIEW_KEYS
        if self.inferred and self._run_together(context, "", row, label_end, columns, reading.masks[0]):
            return
        placed = _place(row, label_end, context, columns, reading.masks)
        if placed is None:
            self.warnings.append(("row_unaligned", f"{REVIEW}: the data row does not line up with its 15 columns"))
            return
        reviewed = reading.reviewed
        if reviewed is not None and reviewed[0] is placed:  # this row placed this way before: its counts copied
            _, counted, cells = reviewed
            groups = {group: values.copy() for group, values in counted.items()}
        else:
            groups = {}
            plain = True
            for column, at, _ in placed:
                group, key = _REVIEW_GROUP_KEY[column]
                text = row[at]
                count = _count(text)
                if count is _UNREAD:  # a cell `_value` reads, and may warn about each time
                    plain = False
                    count = self._value(text, key, context, group)
                groups.setdefault(group, {})[key] = count
            cells = _review_cells(placed)
            if plain:
                reading.reviewed = (placed, {group: values.copy() for group, values in groups.items()}, cells)
        if self.source is not None:  # each group's values noted at once, as a row's are
            for group, placed_cells in cells:
                self.notes.append((REVIEW, group, placed_cells, self.source))
        if groups:
            self.rows[REVIEW] = groups

    def _value(self, text: str, column: str, context: _Context, row: str) -> Value:
        if column != _AMOUNT and (count := _whole_count(text)) is not None:
            return count  # the usual case, remembered per cell text
        cell = read_cell(text)
        if cell.kind == "blank":
            return None
        where = f"{context.kind}.{row}.{column}"
        if cell.kind == "text" or cell.number is None:
            self.warnings.append(("unreadable_cell", f"{where}: {text!r} is not a number"))
            return None
        if column == _AMOUNT:
            return self._amount(cell.number, cell.unit, label_key(_header_text(context, column)), where)
        if cell.number != cell.number.to_integral_value():
            self.warnings.append(("unreadable_cell", f"{where}: {text!r} is not a whole count"))
            return None
        return int(cell.number)

    def _amount(self, number: Decimal, unit: str | None, header: str, where: str) -> float:
        if unit in ("万元", "万") or (unit is None and _UNIT_WAN.search(header)):
            return float(number)
        if unit == "元" or (unit is None and _UNIT_YUAN.search(header)):
            return float(number / _TEN_THOUSAND)
        self.warnings.append(("amount_unit_missing", f"{where}: {number} printed with no unit; kept as printed"))
        return float(number)


_ROW_KEYS: dict[int, tuple[tuple[RowSpec, ...], tuple[str, ...], frozenset[str]]] = {}


def _row_keys(rows: tuple[RowSpec, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The rows' keys in order and as a set, kept by the rows' identity (a template's table, or a
    hybrid's rows): hashing row specs hashes every label they hold."""
    kept = _ROW_KEYS.get(id(rows))
    if kept is not None and kept[0] is rows:
        return kept[1], kept[2]
    keys = tuple(r.key for r in rows)
    key_set = frozenset(keys)
    if len(_ROW_KEYS) < 64:
        _ROW_KEYS[id(rows)] = (rows, keys, key_set)
    return keys, key_set


@lru_cache(maxsize=8)  # by name: hashing a Template hashes every label it holds
def _row_specs(template_name: str) -> dict[str, tuple[tuple[RowSpec, ...], tuple[tuple[str, ...], ...]]]:
    """Per table: the rows a data row may name (table 3 with the other template's 其他处理 rows) and
    their label tuples, built once per template (match_row's cache key)."""
    template = TEMPLATES[template_name]
    specs = {}
    for kind in (ACTIVE, APPLICATIONS):
        rows = template.table(kind).rows
        if kind == APPLICATIONS:
            rows += HYBRID_ROWS.get(template.name, ((), ()))[0]
        specs[kind] = (rows, tuple(r.labels for r in rows))
    return specs


_REVIEW_GROUP_COLUMNS = tuple(ColumnSpec(group, labels) for group, labels in REVIEW_GROUPS)
_REVIEW_KEYS = tuple(f"{g}.{c.key}" for g, _ in REVIEW_GROUPS for c in REVIEW_COLUMNS)  # group.column, in order
# Where tables 3's and 4's columns come in the template: a run-together row's values are kept in this order
# whichever order they were printed in (`_total_first`), as a grid's are. Table 2's columns (all ranked 0)
# keep the order they were split in, the template's.
_COLUMN_RANKS = {key: i for i, key in enumerate((*(c.key for c in APPLICANT_COLUMNS), *_REVIEW_KEYS))}


def _column_rank(cell: tuple[str, Value]) -> int:
    """A (column, value)'s place in the template's order of tables 3 and 4 (0 for any other column)."""
    return _COLUMN_RANKS.get(cell[0], 0)


_REVIEW_GROUP_KEY = {k: tuple(k.split(".")) for k in _REVIEW_KEYS}  # group.column -> (group, column)


def _review_cells(placed: tuple[tuple[str, int, int], ...]) -> tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...]:
    """Table 4's placed cells as (group, its cells placed as (column, text position, position)), group by
    group in the placement's order: one note per group, not per value."""
    return tuple(
        (group, tuple((_REVIEW_GROUP_KEY[column][1], at, position) for column, at, position in cells))
        for group, cells in groupby(placed, key=lambda cell: _REVIEW_GROUP_KEY[cell[0]][0])
    )


def _value_end(row: tuple[str, ...], texts: int) -> int | None:
    """Where a table 4 row's labels end (its last text cell; `texts`, the row's text cells as a mask,
    `row_masks`), when a value follows them (every cell after the last text cell is a number or blank);
    None otherwise."""
    label_end = texts.bit_length() - 1
    return label_end if label_end + 1 < len(row) else None


@lru_cache(maxsize=65536)
def _match_row(labels: tuple[str, ...], template_name: str, kind: str) -> RowMatch:
    """`match_row` against one table's rows, remembered by names (hashing the rows' label tuples on every
    call would cost more than the match)."""
    return match_row(labels, _row_specs(template_name)[kind][1])


_HeaderCells = tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]


@lru_cache(maxsize=8)
def _markers(template_name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per table, in the order ties are settled (table 4, 3, 2): the header labels that open it."""
    active = TEMPLATES[template_name].table(ACTIVE).columns
    return (
        (REVIEW, _REVIEW_MARKERS),
        (APPLICATIONS, _APPLICATION_MARKERS),
        (ACTIVE, tuple(label for c in active for label in c.labels)),
    )


@lru_cache(maxsize=4096)
def _wrapped(row: tuple[str, ...], kind: str) -> bool:
    """Whether a row holds only pieces of table `kind`'s header words (tables 3 and 4), one of them at least
    not a whole word (a row of whole words is a header row of its own, read for its positions): a wrapped
    head's line, where a short word (总计) may stand whole among the pieces."""
    words = _HEADER_WORDS.get(kind)
    keys = [label_key(cell) for cell in row if cell]
    if words is None or not keys or not all(key and key in words for key in keys):
        return False
    return any(f"|{key}|" not in words for key in keys)


def _header_kind(row: tuple[str, ...], template_name: str) -> str | None:
    """The table a row with no number opens as a header row (the one whose labels it names most, the first
    of `_markers` on a tie), or None for a data row. Asked once per row and template, by its reading
    (`_RowReading`), itself remembered by row and template."""
    scores = list(map(sum, zip(*map(_names_markers, set(row), repeat(template_name)), strict=True)))
    best = max(scores, default=0)
    return _markers(template_name)[scores.index(best)][0] if best else None


@lru_cache(maxsize=65536)  # by names: `is_header`'s memo hashes a table's whole tuple of markers per cell
def _names_markers(cell: str, template_name: str) -> tuple[bool, ...]:
    """Per table of `_markers`, whether the cell names one of its header labels."""
    return tuple([is_header(cell, markers) for _, markers in _markers(template_name)])


@lru_cache(maxsize=4096)
def _header_cells(row: tuple[str, ...], kind: str, template_name: str) -> _HeaderCells:
    """A header row's (position, group) and (position, column) pairs; groups only for table 4."""
    if kind == REVIEW:
        groups = tuple((i, g) for i, c in enumerate(row) if (g := _column_key(c, _GROUPS, template_name)))
        return groups, tuple((i, k) for i, c in enumerate(row) if (k := _column_key(c, REVIEW, template_name)))
    return (), tuple((i, k) for i, c in enumerate(row) if (k := _column_key(c, kind, template_name)))


class _Header:
    """What a context's header rows say, the same for every report printing that header: each column's
    positions, and the layouts of the data rows under it (`_layout`), worked out once and kept."""

    def __init__(self, cells: tuple[_HeaderCells, ...], positions: dict[str, list[int]]) -> None:
        self.cells = cells  # the header rows' `_header_cells`, in order
        self.positions = positions
        self.layouts: dict[tuple[int, int, tuple[str, ...]], _Layout] = {}
        # The header after one more header row, by that row's reading (`_locate`): found by identity, with
        # no key of nested header cells hashed per row of a deep header.
        self.after: dict[_RowReading, _Header] = {}
        # `_header_order` per columns and whether the total is printed first, for run-together rows
        self.orders: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = {}


_MAX_AFTER = 64  # next rows remembered per header: a template's header is followed by a few


@lru_cache(maxsize=4096)  # by the header so far (its identity: the same rows give the same object) and one row
def _header(kind: str, before: _Header | None, row: _HeaderCells) -> _Header:
    """The header after one more header row: the columns' positions from all its rows' `_header_cells`."""
    cells = (*before.cells, row) if before is not None else (row,)
    positions: dict[str, set[int]] = {}
    if kind == REVIEW:
        starts: dict[str, int] = {}
        for groups, _ in cells:
            for i, group in groups:
                if group not in starts or i < starts[group]:
                    starts[group] = i
        for _, columns in cells:
            for i, column in columns:
                group = max(((s, g) for g, s in starts.items() if s <= i), default=(None, None))[1]
                if group:
                    positions.setdefault(f"{group}.{column}", set()).add(i)
    else:
        for _, columns in cells:
            for i, column in columns:
                positions.setdefault(column, set()).add(i)
    return _Header(cells, _exclusive(positions))


def _exclusive(positions: dict[str, set[int]]) -> dict[str, list[int]]:
    """Each column's positions without those another column also claims, unless that leaves none.

    A span copied too far (`其他 ||` in a flattened dump, a header cell merged over the 总计 column)
    must not pull a neighbour's values in.
    """
    claims = Counter(p for own in positions.values() for p in own)
    return {k: sorted([p for p in own if claims[p] == 1] or own) for k, own in positions.items()}


_GROUPS = "review_groups"  # table 4's column groups (行政复议, 行政诉讼 …), as `_column_key` names them


def _columns(kind: str, template_name: str) -> tuple[ColumnSpec, ...]:
    """The columns a header cell of one table may name: `kind` is a table's key, or `_GROUPS`; the
    template matters only for table 2 (`ACTIVE`), the others' columns are the same in every template."""
    if kind == ACTIVE:
        return TEMPLATES[template_name].table(ACTIVE).columns
    return {APPLICATIONS: APPLICANT_COLUMNS, REVIEW: REVIEW_COLUMNS, _GROUPS: _REVIEW_GROUP_COLUMNS}[kind]


@lru_cache(maxsize=65536)
def _column_key(cell: str, kind: str, template_name: str) -> str | None:
    """The column a header cell names among `_columns(kind, template_name)` (`is_header` of each label
    alone); an exact label beats a contained one, a longer beats a shorter. Remembered by names: a tuple
    of column specs hashes each spec in Python on every call, which costs more than a new cell's match."""
    key = label_key(cell)
    if not key:
        return None
    bare = core(key)
    best: tuple[int, int, str] | None = None
    for wanted, loose, length, column in _column_labels(kind, template_name):
        if wanted == key:
            rank = (1, length, column)
        elif loose and (bare == wanted or wanted in key):
            rank = (0, length, column)
        else:
            continue
        best = max(best, rank) if best else rank
    return best[2] if best else None


@lru_cache(maxsize=64)  # each table's columns, by names (`_columns`)
def _column_labels(kind: str, template_name: str) -> tuple[tuple[str, bool, int, str], ...]:
    """Per label of `_columns(kind, template_name)`: its key, whether it is long enough to match loosely
    (`is_header`), its length and its column's key; worked out once, so a new header cell is compared in
    one loop."""
    return tuple(
        (key, len(key) >= SHORT_LABEL, len(label), column.key)
        for column in _columns(kind, template_name)
        for label in column.labels
        if (key := label_key(label))
    )


def _header_text(context: _Context, column: str) -> str:
    """The text of the last header cell naming `column` (the amount column's header may print its unit),
    looked up only when an amount is read."""
    text = ""
    if context.kind != REVIEW and context.header is not None:
        for row, (_, columns) in zip(context.rows, context.header.cells, strict=True):
            for i, named in columns:
                if named == column:
                    text = row[i]
    return text


_UNREAD = object()  # what `_count` gives for a cell `_value` must read (and maybe warn about)


@lru_cache(maxsize=65536)
def _count(text: str) -> Value | object:
    """The whole count a cell prints, None for a blank cell, `_UNREAD` for anything else (the usual
    cells answered in one remembered step)."""
    if (count := _whole_count(text)) is not None:
        return count
    return None if read_cell(text).kind == "blank" else _UNREAD


@lru_cache(maxsize=65536)
def _whole_count(text: str) -> int | None:
    """The whole count a cell prints; None for anything else (blank, text, a fraction, an amount)."""
    cell = read_cell(text)
    if cell.kind != "number" or cell.number is None or cell.number != cell.number.to_integral_value():
        return None
    return int(cell.number)


def _written(notes: list[tuple], rendering: str, tables: dict[str, dict[str, dict[str, Value]]]) -> tuple:
    """The provenance of the values kept in `tables`, from the reader's notes: a value noted twice has
    its last note, in the place of its first."""
    written: dict[tuple[str, str, str], Provenance] = {}
    for note in notes:
        if len(note) == 6:  # one value: read as a row of one cell
            table, row, column, position, method, source = note
            cells: tuple[tuple[str, int, int], ...] = ((column, position, position),)
        else:  # a row's values, with the one way they were read when not the grid's
            table, row, cells, source = note[:4]
            method = note[4] if len(note) == 5 else None
        grid, grid_index, grid_row, columns = source
        width = len(columns)
        if grid.origins is None:  # the usual grid: every cell read the grid's way, with no page or box
            how = _METHOD_NAMES[method or grid.method]
            for column, _, position in cells:
                src_column = columns[position] if position < width else position
                where = (grid_index, grid_row, src_column, None, None, None)
                written[(table, row, column)] = _new_provenance((table, row, column, how, rendering, *where))
            continue
        for column, _, position in cells:
            src_column = columns[position] if position < width else position
            where = (grid_index, grid_row, src_column)
            written[(table, row, column)] = _placed_provenance(table, row, column, method, grid, where, rendering)
    return tuple([
        provenance for (table, row, column), provenance in written.items()
        if (rows := tables.get(table)) is not None and (values := rows.get(row)) is not None and column in values
    ])  # fmt: skip


def _placed_provenance(
    table: str,
    row: str,
    column: str,
    method: Method | None,
    grid: TableBlock,
    where: tuple[int, int, int],
    rendering: str,
) -> Provenance:
    """One value's provenance from a grid whose reader gave each cell its origin (page, box, confidence,
    method); `where`, its (grid index, row, column) in the reader's grids."""
    _, grid_row, src_column = where
    try:
        origin = grid.origin(grid_row, src_column)
    except IndexError:  # a reader whose origins do not cover its grid: the grid's own method
        origin = CellOrigin(grid.method)
    how, page, bbox, confidence = method or origin.method, origin.page, origin.bbox, origin.confidence
    return Provenance(table, row, column, _METHOD_NAMES[how], rendering, *where, page, bbox, confidence)


class _RowPlan(NamedTuple):
    """What a data row's labels say under one table: its label cells, where they end, the row they name."""

    labels: tuple[str, ...]
    label_end: int
    match: RowMatch


def _row_plan(row: tuple[str, ...], texts: int, template_name: str, kind: str) -> _RowPlan:
    """A data row's labels and the template row they name (`texts`, its text cells as a mask, `row_masks`);
    kept on the row's reading. The labels recur in many rows with other numbers: their match is remembered."""
    labels, label_end = _label_cells(row, texts)
    return _new_row_plan((labels, label_end, _match_row(labels, template_name, kind)))


_new_row_plan = functools.partial(tuple.__new__, _RowPlan)  # one per new row: built from a full tuple


class _RowReading:
    """What the mapping asks of one row under one template (its masks, the table its header names, its
    labels' plan per table), each worked out once and kept with the row: one memo lookup a row, not one
    per question, each hashing and comparing the row again."""

    __slots__ = (
        "counted", "header_cells", "idle", "kind", "masks", "opens", "plans", "read", "reviewed", "row",
        "template_name", "value_end",
    )  # fmt: skip

    def __init__(self, row: tuple[str, ...], template_name: str) -> None:
        self.row = row
        self.template_name = template_name
        self.masks = masks = row_masks(row)
        self.kind = None if masks[1] else _header_kind(row, template_name)  # a row with a number is a data row
        # A header row's cells under the table it opens (`kind`), the only table it is read under.
        self.header_cells: _HeaderCells | None = None
        self.opens: _Header | None = None  # the header it opens as a context's first row (`_locate`)
        self.plans: dict[str, _RowPlan] = {}
        # The tables under which this row names no template row (no tie either) and has no number after its
        # labels (no extra row): read as nothing, which depends on the row, the template and the table only.
        self.idle: tuple[str, ...] = ()
        # The last placement this row's values were read by and the plain counts it gave (`_counts`).
        self.counted: tuple[tuple[tuple[str, int, int], ...], dict[str, Value]] | None = None
        # Per header it was read under as a template row with no warning: (the header's first row's
        # width, the row's key, its placement, its plain counts), read again as they are (`_data_row`).
        self.read: dict[_Header, tuple[int, str, tuple[tuple[str, int, int], ...], dict[str, Value]]] = {}
        # As table 4's data row: where its values end (`_value_end`), and the last placement it was read by
        # with the plain counts and the cells per group it gave (`_review_row`).
        self.value_end: int | object | None = _UNPLANNED
        self.reviewed: tuple[tuple[tuple[str, int, int], ...], dict[str, dict[str, Value]], tuple] | None = None

    def plan(self, kind: str) -> _RowPlan:
        plan = self.plans.get(kind)
        if plan is None:
            plan = self.plans[kind] = _row_plan(self.row, self.masks[3], self.template_name, kind)
        return plan


_FIRST = itemgetter(0)
_MASKS = attrgetter("masks")  # a row reading's masks, read for a grid's rows in one C-level map

# Per template name, its rows' readings by row: a grid's rows are looked up in one C-level map, with
# no (row, template) key built per row.
_READINGS: Memo[str, Memo[tuple[str, ...], _RowReading]] = Memo(16)


def _readings(rows: tuple[tuple[str, ...], ...], template_name: str) -> list[_RowReading]:
    memo = _READINGS.get(template_name)
    if memo is None:
        memo = _READINGS.keep(template_name, Memo(4096))
    readings = list(map(memo.get, rows))
    if None in readings:
        readings = [
            known or memo.keep(row, _RowReading(row, template_name)) for known, row in zip(readings, rows, strict=True)
        ]
    return readings


_Aligned = tuple[tuple[tuple[str, ...], ...], list[_RowReading], tuple[tuple[int, ...], ...], str | None]
# Per template name and grid: its rows realigned (`realign`), their readings, source columns and note. A grid
# recurs whole (the same report read again, a blank form): one lookup, not one per row and the realignment.
_ALIGNED: Memo[tuple[str, tuple[tuple[str, ...], ...]], _Aligned] = Memo(256)


def _aligned(grid_rows: tuple[tuple[str, ...], ...], template_name: str) -> _Aligned:
    """A grid's rows realigned, with their readings, each row's source columns and the realignment's note
    (None when the grid is left as it is)."""
    key = (template_name, grid_rows)
    aligned = _ALIGNED.get(key)
    if aligned is None:
        readings = _readings(grid_rows, template_name)
        rows, columns, note = realign(grid_rows, list(map(_MASKS, readings)))
        if note:
            readings = _readings(rows, template_name)
        aligned = _ALIGNED.keep(key, (rows, readings, columns, note))
    return aligned


def _label_cells(row: tuple[str, ...], texts: int) -> tuple[tuple[str, ...], int]:
    """The distinct non-empty label cells of a row (outermost first; a merged cell's copies once) and the
    index of the last one; `texts`, the row's text cells as a mask (`row_masks`)."""
    label_end = texts.bit_length() - 1
    labels = tuple(filter(None, row[: label_end + 1]))
    if len(labels) > 1 and any(map(eq, labels[1:], labels)):  # a merged cell's copies, taken once
        labels = tuple(map(_FIRST, groupby(labels)))
    return labels, label_end


@dataclass(frozen=True)
class _Layout:
    """What the header says about the data rows of one row kind (its label cells' end, its columns):
    worked out once per context, not once per row."""

    positions: dict[str, list[int]]  # per column, its header positions right of the labels
    located: list[str]  # the columns the header places
    uncovered: tuple[int, ...]  # positions right of the labels under no located column
    order: list[str]  # the columns left to right (`_header_order`)
    in_order: bool  # the columns left to right are the columns in the template's order
    # (column, position) when the header places every column at one position (the usual case), else None
    single: tuple[tuple[str, int], ...] | None
    # (column, text position, noted position) per row shape: its length and masks (`_placement`)
    plans: dict[tuple[int, tuple[int, int, int]], tuple[tuple[str, int, int], ...] | None] = field(default_factory=dict)


def _layout(context: _Context, label_end: int, columns: tuple[str, ...]) -> _Layout:
    width = context.width
    key = (width, label_end, columns)
    layouts = context.header.layouts
    layout = layouts.get(key)
    if layout is None:
        positions = {k: [p for p in context.positions.get(k, []) if p > label_end] for k in columns}
        located = [k for k in columns if positions[k]]
        covered = {p for k in located for p in positions[k]}
        uncovered = tuple(i for i in range(label_end + 1, width) if i not in covered)
        single = tuple((k, positions[k][0]) for k in columns) if all(len(positions[k]) == 1 for k in columns) else None
        order = _header_order(context, columns)
        in_order = order == list(columns)
        layout = layouts[key] = _Layout(positions, located, uncovered, order, in_order, single if columns else None)
    return layout


def _placement(
    row: tuple[str, ...], label_end: int, context: _Context, columns: tuple[str, ...], masks: tuple[int, int, int, int]
) -> tuple[tuple[str, int, int], ...] | None:
    """(column, the position its text is taken from, the position it is noted at) in the columns' order,
    for the columns read; None when the row cannot be placed.

    Where each column's cell sits depends on the layout and on the row's shape only: its length and its
    `row_masks` (which cells are filled, which hold numbers, which are empty or a copy of their left
    neighbour). The copies and the filled cells tell which neighbours are equal, so they fix the runs
    `_pick_at` weighs under a header span over several positions. The positions are remembered per
    shape with the layout (rows of one table share a few shapes)."""
    layout = _layout(context, label_end, columns)
    shape = (len(row), masks)
    placed = layout.plans.get(shape, _UNPLANNED)
    if placed is _UNPLANNED:
        placed = _placed(row, label_end, layout, context.width, columns)
        if len(layout.plans) < _MAX_PLANS:
            layout.plans[shape] = placed
    return placed


def _place(
    row: tuple[str, ...], label_end: int, context: _Context, columns: tuple[str, ...], masks: tuple[int, int, int, int]
) -> tuple[tuple[str, int, int], ...] | None:
    """Where a data row's values sit: as the header places them (`_placement`), else the one reading a row
    wider than its columns leaves (`_one_reading`); None when neither places it."""
    placed = _placement(row, label_end, context, columns, masks)
    return placed if placed is not None else _one_reading(row, label_end, columns, masks)


def _one_reading(
    row: tuple[str, ...], label_end: int, columns: tuple[str, ...], masks: tuple[int, int, int, int]
) -> tuple[tuple[str, int, int], ...] | None:
    """A row `_placement` cannot place that has more cells after its labels than columns (one cell a line,
    where a bar alone is a blank cell and also what a row one column short of the table's width ends
    with): read where every run of as many consecutive cells as columns that holds each number the row
    printed reads the same, at the first such run. A row of blank cells reads blank; a row whose first
    cell after the labels is a number is read from it; two runs reading differently (blank cells at both
    ends) leave the row unread. None then, and for a row with fewer cells than columns."""
    after, count = label_end + 1, len(columns)
    extra = len(row) - after - count
    if extra < 0 or not count:
        return None
    numbers = masks[1] >> after  # which cells after the labels hold a number (`row_masks`)
    width = (1 << count) - 1
    starts = [after + s for s in range(extra + 1) if not numbers & ~(width << s)]
    readings = {tuple(cell if is_number(cell) else None for cell in row[s : s + count]) for s in starts}
    if len(readings) != 1:
        return None
    return tuple((column, starts[0] + i, starts[0] + i) for i, column in enumerate(columns))


_UNPLANNED = object()
_MAX_READ = 16  # headers a row's reading remembers being read under: a row recurs under a few
_MAX_PLANS = 256  # shapes remembered per layout: a real table has a few


def _placed(
    row: tuple[str, ...], label_end: int, layout: _Layout, width: int, columns: tuple[str, ...]
) -> tuple[tuple[str, int, int], ...] | None:
    """(column, its text's position, its position) in the columns' order for the columns read, or None."""
    positions, located = layout.positions, layout.located

    def pick(k: str) -> tuple[str, int, int]:
        if len(positions[k]) == 1:
            return k, positions[k][0], positions[k][0]
        text_at, position = _pick_at(row, positions[k])
        return k, text_at, position

    if located and len(row) == width:
        stray = bool(layout.uncovered) and any(is_number(row[i]) for i in layout.uncovered)
        if not stray and layout.single is not None:
            return tuple((k, p, p) for k, p in layout.single)
        if not stray and len(located) == len(columns):
            return tuple(pick(k) for k in columns)
    if (span := _in_order_span(row, label_end + 1, len(layout.order))) is not None:
        order = layout.order
        if layout.in_order:
            return tuple((k, i, i) for k, i in zip(order, span, strict=True))
        by_column = dict(zip(order, span, strict=True))
        return tuple((k, by_column[k], by_column[k]) for k in columns)
    if located and len(row) == width and len(located) < len(columns):
        return tuple(pick(k) for k in located)
    if len(row) < width:  # a row cut short (a page ending mid-table): what it has, by position
        reached = [k for k in located if max(positions[k]) < len(row)]
        covered = {p for k in reached for p in positions[k]}
        if reached and not any(is_number(row[i]) for i in range(label_end + 1, len(row)) if i not in covered):
            return tuple(pick(k) for k in reached)
    return None


def _header_order(context: _Context, columns: tuple[str, ...]) -> list[str]:
    """The columns left to right as the header places them; the template's order when the header does
    not place every column apart (a text dump's header rows, one per level, all starting at cell 0)."""
    starts = [context.positions[k][0] for k in columns if context.positions.get(k)]
    if len(starts) != len(columns) or len(set(starts)) != len(starts):
        return list(columns)
    return sorted(columns, key=lambda k: context.positions[k][0])


@lru_cache(maxsize=256)  # by a context's header rows: a few per report, asked per run-together row
def _total_printed_first(rows: tuple[tuple[str, ...], ...], kind: str) -> bool:
    """Whether one of table 3's or 4's header rows names 总计 before every other column it names, in one
    cell (a page's text content: 总计自然人法人或其他组织, 总计结果维持结果纠正…): its rows' values then ran
    together with each total first. A header cell naming one column alone (one cell a line) says nothing
    of the order."""
    labels = _column_labels(REVIEW if kind == REVIEW else APPLICATIONS, "")  # no template: not table 2
    for row in rows:
        text = label_key("".join(row))
        named = sorted((at, column) for wanted, _, _, column in labels if (at := text.find(wanted)) >= 0)
        if len(named) > 1 and named[0][1] == "total":
            return True
    return False


def _total_first(order: tuple[str, ...]) -> tuple[str, ...]:
    """The columns with each total before the rest of its group (table 4's group.column) or of the row."""
    groups: dict[str, list[str]] = {}
    for column in order:
        groups.setdefault(column.rpartition(".")[0], []).append(column)
    return tuple(c for group in groups.values() for c in sorted(group, key=lambda c: c.rpartition(".")[2] != "total"))


def _in_order_span(row: tuple[str, ...], start: int, count: int) -> range | None:
    """The positions of a row's `count` values read in order after its labels (which end before
    `start`): its values with blanks trimmed at both ends, else all of them, else, where a dense grid
    padded a short row with blanks on the right (a row with blank values of its own at the left, 0
    printed as blank), the first `count`; None when none of these is `count` long."""
    low, high = start, len(row)
    while low < high and not row[low]:
        low += 1
    while high > low and not row[high - 1]:
        high -= 1
    if high - low == count:
        return range(low, high)
    if len(row) - start == count:
        return range(start, len(row))
    if (len(row) - start > count and not any(row[start + count :])) or count == 0:
        return range(start, start + count)
    return None


def _run_at(row: tuple[str, ...], position: int) -> tuple[int, int]:
    """The run of equal neighbouring cells holding `position` (a merged cell's copies)."""
    start = end = position
    while start > 0 and row[start - 1] == row[position]:
        start -= 1
    while end + 1 < len(row) and row[end + 1] == row[position]:
        end += 1
    return start, end


def _pick_at(row: tuple[str, ...], positions: list[int]) -> tuple[int, int]:
    """The cell under a header span, when spans differ between the header and the row: the position its
    text is taken from, and the position it is noted at.

    Dense grids copy a merged cell into every column it covers, so a header spanning columns 2-3 may
    sit over a value spanning 1-2 and another at 3. Equal neighbours form runs; the header's value is
    the run that overlaps it most, and of those the one lying most inside it.
    """
    if len(positions) == 1:  # the usual case: the header names one column; its cell is the value
        return positions[0], positions[0]
    runs = sorted({_run_at(row, p) for p in positions if p < len(row)})  # only runs under the header can win
    wanted = set(positions)

    def score(run: tuple[int, int]) -> tuple[int, float]:
        overlap = len(wanted & set(range(run[0], run[1] + 1)))
        return overlap, overlap / (run[1] - run[0] + 1)

    best = max(runs, key=score)
    inside = [p for p in positions if best[0] <= p <= best[1]]
    return best[0], (inside[0] if inside else best[0])

"""Which template a report follows, from its labels — never from its year or the notice it cites.

Table cells decide; the running text only when there are no tables (a text dump whose cells ran
together still prints the labels). No template label anywhere: a free-form (legacy) report, unless
the document is a modern report whose tables could not be read (then the template is unknown).
"""

from __future__ import annotations

from functools import lru_cache

from nianbao.parsers.document import Document, TableBlock
from nianbao.parsers.labels import label_key, text_key
from nianbao.parsers.memos import Memo
from nianbao.parsers.templates import TEMPLATES

LEGACY = "legacy"
UNKNOWN = "unknown"
# Headings only the 2019+ templates print; a report carrying them but no table labels has unreadable tables.
_MODERN_HEADINGS = ("收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况")


# Each template's detection labels in `label_key` form, worked out once.
_DETECT_KEYS = {name: tuple(label_key(label) for label in t.detect_labels) for name, t in TEMPLATES.items()}


def detect_template(document: Document, tables: tuple[TableBlock, ...] | None = None) -> str:
    """The template of a document; `tables`, its `tables()` when the caller has them."""
    if tables is None:
        tables = document.tables()
    cells = "".join([_grid_key(table.rows) for table in tables])
    if best := _best(cells):
        return best
    text = text_key(document.text())  # normalised only when the cells named no template
    if best := _best(text):
        return best
    if not text or any(label_key(h) in text for h in _MODERN_HEADINGS):
        return UNKNOWN
    return LEGACY


# Per grid, its rows' keys run together (`_row_key`): a grid recurs whole (a blank form, the same report
# read again), one lookup instead of one per row.
_GRID_KEYS: Memo[tuple[tuple[str, ...], ...], str] = Memo(256)


def _grid_key(rows: tuple[tuple[str, ...], ...]) -> str:
    key = _GRID_KEYS.get(rows)
    if key is None:
        key = _GRID_KEYS.keep(rows, "".join(map(_row_key, rows)))
    return key


@lru_cache(maxsize=4096)  # rows repeat (the template's header and label rows, rows of zeros)
def _row_key(row: tuple[str, ...]) -> str:
    """A row's cells in `label_key` form, run together: one remembered step per row, not per cell."""
    return "".join(map(label_key, row))


def _best(haystack: str) -> str | None:
    """The template most of whose detection labels the haystack holds; None when it holds none."""
    best, top = None, 0
    for name, keys in _DETECT_KEYS.items():
        score = sum([key in haystack for key in keys])
        if score > top:  # the first of the best, as `max` gives
            best, top = name, score
    return best

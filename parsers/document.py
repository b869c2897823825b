"""The intermediate form every reader produces and template mapping consumes.

A document is a sequence of blocks in reading order: paragraphs of text and tables. A table is a
dense grid: spans are expanded so that every cell a merged cell covers holds the merged cell's text.
Readers know renderings (HTML, PDF, DOCX, text, pictures); nothing after them does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Method(StrEnum):
    """How a cell's value was read: the provenance an analyst filters on."""

    GRID = "grid"  # a cell of a table the rendering itself structures (HTML, DOCX, ruled or aligned PDF)
    TEXT = "text"  # a cell split out of plain text (a text rendering, or a PDF's text lines)
    OCR = "ocr"  # recognised from an image; `confidence` says how sure the engine was
    INFERRED = "inferred"  # split from cells that ran together, the table's own arithmetic allowing one reading


@dataclass(frozen=True)
class CellOrigin:
    """Where one grid cell sits in the source rendering, when the reader knows more than its row/column.

    `page` is 1-based; `bbox` is (x0, top, x1, bottom) in PDF points or image pixels, top-left origin;
    `confidence` is the OCR engine's, 0..1.
    """

    method: Method = Method.GRID
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class TextBlock:
    text: str


@dataclass(frozen=True)
class TableBlock:
    """Rows of cell texts, spans expanded, all rows the same length.

    `origins`, when a reader gives it, runs parallel to `rows` (same shape); otherwise every cell's origin
    is `CellOrigin(method)` with the reader's default method.
    """

    rows: tuple[tuple[str, ...], ...]
    origins: tuple[tuple[CellOrigin, ...], ...] | None = None
    method: Method = Method.GRID

    def origin(self, row: int, column: int) -> CellOrigin:
        if self.origins is None:
            return CellOrigin(self.method)
        return self.origins[row][column]


Block = TextBlock | TableBlock


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    rendering: str
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if isinstance(b, TextBlock))

    def tables(self) -> tuple[TableBlock, ...]:
        return tuple(b for b in self.blocks if isinstance(b, TableBlock))

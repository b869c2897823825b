"""The intermediate form every reader produces and template mapping consumes.

A document is a sequence of blocks in reading order: paragraphs of text and tables. A table is a
dense grid: spans are expanded so that every cell a merged cell covers holds the merged cell's text.
Readers know renderings (HTML, PDF, DOCX, text); nothing after them does.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextBlock:
    text: str


@dataclass(frozen=True)
class TableBlock:
    """Rows of cell texts, spans expanded, all rows the same length."""

    rows: tuple[tuple[str, ...], ...]


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

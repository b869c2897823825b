"""From a Document to the canonical record (template detection, tables, sections, identity)."""

from __future__ import annotations

from parsers.document import Document
from parsers.record import ReportRecord, Warning


def to_record(document: Document, *, agency_hint: str | None = None) -> ReportRecord:
    return ReportRecord(
        agency=agency_hint,
        year=None,
        title=document.title,
        template="legacy",
        rendering=document.rendering,
        warnings=tuple(Warning(code, message) for code, message in document.warnings),
        metadata=dict(document.metadata),
    )

"""The template's checks as the verdict on numbers read by OCR.

OCR gives every cell a confidence, but a confident misreading (8 for 3) is still wrong; the table's
own arithmetic (R1-R4, totals) catches most of them. A record whose tables came from OCR and fail a
check says so, so that nobody takes its numbers for read.
"""

from __future__ import annotations

from dataclasses import replace

from nianbao.parsers.document import Document, Method
from nianbao.parsers.record import ReportRecord, Warning


def ocr_verdict(document: Document, record: ReportRecord) -> ReportRecord:
    """The record, with an `ocr_checks_failed` warning when OCR-read tables fail the template's checks."""
    if not any(table.method is Method.OCR for table in document.tables()):
        return record
    failed = [f"{check.rule} {check.scope}" for check in record.checks if check.passed is False]
    if not failed:
        return record
    message = f"numbers read by OCR fail {len(failed)} checks ({', '.join(failed[:5])}): some are misread"
    return replace(record, warnings=(*record.warnings, Warning("ocr_checks_failed", message)))

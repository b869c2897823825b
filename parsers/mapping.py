"""From a Document to the canonical record: template, identity, sections, tables, checks, warnings."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from nianbao.parsers.checks import check_record
from nianbao.parsers.detection import LEGACY, UNKNOWN, detect_template
from nianbao.parsers.document import Document
from nianbao.parsers.identity import (
    metadata_agency,
    names_a_report,
    period_year,
    publish_date,
    split_off_year,
    title_agency,
    title_year,
)
from nianbao.parsers.record import Provenance, ReportRecord, Warning, freeze_own_table
from nianbao.parsers.sections import find_sections
from nianbao.parsers.tables import find_tables
from nianbao.parsers.templates import TABLE_KEYS, TEMPLATES


def to_record(document: Document, *, agency_hint: str | None = None) -> ReportRecord:
    warnings = list(document.warnings)
    grids = document.tables()  # built once, for detection and the tables
    template = detect_template(document, grids)
    text = document.text()
    sections = find_sections(text)
    tables: dict = dict.fromkeys(TABLE_KEYS)
    provenance: Sequence[Provenance] = ()
    unread: frozenset[tuple[str, str]] = frozenset()  # rows no check may count (`TableFindings.unread`)
    if template in TEMPLATES:
        findings = find_tables(document, TEMPLATES[template], grids)
        tables = findings.tables
        warnings.extend(findings.warnings)
        provenance = findings.provenance  # written when first read
        unread = findings.unread
    elif template == LEGACY:
        warnings.append(("legacy_template", "free-form report (before the 2019 template): text and sections only"))
    else:
        warnings.append(("template_unknown", "no template labels found: tables missing or unreadable"))
    if _needs_ocr(document, template, tables) and not any(code == "needs_ocr" for code, _ in warnings):
        warnings.append(("needs_ocr", "the document has no readable text or tables; its tables are probably images"))

    metadata = dict(document.metadata)
    title = document.title or metadata.get("标题")
    date = publish_date(metadata)
    year = title_year(title) or split_off_year(text) or period_year(text) or (int(date[:4]) - 1 if date else None)
    agency = title_agency(title) or metadata_agency(metadata) or agency_hint
    if year is None:
        warnings.append(("year_missing", "no report year in the title, the 统计期限 sentence or a publish date"))
    if agency is None:
        warnings.append(("agency_missing", "no issuing body in the title or the metadata block, and no hint given"))
    if template in (LEGACY, UNKNOWN) and not names_a_report(title) and not any(s.heading for s in sections):
        warnings.append(("not_a_report", "no report title, no numbered sections, no template tables"))
    frozen = {key: freeze_own_table(table) for key, table in tables.items()}  # the reader's rows, made for this record
    return ReportRecord(
        agency=agency,
        year=year,
        title=title,
        template=template,
        rendering=document.rendering,
        publish_date=date,
        sections=sections,
        active_disclosure=frozen["active_disclosure"],
        applications=frozen["applications"],
        review_litigation=frozen["review_litigation"],
        checks=check_record(template, _without(tables, unread), sections),  # plain dicts read faster
        warnings=tuple(Warning(code, message) for code, message in warnings),
        metadata=MappingProxyType(metadata),
        provenance=provenance,
    )


def _without(tables: dict, rows: frozenset[tuple[str, str]]) -> dict:
    """The tables with `rows` ((table, row) pairs) left out; the tables themselves when there are none."""
    if not rows:
        return tables
    return {
        key: None if table is None else {row: v for row, v in table.items() if (key, row) not in rows}
        for key, table in tables.items()
    }


def _needs_ocr(document: Document, template: str, tables: dict) -> bool:
    """No table read, and no table text either: the tables (or the whole document) are images.

    A text dump that prints the labels but runs the cells together is not an OCR case: the labels
    found the template, and the reader said `cells_run_together`.
    """
    if template == LEGACY or any(t is not None for t in tables.values()):
        return False
    images = any(code == "images" for code, _ in document.warnings)
    return images or template == UNKNOWN or not document.text().strip()

"""Pure functions from the bytes of one published report to its canonical record.

`parse` reads one document: sniff the rendering, read it into a `Document` (parsers.readers),
map that onto the template (parsers.mapping) and check the template's arithmetic (parsers.checks).
`parse_pictures` reads a report published as several picture files (one per page of the report, in
the order its web page shows them) as one document, by OCR.
Both raise `ParseError` only for bytes that are not a readable document; a report with missing tables
or failed rules is a record with warnings and findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import check_document_size
from nianbao.parsers.mapping import to_record
from nianbao.parsers.readers import read
from nianbao.parsers.record import ReportRecord
from nianbao.parsers.sniff import rendering_of
from nianbao.parsers.verdict import ocr_verdict

__all__ = ["ParseError", "ReportRecord", "parse", "parse_pictures"]


def parse(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    filename: str | None = None,
    agency: str | None = None,
    ocr: bool = True,
) -> ReportRecord:
    """The canonical record of one report.

    `url`, `content_type` and `filename` help choose the reader (bytes win); `agency` is the caller's
    idea of the issuing body (e.g. the registry entry of the site), used only when the document names none.
    `ocr=False` leaves pages that only pictures could give for later: they get an `ocr_deferred` warning
    (seconds a page saved when another rendering of the report carries its text).
    """
    where = url or filename or "the document"
    if not data.strip():
        raise ParseError(f"{where} is empty")
    check_document_size(data, where)
    rendering = rendering_of(data, url=url, content_type=content_type, filename=filename)
    document = read(rendering, data, url=url, content_type=content_type, ocr=ocr)
    return ocr_verdict(document, to_record(document, agency_hint=agency))


def parse_pictures(
    pictures: Sequence[tuple[bytes, str]], *, agency: str | None = None, ocr: bool = True
) -> ReportRecord:
    """The canonical record of one report published as pictures, each given as (bytes, its URL or
    name), in the order of the report's pages. Each cell's provenance page is its picture's position
    in that order; a picture that is not readable is a `picture_unreadable` warning and the others are
    read (ParseError only when none is)."""
    from nianbao.parsers.readers import image

    document = image.read_sequence(pictures, ocr=ocr)
    return ocr_verdict(document, to_record(document, agency_hint=agency))

"""Reading stored bodies for settlement: the archive's parse cache in front of the bounded parse worker.

Each body is parsed once per parser version, wherever the flow runs: the outcome (record or the reason
it cannot be read) is kept in the archive (archive/parsed.py) and a rerun reads it back in one small
read. No Prefect task per body: a task run costs more than most parses (state round trips to the
server, result persistence), and Prefect's local result cache was neither shared between workers nor
safe for concurrent readers.

OCR off the critical path: `quick` reads a body with OCR left for later (a picture-only PDF costs
seconds a page to recognise, a text rendering milliseconds); settlement asks for the full read only
for a document no other rendering of its report stands in for (flows/settlement.py).

The pictures of a report page (a report published as pictures) are one reading: `pictures` keeps it
under a key made of their sha256s in the page's order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from nianbao.archive import Archive
from nianbao.archive.captures import Capture
from nianbao.parsers.errors import ParseError
from nianbao.parsers.record import PARSER_VERSION, ReportRecord

DEFERRED = "ocr_deferred"  # the warning code of a record read with OCR left for later


class StoredReader:
    """Parse outcomes of an archive's bodies, cached in that archive by sha256 and parser version."""

    def __init__(self, archive: Archive, parser_version: str = PARSER_VERSION) -> None:
        self.archive, self.parser_version = archive, parser_version

    def __call__(self, capture: Capture, sha256: str) -> ReportRecord:
        """The full read (OCR included) of a body; ParseError with the reason it cannot be read."""
        return record_of(self.outcome(sha256, capture.url, capture.content_type, ocr=True))

    def quick(self, capture: Capture, sha256: str) -> ReportRecord:
        """The read with OCR left for later (a record with an `ocr_deferred` warning when it was needed)."""
        return record_of(self.outcome(sha256, capture.url, capture.content_type, ocr=False))

    def pictures(self, pictures: Sequence[tuple[Capture, str]]) -> ReportRecord:
        """The full read of a report published as `pictures` (capture, sha256), as one document in the
        order given; kept under a key made of the bodies' sha256s in that order."""
        from nianbao.flows.parse_worker import parse_pictures_bounded

        key = reading_key([sha256 for _, sha256 in pictures])
        kept = self.archive.parsed(self.parser_version, key)
        if kept is not None:
            return record_of(kept)
        data = [(self.archive.get_raw(sha256), capture.url) for capture, sha256 in pictures]
        outcome = _outcome(lambda: parse_pictures_bounded(data, agency=None))
        self.archive.keep_parsed(self.parser_version, key, outcome)
        return record_of(outcome)

    def outcome(self, sha256: str, url: str, content_type: str | None, *, ocr: bool) -> dict[str, Any]:
        """{"record": …} or {"error": …}: kept, else parsed in a bounded worker and kept. A full read,
        when there is one, also answers a quick one; a quick read that needed no OCR is a full one."""
        from nianbao.flows.parse_worker import parse_bounded

        kept = self.archive.parsed(self.parser_version, sha256)
        if kept is None and not ocr:
            kept = self.archive.parsed(self.parser_version, sha256, ocr=False)
        if kept is not None:
            return kept
        data = self.archive.get_raw(sha256)
        outcome = _outcome(lambda: parse_bounded(data, url=url, content_type=content_type, agency=None, ocr=ocr))
        full = ocr or not is_deferred(outcome)
        self.archive.keep_parsed(self.parser_version, sha256, outcome, ocr=full)
        return outcome


def _outcome(read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """What the parse cache keeps of a bounded read: {"record": the record's dict} or {"error": why}."""
    try:
        return {"record": read()}
    except ParseError as exc:
        return {"error": str(exc)}


def reading_key(sha256s: Sequence[str]) -> str:
    """The parse cache's key of several bodies read as one document, in that order: a sha256 like a
    body's (the same bodies in another order are another reading)."""
    return hashlib.sha256(("pictures\n" + "\n".join(sha256s)).encode("ascii")).hexdigest()


def is_deferred(outcome: dict[str, Any]) -> bool:
    record = outcome.get("record") or {}
    return any(warning.get("code") == DEFERRED for warning in record.get("warnings", ()))


def record_of(outcome: dict[str, Any]) -> ReportRecord:
    """The record of a parse outcome; ParseError with the reason when there is none."""
    if "error" in outcome:
        raise ParseError(outcome["error"])
    return ReportRecord.from_dict(outcome["record"])

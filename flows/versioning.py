"""When a report gets a new version, and what changed.

A new version only when the content changes: the normalised text of a section, the title, the
publish date, the template, a non-furniture metadata field, or any table value (blank and 0 are
different values). Page furniture, the rendering, checks, warnings and the parser version are not
content. A visit that finds the same content is an observation: it moves last_seen, nothing else.

The `decide_*` functions are pure: from what the archive holds for a report (an
`archive.reports.Holding`) and what a visit found, the decision to write and its outcome. `ingest`,
`link_copies` and `mark_withdrawn` hand a decision to the archive, which writes it conditionally and
asks again when another writer got there first (see archive/reports.py `commit`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from nianbao.archive import Archive
from nianbao.archive.captures import Capture
from nianbao.archive.errors import ConflictError
from nianbao.archive.reports import (
    CaptureLink,
    Create,
    Decision,
    Holding,
    Observation,
    Observe,
    Role,
    Version,
    VersionKind,
    links,
)
from nianbao.flows.furniture import is_furniture_field, normalise_text
from nianbao.parsers.record import ReportRecord
from nianbao.parsers.templates import TABLE_KEYS


class Outcome(StrEnum):
    """What a visit did to a report."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    LINKED = "linked"
    WITHDRAWN = "withdrawn"
    ALREADY_WITHDRAWN = "already_withdrawn"


@dataclass(frozen=True)
class IngestResult:
    kind: Outcome
    version: int
    diff: tuple[dict[str, Any], ...] = ()


def content(record: ReportRecord) -> dict[str, Any]:
    """The part of a record that versions are about, normalised."""
    tables = record.tables()
    return {
        "title": normalise_text(record.title or ""),
        "publish_date": record.publish_date,
        "template": record.template,
        "metadata": {k: v for k, v in record.metadata.items() if not is_furniture_field(k)},
        "sections": {
            normalise_text(s.heading) or f"#{i}": normalise_text(s.text) for i, s in enumerate(record.sections)
        },
        "tables": {name: _thaw(tables[name]) for name in TABLE_KEYS},
    }


def _thaw(table: Any) -> dict[str, dict[str, Any]] | None:
    return None if table is None else {row: dict(columns) for row, columns in table.items()}


def content_hash(record: ReportRecord) -> str:
    data = json.dumps(content(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def diff(old: ReportRecord | None, new: ReportRecord | None) -> list[dict[str, Any]]:
    """Field-level changes between two records: one entry per changed cell, field or section."""
    before = content(old) if old is not None else _EMPTY
    after = content(new) if new is not None else _EMPTY
    changes: list[dict[str, Any]] = []
    for name in ("title", "publish_date", "template"):
        _compare(changes, name, before[name], after[name])
    for group in ("metadata", "sections"):
        for key in sorted(before[group].keys() | after[group].keys()):
            _compare(changes, f"{group}.{key}", before[group].get(key), after[group].get(key))
    for table in TABLE_KEYS:
        old_table, new_table = before["tables"].get(table), after["tables"].get(table)
        if (old_table is None) != (new_table is None):
            _compare(changes, f"{table}", "present" if old_table else None, "present" if new_table else None)
        for row in sorted((old_table or {}).keys() | (new_table or {}).keys()):
            old_row, new_row = (old_table or {}).get(row, {}), (new_table or {}).get(row, {})
            for column in sorted(old_row.keys() | new_row.keys()):
                _compare(changes, f"{table}.{row}.{column}", old_row.get(column), new_row.get(column), cell=True)
    return changes


_EMPTY: dict[str, Any] = {
    "title": None,
    "publish_date": None,
    "template": None,
    "metadata": {},
    "sections": {},
    "tables": {},
}


def _compare(changes: list[dict[str, Any]], path: str, old: Any, new: Any, cell: bool = False) -> None:
    # None != 0: a blank cell that becomes 0 is a change.
    if old != new:
        changes.append({"path": path, "old": old, "new": new, "kind": "cell" if cell else "field"})


def decide_content(
    held: Holding, record: ReportRecord, found: tuple[CaptureLink, ...], seen_at: str, region_code: str | None = None
) -> tuple[Decision, IngestResult]:
    """A visit found `record`: an observation when the latest version reads the same, else a new version
    (diffed against the last content version, so a reinstated report is compared with what it was)."""
    digest = content_hash(record)
    latest = held.latest
    if latest is not None and latest.kind == VersionKind.CONTENT and latest.content_hash == digest:
        observation = Observation(held.agency, held.year, latest.number, seen_at, found)
        return Observe(observation), IngestResult(Outcome.UNCHANGED, latest.number)
    previous = held.content
    changes = tuple(diff(previous.record, record)) if previous else ()
    version = Version(
        agency=held.agency,
        year=held.year,
        number=held.next_number,
        kind=VersionKind.CONTENT,
        first_seen=seen_at,
        content_hash=digest,
        record=record,
        captures=found,
        diff=changes,
        previous_last_seen=held.last_seen,
        extra={"region_code": region_code} if region_code else {},
    )
    return Create(version), IngestResult(Outcome.NEW if latest is None else Outcome.CHANGED, version.number, changes)


def decide_copies(held: Holding, found: tuple[CaptureLink, ...], seen_at: str) -> tuple[Decision, IngestResult]:
    """Copies (reposts on other sites) are linked to the latest version without judging content.

    A repost is evidence the report is still published, not a source of its content: its page
    differs in furniture and often in title, so it never makes a version.
    """
    if held.latest is None:
        raise ConflictError(f"report {held.agency}/{held.year} has no version to link copies to")
    observation = Observation(held.agency, held.year, held.latest.number, seen_at, found)
    return Observe(observation), IngestResult(Outcome.LINKED, held.latest.number)


def decide_withdrawal(held: Holding, evidence: Capture, seen_at: str) -> tuple[Decision, IngestResult]:
    """The report is gone from its site (e.g. its URL answered 404 or 410): a withdrawal version whose
    evidence is the failing capture; earlier versions and their raw captures are kept."""
    latest = held.latest
    if latest is None:
        raise ConflictError(f"report {held.agency}/{held.year} has no version to withdraw")
    if latest.kind == VersionKind.WITHDRAWN:
        return None, IngestResult(Outcome.ALREADY_WITHDRAWN, latest.number)
    version = Version(
        agency=held.agency,
        year=held.year,
        number=held.next_number,
        kind=VersionKind.WITHDRAWN,
        first_seen=seen_at,
        content_hash=None,
        record=None,
        captures=links([(evidence, Role.EVIDENCE)]),
        previous_last_seen=held.last_seen,
        evidence={"url": evidence.url, "status": evidence.status, "error": evidence.error},
    )
    return Create(version), IngestResult(Outcome.WITHDRAWN, version.number)


def ingest(
    archive: Archive,
    agency: str,
    year: int,
    record: ReportRecord,
    captures: Sequence[tuple[Capture, str]],
    seen_at: str,
    region_code: str | None = None,
    held: Holding | None = None,
) -> IngestResult:
    """Keep what a visit found for the report (agency, year): a new version or an observation.

    `captures` are (capture, role) pairs: the page, attachments, variants and reposts that are this
    report (see flows/identity.py). `seen_at` is the visit's time (ISO 8601 UTC). `region_code` is
    the agency's 6-digit administrative division code from the registry, kept for the catalog.
    `held` is what the caller already read of the report (saves the read when nobody raced us).
    """
    found = links(captures)
    return archive.commit(agency, year, lambda h: decide_content(h, record, found, seen_at, region_code), held)


def link_copies(
    archive: Archive,
    agency: str,
    year: int,
    captures: Sequence[tuple[Capture, str]],
    seen_at: str,
    held: Holding | None = None,
) -> IngestResult:
    """Link copies (reposts on other sites) to the report's latest version (see `decide_copies`)."""
    found = links(captures)
    return archive.commit(agency, year, lambda h: decide_copies(h, found, seen_at), held)


def mark_withdrawn(
    archive: Archive, agency: str, year: int, evidence: Capture, seen_at: str, held: Holding | None = None
) -> IngestResult:
    """Record that the report is gone from its site (see `decide_withdrawal`)."""
    return archive.commit(agency, year, lambda h: decide_withdrawal(h, evidence, seen_at), held)

"""When a report gets a new version, and what changed.

A new version only when the content changes: the normalised text of a section, the title, the
publish date, the template, a non-furniture metadata field, or any table value (blank and 0 are
different values). Page furniture, the rendering, checks, warnings and the parser version are not
content. A visit that finds the same content is an observation: it moves last_seen, nothing else.

`ingest` and `mark_withdrawn` apply these decisions to an archive; they are safe under concurrent
writers and retries because versions are created with put-if-absent: the loser re-reads and
re-decides.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.archive import Archive
from nianbao.archive import reports as shelves
from nianbao.archive.captures import Capture
from nianbao.archive.errors import ConflictError
from nianbao.archive.reports import Observation, Version
from nianbao.flows.furniture import is_furniture_field, normalise_text
from nianbao.parsers.record import ReportRecord

TABLES = ("active_disclosure", "applications", "review_litigation")
_ATTEMPTS = 20


@dataclass(frozen=True)
class IngestResult:
    kind: str  # "new" | "changed" | "unchanged" | "linked" | "withdrawn" | "already_withdrawn"
    version: int
    diff: tuple[dict[str, Any], ...] = ()


def content(record: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a record (as ReportRecord.to_dict()) that versions are about, normalised."""
    return {
        "title": normalise_text(record.get("title") or ""),
        "publish_date": record.get("publish_date"),
        "template": record.get("template"),
        "metadata": {k: v for k, v in (record.get("metadata") or {}).items() if not is_furniture_field(k)},
        "sections": {
            normalise_text(s["heading"]) or f"#{i}": normalise_text(s["text"])
            for i, s in enumerate(record.get("sections") or ())
        },
        "tables": {name: record.get(name) for name in TABLES},
    }


def content_hash(record: Mapping[str, Any]) -> str:
    data = json.dumps(content(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Field-level changes between two records: one entry per changed cell, field or section."""
    before = content(old) if old is not None else _EMPTY
    after = content(new) if new is not None else _EMPTY
    changes: list[dict[str, Any]] = []
    for name in ("title", "publish_date", "template"):
        _compare(changes, name, before[name], after[name])
    for group in ("metadata", "sections"):
        for key in sorted(before[group].keys() | after[group].keys()):
            _compare(changes, f"{group}.{key}", before[group].get(key), after[group].get(key))
    for table in TABLES:
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


def ingest(
    archive: Archive,
    agency: str,
    year: int,
    record: ReportRecord,
    captures: Sequence[tuple[Capture, str]],
    seen_at: str,
    region_code: str | None = None,
) -> IngestResult:
    """Keep what a visit found for the report (agency, year): a new version or an observation.

    `captures` are (capture, role) pairs: the page, attachments, variants and reposts that are this
    report (see flows/identity.py). `seen_at` is the visit's time (ISO 8601 UTC). `region_code` is
    the agency's 6-digit administrative division code from the registry, kept for the catalog.
    """
    data = record.to_dict()
    digest = content_hash(data)
    links = shelves.links(captures)
    for _ in range(_ATTEMPTS):
        latest = shelves.latest_version(archive.store, agency, year)
        if latest is not None and latest.kind == "content" and latest.content_hash == digest:
            shelves.add_observation(archive.store, Observation(agency, year, latest.number, seen_at, links))
            return IngestResult("unchanged", latest.number)
        previous = _last_content(archive, latest)
        changes = tuple(diff(previous.record if previous else None, data)) if previous else ()
        version = Version(
            agency=agency,
            year=year,
            number=latest.number + 1 if latest else 1,
            kind="content",
            first_seen=seen_at,
            content_hash=digest,
            record=data,
            captures=links,
            diff=changes,
            previous_last_seen=_last_seen(archive, latest),
            extra={"region_code": region_code} if region_code else {},
        )
        if shelves.create_version(archive.store, version):
            return IngestResult("new" if latest is None else "changed", version.number, changes)
    raise ConflictError(f"report {agency}/{year}: gave up after {_ATTEMPTS} concurrent version races")


def link_copies(
    archive: Archive, agency: str, year: int, captures: Sequence[tuple[Capture, str]], seen_at: str
) -> IngestResult:
    """Link copies (reposts on other sites) to the report's latest version without judging content.

    A repost is evidence the report is still published, not a source of its content: its page
    differs in furniture and often in title, so it never makes a version.
    """
    latest = shelves.latest_version(archive.store, agency, year)
    if latest is None:
        raise ConflictError(f"report {agency}/{year} has no version to link copies to")
    shelves.add_observation(archive.store, Observation(agency, year, latest.number, seen_at, shelves.links(captures)))
    return IngestResult("linked", latest.number)


def mark_withdrawn(archive: Archive, agency: str, year: int, evidence: Capture, seen_at: str) -> IngestResult:
    """Record that the report is gone from its site (e.g. its URL answered 404 or 410).

    Earlier versions and their raw captures are kept; the withdrawal is a version of its own whose
    evidence is the failing capture.
    """
    for _ in range(_ATTEMPTS):
        latest = shelves.latest_version(archive.store, agency, year)
        if latest is None:
            raise ConflictError(f"report {agency}/{year} has no version to withdraw")
        if latest.kind == "withdrawn":
            return IngestResult("already_withdrawn", latest.number)
        version = Version(
            agency=agency,
            year=year,
            number=latest.number + 1,
            kind="withdrawn",
            first_seen=seen_at,
            content_hash=None,
            record=None,
            captures=shelves.links([(evidence, "evidence")]),
            previous_last_seen=_last_seen(archive, latest),
            evidence={"url": evidence.url, "status": evidence.status, "error": evidence.error},
        )
        if shelves.create_version(archive.store, version):
            return IngestResult("withdrawn", version.number)
    raise ConflictError(f"report {agency}/{year}: gave up after {_ATTEMPTS} concurrent version races")


def _last_content(archive: Archive, latest: Version | None) -> Version | None:
    """The version to diff against: a reinstated report is compared with what it was before."""
    version = latest
    while version is not None and version.kind != "content":
        number = version.number - 1
        version = shelves.get_version(archive.store, version.agency, version.year, number) if number else None
    return version


def _last_seen(archive: Archive, latest: Version | None) -> str | None:
    if latest is None:
        return None
    head = shelves.get_head(archive.store, latest.agency, latest.year)
    if head is not None and head.version == latest.number:
        return max(head.last_seen, latest.first_seen)
    return latest.first_seen

"""The report shelves: immutable versions, observations, and a head pointer per (agency, year).

The archive only keeps; which capture is which report and whether content changed is decided by
flows/identity.py and flows/versioning.py. Versions are numbered from 1 and written with
put-if-absent, so two writers can never both create version n. The version chain is the truth;
`head.json` is a compare-and-swap hint (latest version, state, last_seen) rolled forward by readers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nianbao.archive import keys
from nianbao.archive.captures import Capture
from nianbao.archive.errors import ConflictError, NotFound
from nianbao.archive.raw import encode
from nianbao.archive.stores import Store

ROLES = ("page", "attachment", "variant", "repost", "evidence")
_CAS_ATTEMPTS = 50


@dataclass(frozen=True)
class CaptureLink:
    """A capture that is (part of) a report, and how: page, attachment, variant, repost, evidence."""

    capture_key: str
    agency: str  # whose site it was fetched from
    url: str
    fetched_at: str
    sha256: str | None
    status: int | None
    role: str

    @classmethod
    def of(cls, capture: Capture, role: str) -> CaptureLink:
        if role not in ROLES:
            raise ValueError(f"capture role {role!r} is not one of {ROLES}")
        return cls(
            capture_key=keys.capture_key(capture.agency, capture.url, capture.fetched_at),
            agency=capture.agency,
            url=capture.url,
            fetched_at=capture.fetched_at,
            sha256=capture.sha256,
            status=capture.status,
            role=role,
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaptureLink:
        return cls(**data)


@dataclass(frozen=True)
class Version:
    """One immutable version of a report: its content (or its withdrawal) as first seen."""

    agency: str
    year: int
    number: int
    kind: str  # "content" | "withdrawn"
    first_seen: str
    content_hash: str | None
    record: Mapping[str, Any] | None  # parsers.record.ReportRecord.to_dict(); None when withdrawn
    captures: tuple[CaptureLink, ...]
    diff: tuple[Mapping[str, Any], ...] = ()  # field-level changes from the previous version
    previous_last_seen: str | None = None  # freezes the previous version's last_seen
    evidence: Mapping[str, Any] | None = None  # why it was withdrawn
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": 1,
            "agency": self.agency,
            "year": self.year,
            "version": self.number,
            "kind": self.kind,
            "first_seen": self.first_seen,
            "content_hash": self.content_hash,
            "record": self.record,
            "captures": [link.to_dict() for link in self.captures],
            "diff": list(self.diff),
            "previous_last_seen": self.previous_last_seen,
            "evidence": self.evidence,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Version:
        return cls(
            agency=data["agency"],
            year=data["year"],
            number=data["version"],
            kind=data["kind"],
            first_seen=data["first_seen"],
            content_hash=data["content_hash"],
            record=data["record"],
            captures=tuple(CaptureLink.from_dict(c) for c in data["captures"]),
            diff=tuple(data["diff"]),
            previous_last_seen=data["previous_last_seen"],
            evidence=data["evidence"],
            extra=data.get("extra", {}),
        )


@dataclass(frozen=True)
class Observation:
    """A visit that found the current version unchanged (it moves last_seen, never a version)."""

    agency: str
    year: int
    version: int
    seen_at: str
    captures: tuple[CaptureLink, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "version": self.version,
            "seen_at": self.seen_at,
            "captures": [link.to_dict() for link in self.captures],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        return cls(
            agency=data["agency"],
            year=data["year"],
            version=data["version"],
            seen_at=data["seen_at"],
            captures=tuple(CaptureLink.from_dict(c) for c in data["captures"]),
        )


@dataclass(frozen=True)
class Head:
    version: int
    state: str  # "current" | "withdrawn"
    last_seen: str


def get_version(store: Store, agency: str, year: int, number: int) -> Version:
    return Version.from_dict(json.loads(store.get(keys.version_key(agency, year, number))))


def latest_version(store: Store, agency: str, year: int) -> Version | None:
    """The newest version, found from the head hint and rolled forward past a stale head."""
    head = get_head(store, agency, year)
    number = head.version if head else 0
    while store.exists(keys.version_key(agency, year, number + 1)):
        number += 1
    return get_version(store, agency, year, number) if number else None


def create_version(store: Store, version: Version) -> bool:
    """Write version n unless another writer already did; True when this call created it."""
    key = keys.version_key(version.agency, version.year, version.number)
    if version.number > 1 and not store.exists(keys.version_key(version.agency, version.year, version.number - 1)):
        raise ConflictError(f"{key} in {store.url}: version {version.number - 1} does not exist")
    created = store.put_if_absent(key, encode(version.to_dict()), "application/json")
    if created:
        state = "withdrawn" if version.kind == "withdrawn" else "current"
        advance_head(store, version.agency, version.year, Head(version.number, state, version.first_seen))
    return created


def add_observation(store: Store, observation: Observation) -> None:
    data = encode(observation.to_dict())
    key = keys.observation_key(
        observation.agency, observation.year, observation.version, observation.seen_at, data.decode()
    )
    store.put_if_absent(key, data, "application/json")
    head = get_head(store, observation.agency, observation.year)
    state = head.state if head and head.version == observation.version else "current"
    advance_head(store, observation.agency, observation.year, Head(observation.version, state, observation.seen_at))


def get_head(store: Store, agency: str, year: int) -> Head | None:
    try:
        return Head(**json.loads(store.get(keys.head_key(agency, year))))
    except NotFound:
        return None


def advance_head(store: Store, agency: str, year: int, proposed: Head) -> None:
    """Move the head forward (never back): a higher version, or a later last_seen of the same one."""
    key = keys.head_key(agency, year)
    for _ in range(_CAS_ATTEMPTS):
        try:
            data, token = store.get_with_token(key)
            current: Head | None = Head(**json.loads(data))
        except NotFound:
            current, token = None, None
        if current is not None:
            if proposed.version < current.version:
                return
            if proposed.version == current.version:
                if proposed.last_seen <= current.last_seen:
                    return
                proposed = Head(current.version, current.state, proposed.last_seen)
        try:
            store.put_if_match(key, encode(proposed.__dict__), token)
        except ConflictError:
            continue
        return
    raise ConflictError(f"{key} in {store.url}: gave up after {_CAS_ATTEMPTS} concurrent updates")


def report_ids(store: Store) -> list[tuple[str, int]]:
    """Every (agency, year) with at least one version (the head may lag behind a crashed writer)."""
    found = []
    for key in store.list(keys.report_prefix()):
        parts = key.split("/")
        if len(parts) == 5 and parts[3] == "versions" and parts[4] == keys.version_key("a", 2000, 1).rsplit("/")[-1]:
            found.append((parts[1], int(parts[2])))
    return found


def iter_versions(store: Store, agency: str, year: int) -> Iterator[Version]:
    prefix = f"{keys.report_prefix(agency, year)}versions/"
    for key in store.list(prefix):
        yield Version.from_dict(json.loads(store.get(key)))


def iter_observations(store: Store, agency: str, year: int) -> Iterator[Observation]:
    prefix = f"{keys.report_prefix(agency, year)}observations/"
    for key in store.list(prefix):
        yield Observation.from_dict(json.loads(store.get(key)))


def links(captures: Sequence[tuple[Capture, str]]) -> tuple[CaptureLink, ...]:
    return tuple(CaptureLink.of(capture, role) for capture, role in captures)

"""The report shelves: immutable versions, observations, and a head pointer per (agency, year).

The archive only keeps; which capture is which report and whether content changed is decided by
flows/identity.py and flows/versioning.py. Versions are numbered from 1 and written with
put-if-absent, so two writers can never both create version n. The version chain is the truth;
`head.json` is a compare-and-swap hint (latest version, state, last_seen) rolled forward by readers.

The flows talk to these shelves through two calls: `holding` answers "what do we hold for this
report" in one read (head, latest version, the content version to diff against), and `commit` takes
a decision made from a holding back in one conditional write, re-reading and re-deciding itself when
another writer got there first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from nianbao.archive import keys, pointers
from nianbao.archive.captures import Capture
from nianbao.archive.errors import ConflictError, NotFound
from nianbao.archive.fanout import fan_out
from nianbao.archive.raw import encode
from nianbao.archive.stores import Store
from nianbao.parsers.record import ReportRecord

_RACES = 20  # a version lost to another writer is re-read and re-decided at most this often
T = TypeVar("T")


class Role(StrEnum):
    """How a capture belongs to a report."""

    PAGE = "page"
    ATTACHMENT = "attachment"
    VARIANT = "variant"
    REPOST = "repost"
    EVIDENCE = "evidence"


class VersionKind(StrEnum):
    CONTENT = "content"
    WITHDRAWN = "withdrawn"


class HeadState(StrEnum):
    CURRENT = "current"
    WITHDRAWN = "withdrawn"


ROLES = tuple(Role)


@dataclass(frozen=True)
class CaptureLink:
    """A capture that is (part of) a report, and how: page, attachment, variant, repost, evidence."""

    capture_key: str
    agency: str  # whose site it was fetched from
    url: str
    fetched_at: str
    sha256: str | None
    status: int | None
    role: Role

    @classmethod
    def of(cls, capture: Capture, role: str) -> CaptureLink:
        if role not in ROLES:
            raise ValueError(f"capture role {role!r} is not one of {', '.join(ROLES)}")
        return cls(
            capture_key=keys.capture_key(capture.agency, capture.url, capture.fetched_at, capture.run_id),
            agency=capture.agency,
            url=capture.url,
            fetched_at=capture.fetched_at,
            sha256=capture.sha256,
            status=capture.status,
            role=Role(role),
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaptureLink:
        return cls(**{**data, "role": Role(data["role"])})


@dataclass(frozen=True)
class Version:
    """One immutable version of a report: its content (or its withdrawal) as first seen."""

    agency: str
    year: int
    number: int
    kind: VersionKind
    first_seen: str
    content_hash: str | None
    record: ReportRecord | None  # None when withdrawn; a dict only inside to_dict/from_dict
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
            "record": self.record.to_dict() if self.record is not None else None,
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
            kind=VersionKind(data["kind"]),
            first_seen=data["first_seen"],
            content_hash=data["content_hash"],
            record=ReportRecord.from_dict(data["record"]) if data["record"] is not None else None,
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
    state: HeadState
    last_seen: str

    @classmethod
    def decode(cls, data: bytes) -> Head:
        fields = json.loads(data)
        return cls(fields["version"], HeadState(fields["state"]), fields["last_seen"])

    def encode(self) -> bytes:
        return encode({"version": self.version, "state": str(self.state), "last_seen": self.last_seen})


@dataclass(frozen=True)
class Holding:
    """What the archive holds for one report, as read at one moment (see `holding`)."""

    agency: str
    year: int
    latest: Version | None  # the newest version, None when the report is not held
    content: Version | None  # the newest content version: `latest`, or the one before a withdrawal
    head: pointers.Read  # the head pointer as read, with the token a commit presents

    @property
    def last_seen(self) -> str | None:
        """When the latest version was last seen (frozen into its successor when one is created)."""
        if self.latest is None:
            return None
        head: Head | None = self.head[0]
        if head is not None and head.version == self.latest.number:
            return max(head.last_seen, self.latest.first_seen)
        return self.latest.first_seen

    @property
    def next_number(self) -> int:
        return self.latest.number + 1 if self.latest else 1


@dataclass(frozen=True)
class Create:
    """A decision: make this version (its number is the holding's next)."""

    version: Version


@dataclass(frozen=True)
class Observe:
    """A decision: record that the latest version was seen again."""

    observation: Observation


Decision = Create | Observe | None  # None: nothing to write


def holding(store: Store, agency: str, year: int) -> Holding:
    """Read once what is held for (agency, year): the head (rolled forward past a crashed writer),
    the latest version, and, only after a withdrawal, the content version before it."""
    head = pointers.read(store, keys.head_key(agency, year), Head.decode)
    number = head[0].version if head[0] is not None else 0
    while store.exists(keys.version_key(agency, year, number + 1)):
        number += 1
    latest = get_version(store, agency, year, number) if number else None
    content = latest
    while content is not None and content.kind != VersionKind.CONTENT:
        content = get_version(store, agency, year, content.number - 1) if content.number > 1 else None
    return Holding(agency, year, latest, content, head)


def holdings(store: Store, reports: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Holding]:
    """`holding` of many reports, read concurrently (each is a few round trips to a remote store)."""
    wanted = list(reports)
    return dict(zip(wanted, fan_out(lambda report: holding(store, *report), wanted), strict=True))


def commit(
    store: Store,
    agency: str,
    year: int,
    decide: Callable[[Holding], tuple[Decision, T]],
    held: Holding | None = None,
) -> T:
    """Apply `decide` to what is held (`held`, if the caller already read it) and write its decision
    conditionally. A version another writer created first makes this call read again and decide
    again, so a decision is always made from the holding it is written against. Returns what
    `decide` returned alongside the decision that stuck."""
    current = held if held is not None else holding(store, agency, year)
    for _ in range(_RACES):
        decision, result = decide(current)
        if decision is None:
            return result
        if isinstance(decision, Observe):
            _observe(store, decision.observation, current)
            return result
        if _create(store, decision.version, current):
            return result
        current = holding(store, agency, year)
    raise ConflictError(f"report {agency}/{year} in {store.url}: gave up after {_RACES} concurrent version races")


def _create(store: Store, version: Version, held: Holding) -> bool:
    """Write version n unless another writer already did; True when this call created it."""
    key = keys.version_key(version.agency, version.year, version.number)
    if version.number != held.next_number:
        raise ConflictError(f"{key} in {store.url}: the holding's next version is {held.next_number}")
    if not store.put_if_absent(key, encode(version.to_dict()), "application/json"):
        return False
    state = HeadState.WITHDRAWN if version.kind == VersionKind.WITHDRAWN else HeadState.CURRENT
    _advance_head(store, version.agency, version.year, Head(version.number, state, version.first_seen), held.head)
    return True


def _observe(store: Store, observation: Observation, held: Holding) -> None:
    data = encode(observation.to_dict())
    key = keys.observation_key(
        observation.agency, observation.year, observation.version, observation.seen_at, data.decode()
    )
    store.put_if_absent(key, data, "application/json")
    head: Head | None = held.head[0]
    state = head.state if head and head.version == observation.version else HeadState.CURRENT
    _advance_head(
        store, observation.agency, observation.year, Head(observation.version, state, observation.seen_at), held.head
    )


def get_version(store: Store, agency: str, year: int, number: int) -> Version:
    return Version.from_dict(json.loads(store.get(keys.version_key(agency, year, number))))


def latest_version(store: Store, agency: str, year: int) -> Version | None:
    """The newest version (for readers outside a settle: the catalog, tests)."""
    return holding(store, agency, year).latest


def get_head(store: Store, agency: str, year: int) -> Head | None:
    try:
        return Head.decode(store.get(keys.head_key(agency, year)))
    except NotFound:
        return None


def _advance_head(store: Store, agency: str, year: int, proposed: Head, first: pointers.Read) -> None:
    """Move the head forward (never back): a higher version, or a later last_seen of the same one."""

    def update(current: Head | None) -> bytes | None:
        if current is None or proposed.version > current.version:
            return proposed.encode()
        if proposed.version == current.version and proposed.last_seen > current.last_seen:
            return Head(current.version, current.state, proposed.last_seen).encode()
        return None

    pointers.swap(store, keys.head_key(agency, year), Head.decode, update, first)


def report_ids(store: Store) -> list[tuple[str, int]]:
    """Every (agency, year) with at least one version (the head may lag behind a crashed writer)."""
    return [report for key in store.list(keys.report_prefix()) if (report := keys.first_version_of(key))]


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

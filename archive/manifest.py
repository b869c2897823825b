"""The catalog manifest: which Parquet files are the catalog now, published by compare-and-swap.

`catalog/manifest.json` lists the live files of every bucket (and of the derived tables), their row
counts, the kept registry they were built with, and the files publishes dropped with when. Readers
open only listed files, so a catalog appears whole or not at all: new files are written before the
manifest names them, and a dropped file is deleted by the first publish at least GRACE after it was
dropped, which gives a reader that long to finish with what it opened.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from nianbao.archive import keys, pointers
from nianbao.archive.agencies import CURRENT
from nianbao.archive.errors import NotFound
from nianbao.archive.stores import Store

FORMAT = 2
GRACE = timedelta(hours=1)  # how long a file stays after the manifest that listed it was replaced
_YEAR = re.compile(r"/year=([^/]+)/")


@dataclass(frozen=True)
class Partition:
    """One bucket's live files per table, and their rows."""

    files: dict[str, list[str]]
    rows: dict[str, int]


@dataclass(frozen=True)
class Manifest:
    build: str
    built_at: str
    registry: str | None  # sha256 of the kept registry the report rows were named from
    partitions: dict[str, Partition]
    retired: dict[str, str] = field(default_factory=dict)  # dropped file -> when (ISO time)
    legacy: tuple[str, ...] = field(default=())  # files of a catalog in the first layout (no manifest list)

    @classmethod
    def of(cls, build: str, registry: str | None, partitions: dict[str, Partition], base: Manifest | None) -> Manifest:
        """A new manifest replacing `base`: what `base` listed and this one does not is retired now; what
        `base` retired stays retired until its grace is over (`expired`)."""
        now = datetime.now(UTC).isoformat()
        draft = cls(build, now, registry, partitions)
        if base is None:
            return draft
        dropped = dict.fromkeys((base.live() | set(base.legacy)) - draft.live(), now)
        kept = {key: when for key, when in base.retired.items() if key not in base.expired()}
        return cls(build, now, registry, partitions, kept | dropped)

    def expired(self) -> set[str]:
        """Retired files whose grace is over: no reader may still hold them."""
        limit = (datetime.now(UTC) - GRACE).isoformat()
        return {key for key, when in self.retired.items() if when < limit}

    def files(self, table: str) -> list[str]:
        return [key for p in self.partitions.values() for key in p.files.get(table, ())]

    def live(self) -> set[str]:
        return {key for p in self.partitions.values() for keys_ in p.files.values() for key in keys_}

    def rows(self) -> dict[str, int]:
        from nianbao.archive.catalog import TABLES  # the table names live with their schemas

        return {t: sum(p.rows.get(t, 0) for p in self.partitions.values()) for t in TABLES}

    def encode(self) -> bytes:
        document = {
            "format": FORMAT,
            "build": self.build,
            "built_at": self.built_at,
            "registry": self.registry,
            "rows": self.rows(),
            "partitions": {b: {"files": p.files, "rows": p.rows} for b, p in sorted(self.partitions.items())},
            "retired": self.retired,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> Manifest:
        document = json.loads(data)
        if document.get("format") != FORMAT:  # the first layout: files found by listing, rewritten in place
            return cls("", document.get("built_at", ""), None, {}, legacy=("*",))
        partitions = {b: Partition(p["files"], p["rows"]) for b, p in document["partitions"].items()}
        return cls(document["build"], document["built_at"], document["registry"], partitions, dict(document["retired"]))


Read = pointers.Read


def read(store: Store) -> Read:
    """The manifest and its token ((None, None) before the first build)."""
    return pointers.read(store, keys.catalog_manifest_key(), Manifest.decode)


def new_build() -> str:
    return uuid.uuid4().hex


def year_of(key: str) -> int | None:
    match = _YEAR.search(key)
    return int(match.group(1)) if match and match.group(1).isdigit() else None


def registry_id(store: Store) -> str | None:
    try:
        return json.loads(store.get(CURRENT))["sha256"]
    except NotFound:
        return None


def publish(store: Store, draft: Callable[[Manifest | None], Manifest], first: Read | None = None) -> Manifest:
    """Write the manifest `draft` makes from the current one, by compare-and-swap (pointers.swap: on a
    lost race `draft` is called again with the winner's manifest); then delete what is no longer needed."""
    attempts: list[tuple[Manifest | None, Manifest]] = []

    def update(current: Manifest | None) -> bytes:
        current = _with_legacy_files(store, current)
        attempts.append((current, draft(current)))
        return attempts[-1][1].encode()

    pointers.swap(store, keys.catalog_manifest_key(), Manifest.decode, update, first)
    base, published = attempts[-1]
    live = published.live()
    # Files the drafts that lost a race wrote (not those they took from their base: another writer's).
    orphans = {key for held, lost in attempts[:-1] for key in lost.live() - (held.live() if held else set())} - live
    _delete(store, orphans | (base.expired() if base else set()))
    return published


def _with_legacy_files(store: Store, current: Manifest | None) -> Manifest | None:
    """A first-layout catalog's files, found by listing, so that the new manifest retires them."""
    if current is None or current.legacy != ("*",):
        return current
    found = tuple(k for k in store.list("catalog/") if k.endswith("/part-0.parquet"))
    return Manifest(current.build, current.built_at, None, {}, legacy=found)


def _delete(store: Store, stored: Iterable[str]) -> None:
    """Files no manifest lists any more; one already gone (another writer's cleanup) is fine."""
    for key in sorted(stored):
        store.delete(key)


def describe(manifest: Manifest) -> Mapping[str, Any]:
    """The manifest as its JSON document (what `Catalog.manifest()` returns)."""
    return json.loads(manifest.encode())

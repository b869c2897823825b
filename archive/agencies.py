"""The registry as the archive keeps it, and the catalog's `agencies` table built from it.

A harvest stores the registry it ran with, whole: `registry/<sha256>.json` (immutable, one per
distinct registry) and `registry/current.json` naming the latest. The catalog reads the latest, so
that every report row carries its agency's name, level and region, and the ledger knows which
agencies were expected to publish.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from nianbao.archive.errors import ConflictError, NotFound
from nianbao.archive.regions import region
from nianbao.archive.stores import Store

CURRENT = "registry/current.json"
FIELDS = ("id", "name", "level", "parent", "region_code", "verified", "start_urls")
_ATTEMPTS = 5

SCHEMA = pa.schema(
    [
        ("agency", pa.string()),
        ("name", pa.string()),
        ("level", pa.string()),
        ("parent", pa.string()),
        ("parent_name", pa.string()),
        ("region_code", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("county", pa.string()),
        ("verified", pa.bool_()),
        ("start_urls", pa.list_(pa.string())),
    ]
)


def snapshot_key(sha256: str) -> str:
    return f"registry/{sha256}.json"


def keep_registry(store: Store, entries: Sequence[Mapping[str, Any]]) -> str:
    """Store the registry's agencies (only the FIELDS the catalog uses) and make it the current one."""
    agencies = [{name: entry.get(name) for name in FIELDS} for entry in entries]
    data = json.dumps({"agencies": agencies}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    store.put_if_absent(snapshot_key(sha256), data, "application/json")
    pointer = json.dumps({"sha256": sha256, "kept_at": datetime.now(UTC).isoformat()}).encode()
    for _ in range(_ATTEMPTS):
        try:
            held, token = store.get_with_token(CURRENT)
        except NotFound:
            held, token = None, None
        if held is not None and json.loads(held)["sha256"] == sha256:
            return sha256
        try:
            store.put_if_match(CURRENT, pointer, token)
            return sha256
        except ConflictError:
            continue  # another run kept its registry meanwhile: look again
    raise ConflictError(f"{store.url}: could not point {CURRENT} at registry {sha256} after {_ATTEMPTS} races")


def current_registry(store: Store) -> list[dict[str, Any]]:
    """The agencies of the latest kept registry; empty when no harvest has kept one."""
    try:
        pointer = json.loads(store.get(CURRENT))
    except NotFound:
        return []
    return list(json.loads(store.get(snapshot_key(pointer["sha256"])))["agencies"])


def agency_rows(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One `agencies` row per registry entry, with the GB/T 2260 names of its region code."""
    names = {e["id"]: e.get("name") for e in entries}
    rows = []
    for entry in entries:
        where = region(entry.get("region_code"))
        rows.append(
            {
                "agency": entry["id"],
                "name": entry.get("name"),
                "level": entry.get("level"),
                "parent": entry.get("parent"),
                "parent_name": names.get(entry.get("parent")),
                "region_code": entry.get("region_code"),
                "province": where.province,
                "city": where.city,
                "county": where.county,
                "verified": bool(entry.get("verified")),
                "start_urls": list(entry.get("start_urls") or ()),
            }
        )
    return rows

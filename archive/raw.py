"""The raw layer: bodies stored once by sha256, one immutable record per capture, and the
per-URL pointer to the latest successful capture that conditional requests are built from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from nianbao.archive import keys, pointers
from nianbao.archive.captures import Capture, Validators
from nianbao.archive.errors import IntegrityError
from nianbao.archive.fanout import fan_out
from nianbao.archive.stores import Store


def put_raw(store: Store, data: bytes, content_type: str | None = None) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    key = keys.raw_key(sha256)
    if store.put_if_absent(key, data, content_type):
        get_raw(store, sha256)  # verify what landed, not what we meant to send
    return sha256


def get_raw(store: Store, sha256: str) -> bytes:
    data = store.get(keys.raw_key(sha256))
    if hashlib.sha256(data).hexdigest() != sha256:
        raise IntegrityError(f"{keys.raw_key(sha256)} in {store.url} does not hash to its name")
    return data


def encode(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def add_capture(store: Store, capture: Capture) -> str:
    """Store the capture record (a retry is a no-op) and advance its URL's validators pointer."""
    key = keys.capture_key(capture.agency, capture.url, capture.fetched_at, capture.run_id)
    store.put_if_absent(key, encode(capture.to_dict()), "application/json")
    if capture.status is not None and 200 <= capture.status < 300 and capture.sha256:
        _advance_validators(store, capture, key)
    return key


def _advance_validators(store: Store, capture: Capture, capture_key: str) -> None:
    key = keys.validators_key(capture.agency, capture.url)
    pointer = {
        "url": capture.url,
        "fetched_at": capture.fetched_at,
        "etag": capture.header("ETag"),
        "last_modified": capture.header("Last-Modified"),
        "sha256": capture.sha256,
        "capture": capture_key,
    }

    def update(current: dict | None) -> bytes | None:
        if current is not None and current["fetched_at"] >= capture.fetched_at:
            return None  # a later capture already moved it
        return encode(pointer)

    pointers.swap(store, key, json.loads, update)


def validators(store: Store, agency: str) -> dict[str, Validators]:
    pointer_keys = list(store.list(keys.validators_prefix(agency)))
    pointers = [json.loads(data) for data in fan_out(store.get, pointer_keys)]
    return {
        p["url"]: Validators(url=p["url"], etag=p["etag"], last_modified=p["last_modified"], sha256=p["sha256"])
        for p in pointers
    }


def get_capture(store: Store, key: str) -> Capture:
    return Capture.from_dict(json.loads(store.get(key)))


def iter_captures(store: Store, agency: str | None = None) -> Iterator[tuple[str, Capture]]:
    """Every capture record (of one agency, or all), with its key."""
    return _load(store, list(store.list(keys.captures_prefix(agency))))


def run_captures(store: Store, agency: str, run_ids: Iterable[str], since: str, until: str) -> Iterator[Capture]:
    """The captures the runs `run_ids` made of `agency` between `since` and `until` (ISO 8601 UTC):
    listed under the runs, so the work grows with the run, not with the agency's history."""
    prefixes = [
        keys.run_captures_prefix(agency, year, run)
        for run in sorted(set(run_ids))
        for year in range(int(since[:4]), int(until[:4]) + 1)
    ]
    return (capture for _, capture in _load(store, [key for prefix in prefixes for key in store.list(prefix)]))


def _load(store: Store, capture_keys: list[str]) -> Iterator[tuple[str, Capture]]:
    yield from zip(capture_keys, fan_out(lambda key: get_capture(store, key), capture_keys), strict=True)

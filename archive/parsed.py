"""The parse cache: each raw body's parse outcome by parser version, kept in the archive.

A body is parsed once per parser version wherever the harvest runs (any worker, any machine reading
the archive), and a no-change rerun reads one small object per report body instead of parsing it.
The outcome is `{"record": <ReportRecord.to_dict()>}` or `{"error": <why the body cannot be read>}`:
an unreadable body is an answer too, not something to try again on every run. Derived data: losing
it costs parse time, nothing else, and the catalog never reads it.
"""

from __future__ import annotations

import json
from typing import Any

from nianbao.archive import keys
from nianbao.archive.errors import NotFound
from nianbao.archive.raw import encode
from nianbao.archive.stores import Store


def get_parsed(store: Store, parser_version: str, sha256: str, *, ocr: bool = True) -> dict[str, Any] | None:
    """The kept outcome of parsing body `sha256` with `parser_version`; None when there is none."""
    try:
        data = store.get(keys.parsed_key(parser_version, sha256, ocr=ocr))
    except NotFound:
        return None
    outcome = json.loads(data)
    return outcome if isinstance(outcome, dict) and ("record" in outcome or "error" in outcome) else None


def put_parsed(store: Store, parser_version: str, sha256: str, outcome: dict[str, Any], *, ocr: bool = True) -> None:
    """Keep a parse outcome (the first writer wins: the same body and parser give the same outcome)."""
    store.put_if_absent(keys.parsed_key(parser_version, sha256, ocr=ocr), encode(outcome), "application/json")

"""What the crawler hands the archive: raw bodies and one capture record per HTTP observation.

A capture records a visit, successful or not; raw bodies are stored once per sha256. The fields are
what a web archivist needs to export the raw layer as WARC later without refetching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class CaptureKind(StrEnum):
    """What the crawler took a URL for when it fetched it."""

    LISTING = "listing"
    REPORT = "report"
    ATTACHMENT = "attachment"
    PAGE = "page"  # a known URL fetched again, or one no discovery step classified


@dataclass(frozen=True)
class Capture:
    agency: str
    url: str
    fetched_at: str  # ISO 8601, UTC, e.g. 2026-02-03T04:05:06.123456Z
    status: int | None  # None when no HTTP response arrived (timeout, DNS, refused)
    final_url: str | None = None
    method: str = "GET"
    request_headers: Mapping[str, str] = field(default_factory=dict)
    response_headers: Mapping[str, str] = field(default_factory=dict)
    redirects: tuple[str, ...] = ()  # every URL visited before final_url, in order
    sha256: str | None = None  # of the body as received; None for 304s and failures
    size: int | None = None
    content_type: str | None = None
    kind: str = CaptureKind.PAGE  # a CaptureKind value
    referrer: str | None = None  # the listing page the link was found on
    link_text: str | None = None
    error: str | None = None  # why it failed, for people: "timeout after 30s", "robots.txt forbids"
    run_id: str | None = None
    year: int | None = None  # the report year the crawler read in the link (None: it named none)
    # What a WARC record needs beyond the above (docs/archive.md, "Capture ↔ WARC"); captures written
    # before these fields existed read back with the defaults.
    protocol: str | None = None  # HTTP version of the answer, "HTTP/1.1"; None: not kept (assume 1.1)
    ip_address: str | None = None  # the server address the answer came from
    header_lines: tuple[tuple[str, str], ...] = ()  # response headers in order, repeated names kept
    redirect_statuses: tuple[int | None, ...] = ()  # each hop in `redirects`: its 3xx, None for a meta refresh

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "url": self.url,
            "fetched_at": self.fetched_at,
            "status": self.status,
            "final_url": self.final_url,
            "method": self.method,
            "request_headers": dict(self.request_headers),
            "response_headers": dict(self.response_headers),
            "redirects": list(self.redirects),
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "kind": self.kind,
            "referrer": self.referrer,
            "link_text": self.link_text,
            "error": self.error,
            "run_id": self.run_id,
            "year": self.year,
            "protocol": self.protocol,
            "ip_address": self.ip_address,
            "header_lines": [list(line) for line in self.header_lines],
            "redirect_statuses": list(self.redirect_statuses),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capture:
        fields = dict(data)
        fields["request_headers"] = dict(fields.get("request_headers") or {})
        fields["response_headers"] = dict(fields.get("response_headers") or {})
        fields["redirects"] = tuple(fields.get("redirects") or ())
        fields["header_lines"] = tuple((name, value) for name, value in fields.get("header_lines") or ())
        fields["redirect_statuses"] = tuple(fields.get("redirect_statuses") or ())
        return cls(**fields)

    def header(self, name: str) -> str | None:
        """A response header, whatever its case."""
        wanted = name.lower()
        return next((v for k, v in self.response_headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class Validators:
    """What the archive knows of a URL's last good fetch, to make the next request conditional."""

    url: str
    etag: str | None
    last_modified: str | None
    sha256: str | None


class CaptureSink(Protocol):
    """The part of the archive the crawler writes to; implemented by archive backends."""

    def put_raw(self, data: bytes, content_type: str | None = None) -> str:
        """Store bytes content-addressed; return their sha256. Idempotent: same bytes, one object."""
        ...

    def add_capture(self, capture: Capture) -> None:
        """Record one observation. Idempotent for the same (agency, url, fetched_at)."""
        ...

    def validators(self, agency: str) -> dict[str, Validators]:
        """The latest successful validators of every URL of an agency, keyed by URL."""
        ...

"""The raw layer as WARC 1.1 (ISO 28500): each capture becomes the records a web archive keeps.

A capture with a body becomes a `request` + `response` pair (status line and headers as received,
the body from `raw/`); a 304 becomes a `revisit` (server-not-modified) pointing at the URL's last
response written; a body already written becomes a `revisit` (identical-payload-digest) pointing at
the record that holds it; every capture also gets a `metadata` record with what only nianbao knows
(agency, kind, referrer, link text, run, redirect hops, the failure's reason), so that a capture
that failed without a response is still kept, and `nianbao warc import` can restore it faithfully.

Payload and block digests are sha256 (base32, as WARC writes them): a response's payload digest is
its raw object's name in another spelling. The mapping is documented in docs/archive.md.

The export is incremental: the out directory keeps `nianbao-warc-state.json` (the captures already
written and where each payload and URL was last written), so a second export writes only the
captures that are new since, and a body already in an earlier file becomes a revisit.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from nianbao.archive import reports as shelves
from nianbao.archive.captures import Capture
from nianbao.archive.errors import ArchiveError

SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
STATE_FILE = "nianbao-warc-state.json"
DEFAULT_MAX_BYTES = 1_000_000_000  # the customary 1 GB WARC file
PREFIX = "nianbao"
FIELD = "nianbao-"  # metadata record fields: nianbao-agency, nianbao-kind, ...
# Scrapy hands over bodies decoded and de-chunked; a header that says otherwise would make a replay
# tool decode them again. Such headers are kept under this prefix, and Content-Length is the body's.
ORIGINAL = "X-Nianbao-Orig-"
_TRANSFER_HEADERS = ("transfer-encoding", "content-encoding")


class ExportError(ArchiveError):
    """The out directory cannot hold an export (its state is unreadable, a file cannot be written)."""


class Sha256WARCWriter(WARCWriter):
    """warcio's writer with sha256 digests instead of its fixed sha1: payload digest = raw object name."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def payload_digest(sha256_hex: str) -> str:
    """The WARC spelling of a raw object's sha256: `sha256:<base32>`."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


def sha256_of_digest(digest: str) -> str | None:
    """The raw object name a `sha256:` payload digest stands for (base32 or hex); None for other algorithms."""
    algorithm, _, value = digest.partition(":")
    if algorithm.lower() != "sha256":
        return None
    if len(value) == 64:
        return value.lower()
    try:
        return base64.b32decode(value.upper()).hex()
    except ValueError:
        return None


def warc_date(fetched_at: str) -> str:
    """A capture time as WARC-Date (WARC 1.1 allows the microseconds the capture has)."""
    return fetched_at if fetched_at.endswith("Z") else fetched_at + "Z"


@dataclass(frozen=True)
class Written:
    """Where a record was written: enough for a revisit to point at it."""

    uri: str
    date: str
    record_id: str
    file: str


@dataclass
class ExportState:
    """What an out directory already holds (kept as STATE_FILE beside the WARCs it describes)."""

    captures: set[str] = field(default_factory=set)  # capture keys written
    payloads: dict[str, Written] = field(default_factory=dict)  # payload digest -> its response
    responses: dict[str, Written] = field(default_factory=dict)  # URL -> its latest response written
    files: list[str] = field(default_factory=list)
    records: dict[str, Written] = field(default_factory=dict)  # capture key -> its response or revisit

    @classmethod
    def load(cls, out: Path) -> ExportState:
        path = out / STATE_FILE
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                set(data["captures"]),
                {k: Written(**v) for k, v in data["payloads"].items()},
                {k: Written(**v) for k, v in data["responses"].items()},
                list(data["files"]),
                {k: Written(**v) for k, v in data.get("records", {}).items()},
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ExportError(f"{path}: unreadable export state ({exc}); remove it to export everything anew") from exc

    def save(self, out: Path) -> None:
        data = {
            "format": 1,
            "captures": sorted(self.captures),
            "payloads": {k: vars(v) for k, v in sorted(self.payloads.items())},
            "responses": {k: vars(v) for k, v in sorted(self.responses.items())},
            "files": self.files,
            "records": {k: vars(v) for k, v in sorted(self.records.items())},
        }
        temporary = out / f".{STATE_FILE}.tmp"
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, out / STATE_FILE)


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)  # WARC files written by this export
    records: dict[str, int] = field(default_factory=dict)  # per WARC-Type (revisits per profile)
    captures: int = 0

    def count(self, kind: str) -> None:
        self.records[kind] = self.records.get(kind, 0) + 1


class RollingWriter:
    """WARC files of at most about `max_bytes`, each opening with a warcinfo record, gzip per record.

    A file is written as `<name>.open` and renamed when complete; the state is saved after each file,
    so an interrupted export leaves no half file that the state claims.
    """

    def __init__(self, out: Path, max_bytes: int, state: ExportState, result: ExportResult, info: Mapping[str, str]):
        self.out, self.max_bytes, self.state, self.result, self.info = out, max_bytes, state, result, dict(info)
        self.handle: BinaryIO | None = None
        self.writer: Sha256WARCWriter | None = None
        self.name = ""
        for leftover in out.glob("*.warc.gz.open"):
            leftover.unlink()

    def write(self, record: Any) -> str:
        """Write one record; its WARC-Record-ID."""
        if self.handle is not None and self.handle.tell() >= self.max_bytes:
            self.close()
        if self.writer is None:
            self._open()
        assert self.writer is not None
        self.writer.write_record(record)
        self.result.count(_kind(record))
        return record.rec_headers.get_header("WARC-Record-ID")

    @property
    def builder(self) -> Sha256WARCWriter:
        return self.writer or Sha256WARCWriter(BytesIO(), gzip=True, warc_version="1.1")

    def _open(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self.name = f"{PREFIX}-{stamp}-{len(self.state.files):05d}.warc.gz"
        self.handle = open(self.out / f"{self.name}.open", "wb")  # noqa: SIM115 - closed in close()
        self.writer = Sha256WARCWriter(self.handle, gzip=True, warc_version="1.1")
        self.writer.write_record(self.writer.create_warcinfo_record(self.name, self.info))
        self.result.count("warcinfo")

    def close(self) -> None:
        if self.handle is None:
            return
        self.handle.close()
        os.replace(self.out / f"{self.name}.open", self.out / self.name)
        self.state.files.append(self.name)
        self.result.files.append(self.out / self.name)
        self.state.save(self.out)
        self.handle, self.writer = None, None


def _kind(record: Any) -> str:
    if record.rec_type == "revisit":
        profile = record.rec_headers.get_header("WARC-Profile") or ""
        return "revisit/" + profile.rsplit("/", 1)[-1]
    return record.rec_type


def http_response_headers(capture: Capture, body_length: int | None) -> StatusAndHeaders:
    """The status line and header lines of a capture's answer, as received (see ORIGINAL)."""
    status = capture.status or 0
    try:
        reason = HTTPStatus(status).phrase  # Scrapy does not keep the phrase the server sent
    except ValueError:
        reason = ""
    lines = list(capture.header_lines) or list(capture.response_headers.items())
    kept: list[tuple[str, str]] = []
    for name, value in lines:
        wrong_length = (
            name.lower() == "content-length" and body_length is not None and value.strip() != str(body_length)
        )
        kept.append((ORIGINAL + name if name.lower() in _TRANSFER_HEADERS or wrong_length else name, value))
    if body_length is not None and not any(n.lower() == "content-length" for n, _ in kept):
        kept.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=capture.protocol or "HTTP/1.1")


def http_request_headers(capture: Capture, uri: str) -> StatusAndHeaders:
    parts = urlsplit(uri)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = list(capture.request_headers.items())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))  # the HTTP client adds it below Scrapy's headers
    return StatusAndHeaders(f"{capture.method} {target} HTTP/1.1", headers, is_http_request=True)


def metadata_fields(capture: Capture, key: str) -> list[tuple[str, str]]:
    """What a WARC has no header for, as warc-fields lines (`name: value`)."""
    fields = [
        ("agency", capture.agency),
        ("capture-key", key),
        ("requested-url", capture.url),
        ("kind", capture.kind),
        ("status", capture.status),
        ("referrer", capture.referrer),
        ("link-text", capture.link_text),
        ("run-id", capture.run_id),
        ("content-type", capture.content_type),
        ("error", capture.error),
    ]
    hops = zip(capture.redirects, capture.redirect_statuses or (None,) * len(capture.redirects), strict=False)
    fields += [("redirect", f"{status or '-'} {url}") for url, status in hops]
    return [(FIELD + name, " ".join(str(value).split())) for name, value in fields if value]


class Exporter:
    """Writes captures as records, keeping the state that makes revisits and reruns right."""

    def __init__(
        self, archive: Any, writer: RollingWriter, history: Mapping[tuple[str, str], list[tuple[str, Capture]]]
    ) -> None:
        self.archive, self.writer, self.state = archive, writer, writer.state
        self.history = history  # (agency, url) -> its captures by time, for a 304's earlier response

    def capture(self, key: str, capture: Capture) -> None:
        if key in self.state.captures:
            return
        uri = capture.final_url or capture.url
        concurrent = None
        if capture.status == 304:
            concurrent = self._not_modified(key, capture, uri)
        elif capture.status is not None and capture.sha256:
            concurrent = self._response(capture, uri)
        elif capture.status is not None:  # an error answer whose body was not kept (or was empty)
            concurrent = self._response(capture, uri, body=b"", truncated=bool(capture.size))
        if concurrent:
            self.state.records[key] = Written(uri, warc_date(capture.fetched_at), concurrent, self.writer.name)
        self._metadata(key, capture, uri, concurrent)
        self.state.captures.add(key)
        self.writer.result.captures += 1

    def _response(self, capture: Capture, uri: str, body: bytes | None = None, truncated: bool = False) -> str:
        """A response (or an identical-payload revisit); `truncated`: the body was not kept, and the
        record says so with `WARC-Truncated` instead of pretending the answer was empty."""
        date = warc_date(capture.fetched_at)
        digest = payload_digest(capture.sha256) if capture.sha256 else None
        earlier = self.state.payloads.get(digest) if digest else None
        builder = self.writer.builder
        common = {"WARC-Date": date}
        if capture.ip_address:
            common["WARC-IP-Address"] = capture.ip_address
        if earlier is not None:
            record = builder.create_revisit_record(
                uri,
                digest,
                earlier.uri,
                earlier.date,
                http_headers=http_response_headers(capture, capture.size),
                warc_headers_dict={**common, "WARC-Refers-To": earlier.record_id},
            )
            record_id = self.writer.write(record)
            self.state.responses[uri] = earlier  # where this URL's body is, for a later 304
        else:
            data = body if body is not None else self.archive.get_raw(capture.sha256)
            record = builder.create_warc_record(
                uri,
                "response",
                payload=BytesIO(data),
                length=len(data),
                http_headers=http_response_headers(capture, None if truncated else len(data)),
                warc_headers_dict={**common, "WARC-Truncated": "unspecified"} if truncated else common,
            )
            record_id = self.writer.write(record)
            written = Written(uri, date, record_id, self.writer.name)
            if digest:
                self.state.payloads[digest] = written
            self.state.responses[uri] = written
        self._request(capture, uri, record_id)
        return record_id

    def _not_modified(self, key: str, capture: Capture, uri: str) -> str:
        earlier = self.state.responses.get(uri)
        if earlier is None:
            # The 304's original body was not written by this directory's exports (a --since or
            # --year filter left it out): write it first, so the revisit points at a record that exists.
            previous = self._previous_body(capture, key)
            if previous is not None:
                self.capture(*previous)
                earlier = self.state.responses.get(uri)
        if earlier is None:  # no stored body to point at: the 304 itself is what was received
            return self._response(capture, uri, body=b"")
        record = self.writer.builder.create_warc_record(
            uri,
            "revisit",
            http_headers=http_response_headers(capture, None),
            warc_headers_dict={
                "WARC-Date": warc_date(capture.fetched_at),
                "WARC-Profile": SERVER_NOT_MODIFIED,
                "WARC-Refers-To-Target-URI": earlier.uri,
                "WARC-Refers-To-Date": earlier.date,
                "WARC-Refers-To": earlier.record_id,
                **({"WARC-IP-Address": capture.ip_address} if capture.ip_address else {}),
            },
        )
        record_id = self.writer.write(record)
        self._request(capture, uri, record_id)
        return record_id

    def _previous_body(self, capture: Capture, key: str) -> tuple[str, Capture] | None:
        earlier = [
            (k, c)
            for k, c in self.history.get((capture.agency, capture.url), ())
            if c.fetched_at < capture.fetched_at and c.sha256 and c.status is not None and 200 <= c.status < 300
        ]
        return earlier[-1] if earlier else None

    def _request(self, capture: Capture, uri: str, response_id: str) -> None:
        record = self.writer.builder.create_warc_record(
            uri,
            "request",
            http_headers=http_request_headers(capture, uri),
            warc_headers_dict={"WARC-Date": warc_date(capture.fetched_at), "WARC-Concurrent-To": response_id},
        )
        self.writer.write(record)

    def _metadata(self, key: str, capture: Capture, uri: str, concurrent: str | None) -> None:
        body = "".join(f"{name}: {value}\r\n" for name, value in metadata_fields(capture, key)).encode("utf-8")
        headers = {"WARC-Date": warc_date(capture.fetched_at)}
        if concurrent:
            headers["WARC-Concurrent-To"] = concurrent
        record = self.writer.builder.create_warc_record(
            uri,
            "metadata",
            payload=BytesIO(body),
            length=len(body),
            warc_content_type="application/warc-fields",
            warc_headers_dict=headers,
        )
        self.writer.write(record)


def selected(
    archive: Any,
    captures: list[tuple[str, Capture]],
    agency: str | None = None,
    year: int | None = None,
    since: str | None = None,
) -> list[tuple[str, Capture]]:
    """The captures an export covers, oldest first: from a date on, of one report year."""
    if since:
        captures = [(k, c) for k, c in captures if c.fetched_at >= since]
    if year is not None:
        linked = set(_capture_keys_of_year(archive, year, agency))
        captures = [(k, c) for k, c in captures if k in linked]
    return sorted(captures, key=lambda kc: (kc[1].fetched_at, kc[0]))


def _capture_keys_of_year(archive: Any, year: int, agency: str | None) -> Iterator[str]:
    """Captures linked to a report of `year` by any version or observation."""
    for report_agency, report_year in shelves.report_ids(archive.store):
        if report_year != year or (agency and report_agency != agency):
            continue
        for version in shelves.iter_versions(archive.store, report_agency, report_year):
            yield from (link.capture_key for link in version.captures)
        for observation in shelves.iter_observations(archive.store, report_agency, report_year):
            yield from (link.capture_key for link in observation.captures)


def export(
    archive: Any,
    out: Path,
    *,
    agency: str | None = None,
    year: int | None = None,
    since: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ExportResult:
    """Write the selected captures not yet in `out` as WARC files there (see the module docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    state = ExportState.load(out)
    result = ExportResult()
    everything = sorted(archive.captures(agency), key=lambda kc: (kc[1].fetched_at, kc[0]))
    chosen = selected(archive, everything, agency, year, since)
    history: dict[tuple[str, str], list[tuple[str, Capture]]] = {}
    for key, capture in everything:
        history.setdefault((capture.agency, capture.url), []).append((key, capture))
    info = {
        "software": "nianbao (warcio)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "Government information-disclosure annual reports and the pages that list them",
        "isPartOf": archive.url,
    }
    writer = RollingWriter(out, max_bytes, state, result, info)
    exporter = Exporter(archive, writer, history)
    try:
        for key, capture in chosen:
            exporter.capture(key, capture)
    finally:
        writer.close()
    return result


def warc_files(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*.warc.gz") if p.is_file())


def records_of(paths: Iterable[Path]) -> Iterator[tuple[Path, Any]]:
    """Every record of the files, with its file (for tests and the index)."""
    from warcio.archiveiterator import ArchiveIterator

    for path in paths:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                yield path, record

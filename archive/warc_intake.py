"""Reading answers out of WARC and WACZ files written by any crawler (Heritrix, Browsertrix, wget
`--warc-file`, nianbao itself), as what a capture is made of.

Each `response` and `revisit` record is one answer; the `request` record concurrent to it gives the
method and request headers; a `metadata` record concurrent to it with `nianbao-*` fields (written by
`nianbao warc export`) gives back what only nianbao knew (agency, kind, referrer, link text, run,
redirect hops); a nianbao `metadata` record concurrent to nothing is a fetch that failed. Files are
read twice: once for the small records, once for the bodies, which go straight to the archive.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from nianbao.archive.errors import ArchiveError
from nianbao.archive.warc import FIELD, SERVER_NOT_MODIFIED, sha256_of_digest


class WarcReadError(ArchiveError):
    """A file that is not a readable WARC or WACZ."""


@dataclass
class Answer:
    """One HTTP answer (or failed fetch) found in a WARC file."""

    uri: str
    date: str  # capture time as captures write it: 2019-05-01T12:00:00.000000Z
    source: str  # file (and WACZ member) it came from
    status: int | None = None
    protocol: str | None = None
    header_lines: tuple[tuple[str, str], ...] = ()
    ip_address: str | None = None
    body: bytes | None = None  # the payload, decoded as a browser would; None for revisits and failures
    refers_to: str | None = None  # sha256 of the payload a revisit stands for, when the digest says it
    refers_digest: str | None = None  # the revisit's payload digest as written (any algorithm)
    not_modified: bool = False
    method: str = "GET"
    request_headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)  # nianbao-* metadata, without the prefix
    payload_digest: str | None = None

    def field(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None


def capture_time(warc_date: str) -> str:
    """WARC-Date (seconds or fractions, 'Z') in the capture's own spelling, so times compare as text."""
    text = warc_date.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def answers(path: Path) -> Iterator[Answer]:
    """Every answer in a .warc, .warc.gz or .wacz file, in file order."""
    for source, opener in _streams(path):
        small = _small_records(opener, source)
        yield from _answers(opener, source, small)


@dataclass
class _Small:
    requests: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # response id -> method, headers
    own_ids: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # request id -> method, headers
    metadata: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # response id -> fields
    failures: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)  # uri, date, fields


def _small_records(opener: Any, source: str) -> _Small:
    small = _Small()
    with opener() as handle:
        for record in _records(handle, source):
            concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
            if record.rec_type == "request" and record.http_headers is not None:
                method = record.http_headers.protocol or "GET"  # warcio puts the verb there for requests
                request = (method, dict(record.http_headers.headers))
                small.own_ids[record.rec_headers.get_header("WARC-Record-ID")] = request
                if concurrent:  # Heritrix, Browsertrix, nianbao: the request names its response
                    small.requests[concurrent] = request
            elif record.rec_type == "metadata":
                fields = _fields(record.content_stream().read())
                if not fields:
                    continue
                if concurrent:
                    small.metadata[concurrent] = fields
                else:
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    small.failures.append((uri, capture_time(record.rec_headers.get_header("WARC-Date")), fields))
    return small


def _answers(opener: Any, source: str, small: _Small) -> Iterator[Answer]:
    with opener() as handle:
        for record in _records(handle, source):
            if record.rec_type not in ("response", "revisit"):
                continue
            if record.http_headers is None:  # a DNS or FTP record, not an HTTP answer
                continue
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            # wget names the request on the response instead
            concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
            method, request_headers = small.requests.get(record_id) or small.own_ids.get(concurrent, ("GET", {}))
            status_line = record.http_headers.get_statuscode()
            answer = Answer(
                uri=record.rec_headers.get_header("WARC-Target-URI"),
                date=capture_time(record.rec_headers.get_header("WARC-Date")),
                source=source,
                status=int(status_line) if status_line and status_line.isdigit() else None,
                protocol=record.http_headers.protocol or None,
                header_lines=tuple((str(n), str(v)) for n, v in record.http_headers.headers),
                ip_address=record.rec_headers.get_header("WARC-IP-Address"),
                method=method,
                request_headers=request_headers,
                fields=small.metadata.get(record_id, {}),
                payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            )
            if record.rec_type == "response" and not record.rec_headers.get_header("WARC-Truncated"):
                answer.body = record.content_stream().read()
            elif record.rec_type == "response":  # a body cut short is not the body: keep the answer only
                answer.fields.setdefault("error", [f"body truncated in {source}"])
            else:
                profile = record.rec_headers.get_header("WARC-Profile") or ""
                answer.not_modified = profile.endswith("server-not-modified") or profile == SERVER_NOT_MODIFIED
                answer.refers_digest = answer.payload_digest
                answer.refers_to = sha256_of_digest(answer.payload_digest) if answer.payload_digest else None
            yield answer
    for uri, date, fields in small.failures:
        status = (fields.get("status") or [""])[0]
        yield Answer(uri=uri, date=date, source=source, fields=fields, status=int(status) if status.isdigit() else None)


def _fields(block: bytes) -> dict[str, list[str]]:
    """The nianbao-* lines of a warc-fields block (other tools' metadata is not ours to read)."""
    fields: dict[str, list[str]] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.startswith(FIELD):
            fields.setdefault(name[len(FIELD) :], []).append(value.strip())
    return fields


def _records(handle: IO[bytes], source: str) -> Iterator[Any]:
    try:
        yield from ArchiveIterator(handle, arc2warc=True)
    except Exception as exc:  # warcio raises bare ArchiveLoadFailed / ValueError on foreign bytes
        raise WarcReadError(f"{source}: not a readable WARC ({type(exc).__name__}: {exc})") from exc


def _streams(path: Path) -> Iterator[tuple[str, Any]]:
    """(source name, a function opening a fresh binary stream) for each WARC in the file."""
    if path.suffix == ".wacz":
        try:
            with zipfile.ZipFile(path) as wacz:
                members = sorted(n for n in wacz.namelist() if n.startswith("archive/") and ".warc" in n)
        except zipfile.BadZipFile as exc:
            raise WarcReadError(f"{path}: not a WACZ (ZIP) file: {exc}") from exc
        for member in members:
            yield f"{path.name}!{member}", _member_opener(path, member)
    else:
        yield path.name, _file_opener(path)


def _file_opener(path: Path) -> Any:
    @contextmanager
    def opened() -> Iterator[IO[bytes]]:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise WarcReadError(f"{path}: cannot read ({exc.strerror})") from exc
        with handle:
            yield handle

    return opened


def _member_opener(path: Path, member: str) -> Any:
    @contextmanager
    def opened() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as wacz, wacz.open(member) as handle:
            yield handle

    return opened

"""Captures as WARC records (archive/warc.py) on a local archive: the cases a harvest rarely shows."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao import archive
from nianbao.archive.captures import Capture
from nianbao.archive.warc import (
    ORIGINAL,
    SERVER_NOT_MODIFIED,
    export,
    payload_digest,
    records_of,
    sha256_of_digest,
    warc_files,
)

URL = "http://www.example.gov.cn/ndbg/2024.html"


def capture(fetched_at: str, status: int | None, sha256: str | None = None, **extra) -> Capture:
    fields = {
        "agency": "sh-bgt",
        "url": URL,
        "fetched_at": fetched_at,
        "status": status,
        "sha256": sha256,
        "size": None,
        "kind": "report",
        "request_headers": {"User-Agent": "nianbao"},
        "protocol": "HTTP/1.1",
        "header_lines": (("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"')),
        **extra,
    }
    return Capture(**fields)


def records(out: Path) -> list:
    """(type, headers, http headers, block) of every record, read while the file is open."""
    found = []
    for _, record in records_of(warc_files(out)):
        block = record.content_stream().read()
        found.append((record.rec_type, record.rec_headers, record.http_headers, block))
    return found


def warcio_check(out: Path) -> None:
    for path in warc_files(out):
        result = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_digests_are_the_raw_object_names():
    sha = hashlib.sha256(b"body").hexdigest()
    assert sha256_of_digest(payload_digest(sha)) == sha
    assert sha256_of_digest("sha1:AAAA") is None


def test_a_304_whose_body_the_filter_left_out_gets_that_body_written_first(tmp_path):
    store = archive.connect(str(tmp_path / "a"))
    sha = store.put_raw(b"<html>2024</html>")
    store.add_capture(capture("2026-01-01T00:00:00.000000Z", 200, sha, size=17))
    store.add_capture(capture("2026-03-01T00:00:00.000000Z", 304))
    result = export(store, tmp_path / "out", since="2026-02-01")
    kinds = [(kind, h.get_header("WARC-Profile")) for kind, h, _, _ in records(tmp_path / "out")]
    assert ("response", None) in kinds
    assert ("revisit", SERVER_NOT_MODIFIED) in kinds
    assert kinds.index(("response", None)) < kinds.index(("revisit", SERVER_NOT_MODIFIED))
    assert result.captures == 2
    warcio_check(tmp_path / "out")


def test_a_failure_without_an_answer_is_a_metadata_record_with_its_reason(tmp_path):
    store = archive.connect(str(tmp_path / "a"))
    store.add_capture(capture("2026-01-01T00:00:00.000000Z", None, error="timeout after 30s", header_lines=()))
    export(store, tmp_path / "out")
    [(info_kind, _, _, _), (kind, headers, _, block)] = records(tmp_path / "out")
    assert info_kind == "warcinfo"
    assert kind == "metadata" and headers.get_header("WARC-Concurrent-To") is None
    assert b"nianbao-error: timeout after 30s" in block
    assert headers.get_header("WARC-Target-URI") == URL


def test_transfer_headers_of_a_decoded_body_are_kept_under_another_name(tmp_path):
    store = archive.connect(str(tmp_path / "a"))
    body = b"<html>decoded by the crawler</html>"
    lines = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", "20"))
    store.add_capture(
        capture("2026-01-01T00:00:00.000000Z", 200, store.put_raw(body), size=len(body), header_lines=lines)
    )
    export(store, tmp_path / "out")
    [(http, block)] = [(http, b) for kind, _, http, b in records(tmp_path / "out") if kind == "response"]
    assert http.get_header("Content-Encoding") is None
    assert http.get_header(ORIGINAL + "Content-Encoding") == "gzip"
    assert http.get_header(ORIGINAL + "Content-Length") == "20"
    assert http.get_header("Content-Length") == str(len(body))
    assert block == body
    warcio_check(tmp_path / "out")


def test_a_capture_from_before_the_warc_fields_still_exports(tmp_path):
    store = archive.connect(str(tmp_path / "a"))
    sha = store.put_raw(b"old")
    store.add_capture(
        capture(
            "2024-01-01T00:00:00Z", 200, sha, size=3, protocol=None, header_lines=(), response_headers={"ETag": "x"}
        )
    )
    export(store, tmp_path / "out")
    [(http, block)] = [(http, b) for kind, _, http, b in records(tmp_path / "out") if kind == "response"]
    assert (http.protocol, http.get_statuscode(), http.get_header("ETag"), block) == ("HTTP/1.1", "200", "x", b"old")


def test_files_roll_at_the_size_limit_and_an_interrupted_file_is_written_again(tmp_path):
    store = archive.connect(str(tmp_path / "a"))
    for n in range(6):
        body = hashlib.sha512(str(n).encode()).digest() * 40
        url = f"http://www.example.gov.cn/ndbg/{n}.html"
        store.add_capture(capture(f"2026-01-0{n + 1}T00:00:00Z", 200, store.put_raw(body), size=len(body), url=url))
    out = tmp_path / "out"
    out.mkdir()
    (out / "nianbao-interrupted.warc.gz.open").write_bytes(b"half a record")
    result = export(store, out, max_bytes=3000)
    assert len(result.files) >= 3
    assert not list(out.glob("*.open"))
    for path in result.files:
        assert next(r for _, r in records_of([path])).rec_type == "warcinfo"
    assert result.records["response"] == 6
    warcio_check(out)


def test_an_unreadable_export_state_is_a_clear_error(tmp_path):
    from nianbao.archive.warc import STATE_FILE, ExportError

    out = tmp_path / "out"
    out.mkdir()
    (out / STATE_FILE).write_text("{not json")
    with pytest.raises(ExportError, match=STATE_FILE):
        export(archive.connect(str(tmp_path / "a")), out)


def test_an_error_answer_whose_body_was_not_kept_is_a_truncated_response_and_reads_back_as_such(tmp_path):
    from nianbao.archive.warc_intake import answers

    store = archive.connect(str(tmp_path / "a"))
    lines = (("Content-Type", "text/html"), ("Content-Length", "120"))
    store.add_capture(capture("2026-01-01T00:00:00.000000Z", 404, size=120, error="HTTP 404", header_lines=lines))
    export(store, tmp_path / "out")
    [(headers, http)] = [(h, http) for kind, h, http, _ in records(tmp_path / "out") if kind == "response"]
    assert headers.get_header("WARC-Truncated") == "unspecified"
    assert (http.get_statuscode(), http.get_header("Content-Length")) == ("404", "120")  # as received
    warcio_check(tmp_path / "out")
    [answer] = list(answers(warc_files(tmp_path / "out")[0]))
    assert (answer.status, answer.body, answer.field("error"), answer.field("agency")) == (
        404,
        None,
        "HTTP 404",
        "sh-bgt",
    )

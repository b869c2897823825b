"""The raw layer (the crawler's CaptureSink) on both backends."""

from __future__ import annotations

import hashlib
import json

import pytest

from nianbao import archive
from nianbao.archive.captures import Capture, CaptureSink
from nianbao.archive.errors import IntegrityError
from nianbao.archive.keys import raw_key


def _capture(sha: str | None, fetched_at: str, status: int | None = 200, etag: str = '"a"', **extra) -> Capture:
    return Capture(
        agency="sh-bgt",
        url="https://www.example.gov.cn/ndbg/2024.html",
        fetched_at=fetched_at,
        status=status,
        sha256=sha,
        request_headers={"User-Agent": "nianbao"},
        response_headers={"ETag": etag, "last-modified": "Tue, 30 Jan 2024 01:00:00 GMT"},
        redirects=("http://www.example.gov.cn/ndbg/2024.html",),
        **extra,
    )


def test_identical_bytes_are_stored_once(archive_url: str) -> None:
    sink: CaptureSink = archive.connect(archive_url)
    body = "二〇二四年政府信息公开工作年度报告".encode()
    first = sink.put_raw(body, "text/html; charset=utf-8")
    second = sink.put_raw(body, "text/html; charset=utf-8")
    assert first == second == hashlib.sha256(body).hexdigest()
    assert list(sink.store.list("raw/")) == [raw_key(first)]
    assert sink.get_raw(first) == body


def test_corrupted_raw_object_is_detected(tmp_path) -> None:
    sink = archive.connect(str(tmp_path))
    sha = sink.put_raw(b"original")
    (tmp_path / raw_key(sha)).write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match=sha):
        sink.get_raw(sha)


def test_capture_records_are_idempotent_and_keep_what_warc_needs(archive_url: str) -> None:
    sink = archive.connect(archive_url)
    sha = sink.put_raw(b"<html>report</html>")
    capture = _capture(sha, "2026-02-03T04:05:06.000001Z", final_url="https://www.example.gov.cn/ndbg/2024.html")
    sink.add_capture(capture)
    sink.add_capture(capture)  # a retried pipeline call
    stored = list(sink.captures("sh-bgt"))
    assert [c for _, c in stored] == [capture]
    document = json.loads(sink.store.get(stored[0][0]))
    assert document["request_headers"] == {"User-Agent": "nianbao"}
    assert document["redirects"] == ["http://www.example.gov.cn/ndbg/2024.html"]
    assert document["status"] == 200


def test_validators_follow_the_latest_successful_capture(archive_url: str) -> None:
    sink = archive.connect(archive_url)
    old = sink.put_raw(b"old")
    new = sink.put_raw(b"new")
    sink.add_capture(_capture(new, "2026-02-02T00:00:00Z", etag='"new"'))
    sink.add_capture(_capture(old, "2026-02-01T00:00:00Z", etag='"old"'))  # arrives late: older
    sink.add_capture(_capture(None, "2026-02-03T00:00:00Z", status=None, error="timeout after 30s"))
    sink.add_capture(_capture(None, "2026-02-04T00:00:00Z", status=304))
    found = sink.validators("sh-bgt")
    [(url, validators)] = found.items()
    assert url == "https://www.example.gov.cn/ndbg/2024.html"
    assert (validators.etag, validators.sha256) == ('"new"', new)
    assert validators.last_modified == "Tue, 30 Jan 2024 01:00:00 GMT"
    assert sink.validators("other-agency") == {}
    assert len(list(sink.captures("sh-bgt"))) == 4


def test_capture_keeps_the_answer_a_warc_record_needs(archive_url: str) -> None:
    sink = archive.connect(archive_url)
    capture = _capture(
        sink.put_raw(b"<html>report</html>"),
        "2026-02-03T04:05:06.000001Z",
        protocol="HTTP/1.1",
        ip_address="127.0.0.1",
        header_lines=(("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/html")),
        redirect_statuses=(301,),
    )
    sink.add_capture(capture)
    [(key, stored)] = list(sink.captures("sh-bgt"))
    assert stored == capture
    assert json.loads(sink.store.get(key))["header_lines"] == [
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["Content-Type", "text/html"],
    ]


def test_a_capture_written_before_the_warc_fields_reads_with_defaults(archive_url: str) -> None:
    document = _capture(None, "2025-01-01T00:00:00Z").to_dict()
    for name in ("protocol", "ip_address", "header_lines", "redirect_statuses"):
        del document[name]
    old = Capture.from_dict(document)
    assert (old.protocol, old.ip_address, old.header_lines, old.redirect_statuses) == (None, None, (), ())

"""WARC files written by other crawlers (Heritrix, wget --warc-file, Browsertrix styles, made here with
warcio) enter an archive as captures with their own dates, and their reports get versions in time order.

The answers are real pages of the simulated web, fetched before and after it changes (a corrected
report), and written into the files with capture dates years back.
"""

from __future__ import annotations

import gzip
import urllib.request
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from nianbao import archive
from nianbao.archive import reports as shelves
from nianbao.flows.warc_import import warc_import

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Fetched:
    url: str
    date: str  # WARC-Date
    body: bytes
    content_type: str


def fetch(url: str, date: str) -> Fetched:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return Fetched(url, date, answer.read(), answer.headers.get("Content-Type", "text/html"))


def _response(writer: WARCWriter, item: Fetched, *, chunked: bool = False, gzipped: bool = False, extra=None):
    body, headers = item.body, [("Content-Type", item.content_type)]
    if gzipped:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    if chunked:  # as wget keeps it: the bytes on the wire
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(len(body))))
    return writer.create_warc_record(
        item.url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": item.date, **(extra or {})},
    )


def _request(writer: WARCWriter, item: Fetched, concurrent: str | None = None):
    path = "/" + item.url.split("/", 3)[3]
    host = item.url.split("/")[2]
    headers = {"WARC-Date": item.date, **({"WARC-Concurrent-To": concurrent} if concurrent else {})}
    return writer.create_warc_record(
        item.url,
        "request",
        http_headers=StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", host)], is_http_request=True),
        warc_headers_dict=headers,
    )


def heritrix_style(path: Path, items: list[Fetched]) -> dict[str, str]:
    """WARC/1.0, gzip, sha1 digests; response, then its request and a metadata record of crawl fields."""
    digests = {}
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Heritrix/3.4 (made in a test)"}))
        for item in items:
            response = _response(writer, item)
            writer.write_record(response)
            response_id = response.rec_headers.get_header("WARC-Record-ID")
            digests[item.url] = response.rec_headers.get_header("WARC-Payload-Digest")
            writer.write_record(_request(writer, item, concurrent=response_id))
            fields = b"via: " + item.url.encode() + b"\r\nhopsFromSeed: L\r\n"
            writer.write_record(
                writer.create_warc_record(
                    item.url,
                    "metadata",
                    payload=BytesIO(fields),
                    length=len(fields),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict={"WARC-Date": item.date, "WARC-Concurrent-To": response_id},
                )
            )
    return digests


def wget_style(path: Path, items: list[Fetched]) -> None:
    """Uncompressed; the request first, the response naming it; bodies kept chunked as received."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21 (made in a test)"}))
        for item in items:
            request = _request(writer, item)
            writer.write_record(request)
            concurrent = {"WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
            writer.write_record(_response(writer, item, chunked=True, extra=concurrent))


def browsertrix_style(path: Path, items: list[Fetched], revisits: list[tuple[Fetched, Fetched, str]]) -> None:
    """WARC/1.1, gzip; gzip-encoded bodies; identical-payload revisits of records in other files."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Browsertrix-Crawler (test)"}))
        for item in items:
            writer.write_record(_response(writer, item, gzipped=True, extra={"WARC-Page-ID": "p1"}))
        for item, original, digest in revisits:
            writer.write_record(
                writer.create_revisit_record(
                    item.url,
                    digest,
                    original.url,
                    original.date,
                    http_headers=StatusAndHeaders("200 OK", [("Content-Type", item.content_type)], protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Date": item.date},
                )
            )


def test_foreign_warcs_join_the_agencies_history_in_time_order(prefect_api, tmp_path):
    from nianbao.simweb import Faults, SimWeb

    with SimWeb(seed=11, agencies=3, years=(2022, 2024), faults=Faults.none()) as web:
        registry = tmp_path / "registry.yaml"
        web.write_registry(registry)
        pages = {
            (r["agency"], r["year"]): next(u["url"] for u in r["urls"] if u["kind"] == "html" and not u["repost"])
            for r in web.manifest["reports"]
            if any(u["kind"] == "html" and not u["repost"] for u in r["urls"])
        }
        early = [fetch(url, "2023-03-01T08:00:00Z") for url in pages.values()]
        listing = fetch(web.start_urls(web.manifest["reports"][0]["agency"])[0], "2023-03-01T08:00:05Z")
        changes = web.advance_epoch()
        corrected = changes["corrected"][0]
        key = (corrected["agency"], corrected["year"])
        later = fetch(pages[key], "2024-06-01T09:30:00Z")
    stranger = Fetched(
        "http://203.0.113.9/nb/2022.html", "2023-03-02T00:00:00Z", b"<html>elsewhere</html>", "text/html"
    )
    digests = heritrix_style(tmp_path / "heritrix.warc.gz", [*early, listing, stranger])
    wget_style(tmp_path / "wget.warc", [later])
    same = next(item for item in early if item.url != pages[key])
    seen_again = Fetched(same.url, "2023-09-01T00:00:00Z", same.body, same.content_type)
    browsertrix_style(tmp_path / "browsertrix.warc.gz", [], [(seen_again, same, digests[same.url])])

    target = str(tmp_path / "archive")
    # the newest file first: the import still settles the visits oldest first
    files = [str(tmp_path / name) for name in ("wget.warc", "heritrix.warc.gz", "browsertrix.warc.gz")]
    summary = warc_import(files=files, registry=str(registry), archive_url=target)

    assert summary.counts()["failures"] == 0, [f for o in summary.outcomes for f in o.failures]
    assert [s for s in summary.skipped if "203.0.113.9" in s] and len(summary.skipped) == 1
    store = archive.connect(target)
    captures = {(c.url, c.fetched_at): c for _, c in store.captures()}
    assert (pages[key], "2023-03-01T08:00:00.000000Z") in captures
    assert captures[(listing.url, "2023-03-01T08:00:05.000000Z")].kind == "page"
    wget_capture = captures[(pages[key], "2024-06-01T09:30:00.000000Z")]
    assert store.get_raw(wget_capture.sha256) == later.body  # de-chunked as a browser sees it
    revisit = captures[(same.url, "2023-09-01T00:00:00.000000Z")]
    assert revisit.sha256 == captures[(same.url, "2023-03-01T08:00:00.000000Z")].sha256

    reports = set(shelves.report_ids(store.store))
    assert reports == set(pages)
    history = list(shelves.iter_versions(store.store, *key))
    assert [(v.number, v.first_seen[:10]) for v in history] == [(1, "2023-03-01"), (2, "2024-06-01")]
    cell = corrected["cells"][0]
    changed = {d["path"]: (d["old"], d["new"]) for d in history[1].diff}
    assert changed[f"{cell['table']}.{cell['row']}.{cell['column']}"] == (cell["old"], cell["new"])
    observed = list(shelves.iter_observations(store.store, *same_key(pages, same)))
    assert any(o.seen_at.startswith("2023-09-01") for o in observed)

    # A capture older than the report's history cannot go before its versions: kept, not versioned.
    first = next(item for item in early if item.url == pages[key])  # differs from the latest version
    older = Fetched(first.url, "2020-01-01T00:00:00Z", first.body, first.content_type)
    heritrix_style(tmp_path / "older.warc.gz", [older])
    late = warc_import(files=[str(tmp_path / "older.warc.gz")], registry=str(registry), archive_url=target)
    assert [m for m in late.kept_back if m.startswith(f"{key[0]} ") and str(key[1]) in m]
    assert late.counts()["versions_created"] == 0
    assert [(v.number, v.first_seen[:10]) for v in shelves.iter_versions(store.store, *key)] == [
        (1, "2023-03-01"),
        (2, "2024-06-01"),
    ]
    assert any(c.fetched_at.startswith("2020-01-01") for _, c in store.captures(key[0]))


def same_key(pages: dict[tuple[str, int], str], item: Fetched) -> tuple[str, int]:
    return next(k for k, url in pages.items() if url == item.url)

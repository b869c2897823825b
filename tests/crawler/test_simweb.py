"""The crawler against the simulated government web: every site family, every fault switched on.

Ground truth is simweb's manifest; what the crawler did is read back from the real archive it wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.archive import connect
from nianbao.archive.captures import Capture
from nianbao.crawler.run import crawl
from nianbao.simweb import Faults, SimWeb

pytestmark = pytest.mark.integration

SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 5,
    "DOWNLOAD_MAXSIZE": 20_000_000,
    "NIANBAO_RETRY_BACKOFF": 0.1,
}
EXPECTED_REASON = {
    "not_found": "HTTP 404",
    "server_error": "HTTP 500",
    "truncated": "truncated",
    "oversized": "too large",
    "redirect_loop": "redirect loop",
    "timeout": "timeout",
    "soft_404": "soft 404",
}


@pytest.fixture(scope="module")
def web() -> Iterator[SimWeb]:
    faults = Faults(slow_seconds=0.5, hang_seconds=8)
    with SimWeb(seed=11, agencies=14, years=(2020, 2024), faults=faults) as web:
        yield web


@pytest.fixture(scope="module")
def crawled(web: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three crawls into one archive: first, again with nothing changed, after an epoch change."""
    root = tmp_path_factory.mktemp("simweb-crawl")
    registry, archive = root / "registry.yaml", root / "archive"
    web.write_registry(registry)
    runs = {"manifest": web.manifest}
    runs["first"] = crawl(registry, str(archive), settings_overrides=SETTINGS)
    runs["first_captures"] = captures(archive)
    runs["raw_first"] = raw_objects(archive)
    runs["second"] = crawl(registry, str(archive), settings_overrides=SETTINGS)
    runs["second_captures"] = captures(archive)[len(runs["first_captures"]) :]
    runs["raw_second"] = raw_objects(archive)
    runs["changes"] = web.advance_epoch()
    runs["manifest_after"] = web.manifest
    runs["third"] = crawl(registry, str(archive), settings_overrides=SETTINGS)
    runs["third_captures"] = [c for c in captures(archive) if c.run_id == runs["third"].run_id]
    return runs


def captures(archive: Path) -> list[Capture]:
    return sorted((capture for _, capture in connect(str(archive)).captures()), key=lambda c: c.fetched_at)


def raw_objects(archive: Path) -> list[str]:
    return sorted(path.name for path in (archive / "raw").rglob("*") if path.is_file())


def test_at_least_99_percent_of_the_reports_are_captured(crawled: dict) -> None:
    fetched = {c.url for c in crawled["first_captures"] if c.status == 200 and c.sha256}
    reports = crawled["manifest"]["reports"]
    complete = [r for r in reports if all(u["url"] in fetched for u in r["urls"])]
    assert len(reports) > 40
    assert len(complete) / len(reports) >= 0.99, [r["urls"] for r in reports if r not in complete][:5]
    assert crawled["first"].failed_agencies == []


def test_each_report_capture_carries_the_year_its_link_named(crawled: dict) -> None:
    """The year the spider read travels on the capture (never guessed again downstream)."""
    year_of = {u["url"]: r["year"] for r in crawled["manifest"]["reports"] for u in r["urls"] if not u["repost"]}
    reports = [c for c in crawled["first_captures"] if c.kind in ("report", "attachment") and c.url in year_of]
    assert len(reports) > 40
    assert [c.url for c in reports if c.year is not None and c.year != year_of[c.url]] == []
    assert sum(c.year is not None for c in reports) / len(reports) >= 0.9


def test_no_forbidden_url_or_off_site_host_is_contacted(web: SimWeb, crawled: dict) -> None:
    manifest = crawled["manifest"]
    assert web.forbidden_hits == []
    hosts = {c.url.split("/")[2].split(":")[0] for c in crawled["first_captures"]}
    assert hosts.isdisjoint(manifest["forbidden_hosts"])
    assert all(web.hits(host) == 0 for host in manifest["forbidden_hosts"])
    assert any(entry["reason"] == "robots" for entry in manifest["forbidden_urls"])  # the fault is on
    for entry in manifest["forbidden_urls"]:
        visited = [c for c in crawled["first_captures"] if c.url.startswith(entry["url"]) and c.status is not None]
        assert visited == [], entry  # robots sections never fetched, the calendar trap never entered


def test_each_failure_is_a_capture_with_its_reason(crawled: dict) -> None:
    by_url = {}
    for capture in crawled["first_captures"]:
        by_url.setdefault(capture.url, []).append(capture)
    checked = 0
    for fault in crawled["manifest"]["faults"]:
        seen = by_url.get(fault["url"])
        if not seen or fault["kind"] not in EXPECTED_REASON:
            continue  # a fault behind a link no report title leads to: discovery never requests it
        checked += 1
        assert any(EXPECTED_REASON[fault["kind"]] in (c.error or "") for c in seen), (fault, seen)
    assert checked >= 4
    for capture in crawled["first_captures"]:
        if capture.status is None or capture.status >= 400:
            assert capture.error, capture
    transient = [f["url"] for f in crawled["manifest"]["faults"] if f["kind"] == "transient_error"]
    assert all(any(c.status == 200 for c in by_url[url]) for url in transient)  # retried, then fetched


def test_second_crawl_with_nothing_changed_downloads_nothing(crawled: dict) -> None:
    second = crawled["second"]
    assert second.total("downloaded") == 0 and second.total("bytes_downloaded") == 0
    assert second.total("unchanged") > 50
    assert crawled["raw_second"] == crawled["raw_first"]
    assert all(c.status in (304, None) or c.error for c in crawled["second_captures"])


def test_after_an_epoch_change_exactly_the_new_and_changed_reports_are_downloaded(crawled: dict) -> None:
    changes, manifest = crawled["changes"], crawled["manifest_after"]
    report_of = {u["url"]: (r["agency"], r["year"]) for r in manifest["reports"] for u in r["urls"]}
    added = {url for entry in changes["added"] for url in _urls(entry)}
    expected = {(entry["agency"], entry["year"]) for entry in changes["added"] + changes["corrected"]}
    expected |= {report_of[move["new"]] for entry in changes["redesigned"] for move in entry["moved"]}
    expected |= {report_of[url] for url in changes["furniture_only"]}  # new bytes, same report: fetched
    assert changes["added"] and changes["corrected"]
    third = crawled["third_captures"]
    downloaded = {c.url for c in third if c.kind in ("report", "attachment") and c.status == 200 and not c.error}
    assert {report_of[url] for url in downloaded if url in report_of} == expected
    assert added <= downloaded
    assert downloaded <= set(report_of)  # nothing that is not a report rendering
    previous = {c.url: c.sha256 for c in crawled["first_captures"] if c.sha256}
    assert all(previous.get(c.url) != c.sha256 for c in third if c.url in downloaded)  # only new bytes
    withdrawn = {url for entry in changes["withdrawn"] for url in _urls(entry)}
    failed = {c.url for c in third if c.error == "HTTP 404"}
    assert withdrawn <= failed


def _urls(entry: dict) -> list[str]:
    return [u if isinstance(u, str) else u["url"] for u in entry["urls"]]


def test_json_api_listings_are_found_without_the_registry_hint(tmp_path: Path) -> None:
    # Sites whose listing shows 6 reports and serves the rest only from a JSON API named in a script.
    with SimWeb(seed=4, agencies=8, years=(2012, 2024), faults=Faults.none()) as web:
        entries = [entry for entry in web.registry["agencies"] if "hints" in entry]
        assert entries, "the simulated web has JSON-API sites"
        bare = [{key: value for key, value in entry.items() if key not in ("hints", "parent")} for entry in entries]
        summary = crawl(bare, str(tmp_path / "archive"), settings_overrides=SETTINGS)
        manifest = web.manifest
    seen = captures(tmp_path / "archive")
    fetched = {c.url for c in seen if c.status == 200 and c.sha256}
    ids = {entry["id"] for entry in entries}
    reports = [r for r in manifest["reports"] if r["agency"] in ids]
    own = [[u["url"] for u in r["urls"] if not u["repost"]] for r in reports]  # reposts: the parent's site
    assert len(reports) > 6 * len(ids) and [urls for urls in own if not set(urls) <= fetched] == []
    assert summary.failed_agencies == []
    assert any("/api/" in c.url and "page=2" in c.url for c in seen)  # later pages came from the API

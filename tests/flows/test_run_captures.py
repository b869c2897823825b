"""Settlement finds a run's captures under the run: the agency's capture history is not listed."""

from __future__ import annotations

import dataclasses

from nianbao.archive import Archive, keys
from nianbao.flows.settlement import Found
from tests.archive.reports_fixtures import capture
from tests.flows.test_head_reads import CountingStore

URL = "https://sthjj.example.gov.cn/zfxxgk/ndbg/{year}.html"


def _crawl(archive: Archive, run_id: str, fetched_at: str) -> list[str]:
    urls = []
    for year in (2022, 2023, 2024):
        body = f"<html>{year} as of {fetched_at}</html>".encode()
        archive.put_raw(body)
        archive.add_capture(
            dataclasses.replace(capture("sthjj", URL.format(year=year), fetched_at, body), run_id=run_id)
        )
        urls.append(URL.format(year=year))
    return urls


def test_a_run_s_captures_are_found_without_listing_the_agency_s_history(tmp_path) -> None:
    store = CountingStore(tmp_path)
    archive = Archive(store)
    _crawl(archive, "run-2024", "2024-12-31T23:59:00Z")
    _crawl(archive, "run-2025a", "2025-02-01T00:00:00Z")
    urls = _crawl(archive, "run-2025b", "2025-03-01T00:00:00Z")
    store.listed.clear()

    found = Found.since(archive, "sthjj", "2025-03-01T00:00:00Z", ("run-2025b",))

    assert sorted(c.url for c in found.captures) == sorted(urls)
    assert {c.fetched_at for c in found.captures} == {"2025-03-01T00:00:00Z"}
    listed = [p for p in store.listed if p.startswith("captures/")]  # (validators are one per URL, not per visit)
    assert listed and all(p.startswith("captures/sthjj/20") and p.endswith("/run-2025b/") for p in listed), listed
    everything = Found.since(archive, "sthjj", "2025-03-01T00:00:00Z")
    assert everything.captures == found.captures, "the same captures as a listing of the whole history finds"


def test_a_capture_of_a_run_is_kept_under_its_run_and_one_without_keeps_the_old_place() -> None:
    with_run = keys.capture_key("sthjj", URL.format(year=2024), "2025-03-01T00:00:00Z", "run-1")
    without = keys.capture_key("sthjj", URL.format(year=2024), "2025-03-01T00:00:00Z")
    assert with_run.startswith(keys.run_captures_prefix("sthjj", 2025, "run-1"))
    assert with_run.rsplit("/", 1)[1] == without.rsplit("/", 1)[1]
    assert without.count("/") == 3

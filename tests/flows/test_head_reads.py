"""A settle reads each report's head once: the holding it decides from is the one it commits against."""

from __future__ import annotations

from collections import Counter

from nianbao.archive import Archive
from nianbao.archive.local import LocalStore
from nianbao.flows.settlement import Crawled, settle
from nianbao.flows.versioning import ingest
from tests.archive.reports_fixtures import capture, record

AGENCIES = ("sthjj", "gaj")
YEARS = (2023, 2024)


class CountingStore(LocalStore):
    """The real local store, counting reads per key (get_with_token reads through get) and listings."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reads: Counter[str] = Counter()
        self.listed: list[str] = []

    def list(self, prefix: str):
        self.listed.append(prefix)
        return super().list(prefix)

    def get(self, key: str) -> bytes:
        self.reads[key] += 1
        return super().get(key)


def _visit(archive: Archive, fetched_at: str, bodies: dict[str, object]) -> None:
    for agency in AGENCIES:
        for year in YEARS:
            body = f"<html>{agency} {year} {fetched_at}</html>".encode()
            archive.put_raw(body)
            page = capture(agency, f"https://{agency}.example.gov.cn/ndbg/{year}.html", fetched_at, body)
            archive.add_capture(page)
            bodies[page.sha256] = record(agency_name=f"某某市{agency}", year=year)


def _settle(archive: Archive, since: str, bodies: dict[str, object]):
    names = {agency: f"某某市{agency}" for agency in AGENCIES}
    crawled = {agency: Crawled(None, 2) for agency in AGENCIES}
    return settle(archive, list(AGENCIES), names, list(YEARS), since, crawled, lambda c, sha256: bodies[sha256])


def test_each_report_head_is_read_once_per_settle(tmp_path) -> None:
    store = CountingStore(tmp_path)
    archive = Archive(store)
    bodies: dict[str, object] = {}
    for since, expected in (("2025-01-21T00:00:00Z", "new"), ("2025-02-21T00:00:00Z", "unchanged")):
        _visit(archive, since, bodies)
        store.reads.clear()
        outcomes = _settle(archive, since, bodies)
        assert [getattr(o, expected) for o in outcomes] == [len(YEARS)] * len(AGENCIES)
        heads = {key: n for key, n in store.reads.items() if key.endswith("/head.json")}
        assert heads == {f"reports/{a}/{y}/head.json": 1 for a in AGENCIES for y in YEARS}


def test_a_decision_made_from_a_stale_holding_is_made_again_from_what_is_held(tmp_path) -> None:
    archive = Archive(LocalStore(tmp_path))
    url = "https://sthjj.example.gov.cn/ndbg/2024.html"
    stale = archive.holding("sthjj", 2024)  # read before another writer created version 1
    first = ingest(
        archive,
        "sthjj",
        2024,
        record(),
        [(capture("sthjj", url, "2025-01-21T00:00:00Z"), "page")],
        "2025-01-21T00:00:00Z",
    )
    again = ingest(
        archive,
        "sthjj",
        2024,
        record(),
        [(capture("sthjj", url, "2025-01-22T00:00:00Z"), "page")],
        "2025-01-22T00:00:00Z",
        held=stale,
    )
    assert (first.kind, first.version, again.kind, again.version) == ("new", 1, "unchanged", 1)
    assert archive.report_ids() == [("sthjj", 2024)]
    now = archive.holding("sthjj", 2024)
    assert (now.latest.number, now.last_seen) == (1, "2025-01-22T00:00:00Z")

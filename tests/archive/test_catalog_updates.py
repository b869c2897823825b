"""The incremental catalog: a run's agencies rewritten alone, published behind a compare-and-swap manifest.

Fast and unit-level (no Prefect): runs are played by settling reports with flows.versioning, as a
harvest's settle does, then publishing the catalog the way a harvest's finish does.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nianbao import archive
from nianbao.archive import catalog, keys, manifest
from nianbao.archive.agencies import keep_registry
from nianbao.archive.errors import ArchiveError
from nianbao.flows.versioning import ingest, mark_withdrawn
from tests.archive.reports_fixtures import capture, record

NAMES = [f"shard-{n:02d}" for n in range(40)]


def _in_buckets(*wanted: int) -> list[str]:
    """Agency ids grouped by catalog bucket: `wanted[i]` of them from the i-th of distinct buckets."""
    by_bucket: dict[str, list[str]] = {}
    for name in NAMES:
        by_bucket.setdefault(keys.catalog_bucket(name), []).append(name)
    groups = [names for names in by_bucket.values() if len(names) >= max(wanted)]
    return [name for group, count in zip(groups, wanted, strict=False) for name in group[:count]]


def _registry(agencies: list[str]) -> list[dict]:
    return [
        {"id": a, "name": f"第{n}局", "level": "department", "region_code": f"{32 + n % 3}0100", "start_urls": []}
        for n, a in enumerate(agencies)
    ]


def _settle(store: archive.Archive, agency: str, year: int, seen: str, **cells: float | None) -> None:
    """One visit of one report: its page captured, its record versioned (new, changed or unchanged)."""
    page = capture(agency, f"https://{agency}.example.gov.cn/{year}.html", seen, f"{agency}{year}{cells}".encode())
    store.add_capture(page)
    held = dataclasses.replace(record(agency_name=agency, year=year, **cells), publish_date=f"{year + 1}-02-01")
    ingest(store, agency, year, held, [(page, "page")], seen)


def _tables(url: str) -> dict[str, list[tuple]]:
    """Every table of the published catalog, rows sorted (files and row order are not content)."""
    reader = archive.open(url)
    live = reader.live()
    rows = {table: reader.dataset(table, live).to_table().to_pylist() for table in catalog.TABLES}
    return {table: sorted(tuple(repr(v) for v in row.values()) for row in rows[table]) for table in catalog.TABLES}


def test_an_incremental_update_after_a_second_run_equals_a_full_rebuild(tmp_path) -> None:
    url = str(tmp_path / "archive")
    store = archive.connect(url)
    agencies = _in_buckets(2, 1, 1)  # two agencies share a bucket, two more in buckets of their own
    keep_registry(store.store, _registry(agencies))
    for agency in agencies:
        for year in (2022, 2023):
            _settle(store, agency, year, f"{year + 1}-03-01T00:00:00Z")
    store.rebuild_catalog()
    before = archive.open(url).manifest()["partitions"]

    run = agencies[0]  # the second run: one agency, its report changed, a new year, one gone, a listing
    _settle(store, run, 2023, "2025-03-01T00:00:00Z", new_received__total=7)
    _settle(store, run, 2024, "2025-03-01T00:00:00Z")  # a new report year: every agency's ledger grows
    gone = capture(run, f"https://{run}.example.gov.cn/2022.html", "2025-03-01T00:00:00Z", None, status=404)
    store.add_capture(gone)
    mark_withdrawn(store, run, 2022, gone, gone.fetched_at)
    store.add_capture(capture(run, f"https://{run}.example.gov.cn/", "2025-03-01T00:00:00Z", b"listing"))
    rows = store.update_catalog([run])

    incremental = _tables(url)
    after = archive.open(url).manifest()["partitions"]
    touched = keys.catalog_bucket(run)
    assert after[touched] != before[touched]
    assert {b: p for b, p in after.items() if b not in (touched, "all")} == {
        b: p for b, p in before.items() if b not in (touched, "all")
    }, "the buckets of agencies the run did not touch keep their files"
    assert rows == store.rebuild_catalog()
    full = _tables(url)
    for table in catalog.TABLES:
        assert incremental[table] == full[table], table
    assert len(full["reports"]) == 2 * len(agencies) + 1 and len(full["ledger"]) == 3 * len(agencies)


def _two_shards(url: str, same_bucket: bool) -> tuple[archive.Archive, list[str], list[str], list[str]]:
    """An archive with a published catalog (agency z), and two shards that have each settled their own:
    both in z's bucket and another, or shard B in z's bucket and shard A in another."""
    z, x1, x2, y1, y2 = _in_buckets(3, 2)
    shard_a, shard_b = ([x1, y1], [x2, y2]) if same_bucket else ([y1, y2], [x1, x2])
    store = archive.connect(url)
    keep_registry(store.store, _registry([z, *shard_a, *shard_b]))
    _settle(store, z, 2023, "2024-03-01T00:00:00Z")
    store.rebuild_catalog()
    for agency in [*shard_a, *shard_b]:
        _settle(store, agency, 2024, "2025-03-01T00:00:00Z")
    return store, [z], shard_a, shard_b


def _out_of_order(url: str, same_bucket: bool) -> None:
    store, earlier, shard_a, shard_b = _two_shards(url, same_bucket)
    first = manifest.read(store.store)  # shard A reads the manifest …
    store.update_catalog(shard_b)  # … shard B publishes …
    catalog.update(store.store, shard_a, first=first)  # … and A publishes on what it read

    reports = archive.open(url).reports().to_pylist()
    assert sorted((r["agency"], r["year"]) for r in reports) == sorted(
        [(a, 2023) for a in earlier] + [(a, 2024) for a in shard_a + shard_b]
    )
    published = _tables(url)
    store.rebuild_catalog()
    assert published == _tables(url)
    live = archive.open(url).live()
    assert set(store.store.list("catalog/")) - {keys.catalog_manifest_key()} == live.live() | set(live.retired), (
        "the files of the draft that lost the race are deleted"
    )


def test_two_shards_publishing_out_of_order_leave_a_complete_catalog(tmp_path) -> None:
    _out_of_order(str(tmp_path / "archive"), same_bucket=False)


def test_two_shards_of_one_bucket_publishing_out_of_order_leave_a_complete_catalog(archive_url: str) -> None:
    """The lost race on a bucket both shards rewrote: local and S3 (a moto server over HTTP)."""
    _out_of_order(archive_url, same_bucket=True)


def test_a_reader_during_publication_sees_one_whole_catalog(tmp_path) -> None:
    url = str(tmp_path / "archive")
    store, _, shard_a, shard_b = _two_shards(url, same_bucket=True)
    store.update_catalog(shard_a)
    reader = archive.open(url)
    opened = reader.live()
    datasets = {table: reader.dataset(table, opened) for table in catalog.TABLES}  # a reader has begun

    publishing = threading.Thread(target=store.update_catalog, args=(shard_b,))
    publishing.start()
    reads = 0
    while publishing.is_alive() or reads == 0:
        live = reader.live()
        for table in catalog.TABLES:
            assert reader.dataset(table, live).count_rows() == live.rows()[table], table
        reads += 1
    publishing.join()
    store.update_catalog(shard_a)  # and another publish soon after
    assert archive.open(url).live().build != opened.build
    for table, dataset in datasets.items():  # what the reader opened before is still there, whole
        assert dataset.count_rows() == opened.rows()[table], table
    assert isinstance(datasets["reports"].to_table(), pa.Table)


def test_files_dropped_by_a_publish_are_deleted_once_their_grace_is_over(tmp_path, monkeypatch) -> None:
    url = str(tmp_path / "archive")
    store, _, shard_a, _ = _two_shards(url, same_bucket=True)
    store.update_catalog(shard_a)
    dropped = set(archive.open(url).live().retired)
    assert dropped and dropped <= set(store.store.list("catalog/")), "kept for readers that opened them"
    monkeypatch.setattr(manifest, "GRACE", timedelta(0))
    store.update_catalog(shard_a)
    assert dropped.isdisjoint(store.store.list("catalog/"))
    assert archive.open(url).reports().num_rows == 1 + len(shard_a)


def test_a_catalog_of_the_first_layout_is_rebuilt_and_its_files_retired(tmp_path, monkeypatch) -> None:
    url = str(tmp_path / "archive")
    store = archive.connect(url)
    [agency] = _in_buckets(1)
    _settle(store, agency, 2024, "2025-03-01T00:00:00Z")
    old = "catalog/reports/year=2024/part-0.parquet"  # what the first layout wrote, rewritten in place
    sink = pa.BufferOutputStream()
    pq.write_table(catalog.SCHEMAS["reports"].empty_table(), sink)
    store.store.put_if_absent(old, sink.getvalue().to_pybytes())
    store.store.put_if_absent(keys.catalog_manifest_key(), b'{"format": 1, "built_at": "2026-01-01", "rows": {}}')
    with pytest.raises(ArchiveError, match="older layout"):
        archive.open(url).reports()

    store.update_catalog([agency])
    assert archive.open(url).reports().column("agency").to_pylist() == [agency]
    assert old in archive.open(url).live().retired
    monkeypatch.setattr(manifest, "GRACE", timedelta(0))
    store.update_catalog([agency])
    assert not store.store.exists(old)


def test_an_update_after_a_visit_that_changed_nothing_keeps_the_record_rows_and_equals_a_rebuild(tmp_path) -> None:
    url = str(tmp_path / "archive")
    store = archive.connect(url)
    agencies = _in_buckets(3)  # one bucket: agencies seen again unchanged beside one whose report changed
    keep_registry(store.store, _registry(agencies))
    for agency in agencies:
        _settle(store, agency, 2023, "2024-03-01T00:00:00Z", new_received__total=5)
    store.rebuild_catalog()
    cells_before = archive.open(url).cells().num_rows

    for agency in agencies[:2]:  # seen again, nothing changed: an observation, new captures
        _settle(store, agency, 2023, "2025-03-01T00:00:00Z", new_received__total=5)
    _settle(store, agencies[2], 2023, "2025-03-01T00:00:00Z", new_received__total=9)  # a new version
    store.update_catalog(agencies)

    incremental = _tables(url)
    reader = archive.open(url)
    assert [row["last_seen"].year for row in reader.reports().to_pylist()] == [2025] * 3, "a visit moves last_seen"
    assert reader.cells().num_rows > cells_before, "the new version's cells are added beside the kept ones"
    store.rebuild_catalog()
    full = _tables(url)
    for table in catalog.TABLES:
        assert incremental[table] == full[table], table

"""Incremental catalog benchmark: publishing after a run that touched 1% of the agencies, against a full
rebuild of the same archive (the baseline), in the same run.

A local archive is generated (agencies × report years 2019–2024, one version and one capture each,
written as the archive's own JSON objects), its catalog built, then a run changes one report of 1% of
the agencies (a new version and its capture). Timed: `catalog.update` for those agencies, and a full
`catalog.rebuild` of the same archive; the two catalogs must be equal.

    python -m benchmarks.catalog [--agencies 500] [--touched 0.01]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.archive import YEARS, synthetic_versions
from nianbao import archive
from nianbao.archive import catalog, keys
from nianbao.archive.captures import Capture
from nianbao.archive.reports import CaptureLink, Role, Version
from nianbao.archive.stores import Store


def _put(store: Store, key: str, document: dict) -> None:
    store.put_if_absent(key, json.dumps(document, ensure_ascii=False, sort_keys=True).encode(), "application/json")


def _keep(store: Store, version: Version, seen: str) -> None:
    """The version and the capture it links, as a settle would have written them."""
    url = f"https://{version.agency}.gov.cn/{version.year}.html"
    capture = Capture(agency=version.agency, url=url, fetched_at=seen, status=200, sha256=version.content_hash,
                      size=1000, kind="report")  # fmt: skip
    key = keys.capture_key(capture.agency, capture.url, capture.fetched_at)
    _put(store, key, capture.to_dict())
    link = CaptureLink(key, capture.agency, url, seen, capture.sha256, 200, Role.PAGE)
    _put(store, keys.version_key(version.agency, version.year, version.number),
         dataclasses.replace(version, captures=(link,), first_seen=seen).to_dict())  # fmt: skip


def _tables(url: str) -> dict[str, list]:
    reader = archive.open(url)
    live = reader.live()
    rows = {t: reader.dataset(t, live).to_table().to_pylist() for t in catalog.TABLES}
    return {t: sorted(repr(sorted(r.items())) for r in rows[t]) for t in catalog.TABLES}


def _timed(label: str, work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    rows = work()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s ({rows['reports']:,} reports, {rows['cells']:,} cells)")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--touched", type=float, default=0.01, help="share of the agencies the run touches")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="nianbao-catalog-bench-"))
    try:
        url = root.as_posix()
        store = archive.connect(url).store
        reports = args.agencies * len(YEARS)
        latest: dict[str, Version] = {}
        for version in synthetic_versions(reports):
            _keep(store, version, f"{version.year + 1}-01-20T08:00:00Z")
            latest[version.agency] = version
        print(f"archive: {args.agencies:,} agencies, {reports:,} reports ({root})")
        _timed("first full build", lambda: catalog.rebuild(store))

        run = sorted(latest)[:: max(1, round(1 / args.touched))][: max(1, round(args.agencies * args.touched))]
        for agency in run:  # the run: the latest report of each touched agency corrected (version 2)
            old = latest[agency]
            record = dataclasses.replace(old.record, publish_date=f"{old.year + 1}-03-01")
            changed = dataclasses.replace(old, number=2, record=record, content_hash="f" * 64)
            _keep(store, changed, f"{old.year + 2}-02-01T08:00:00Z")
        buckets = {keys.catalog_bucket(a) for a in run}
        print(f"run: {len(run)} agencies ({args.touched:.0%}), {len(buckets)} of {keys.CATALOG_BUCKETS} buckets")

        incremental = _timed("incremental update (the run's agencies)", lambda: catalog.update(store, run))
        updated = _tables(url)
        full = _timed("baseline: full rebuild of the same archive", lambda: catalog.rebuild(store))
        if updated != _tables(url):
            raise SystemExit("the incremental catalog differs from the full rebuild")
        print(f"incremental update: {incremental / full:.0%} of the full rebuild's time; the catalogs are equal")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

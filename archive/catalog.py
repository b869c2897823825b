"""The Parquet catalog: derived tables analysts query, built from the immutable layer.

Five tables (reports, versions, captures, cells, checks), and the analysts' tables derived with them
(agencies, ledger, scorecard, wide: archive/analysis.py). Rows are written per agency: an agency's
reports (every year, so that R5/R6 see the year before) and its captures linked to no report of it.
Files are hive-partitioned by report year and grouped by the agency's bucket
(`catalog/<table>/year=<Y>/b<bucket>-<build>.parquet`, captures linked to no report under
`year=__HIVE_DEFAULT_PARTITION__`), immutable and uniquely named; the manifest (archive/manifest.py)
lists the live ones. An incremental update rewrites only the buckets of the agencies a run touched:
their old files minus those agencies' rows, plus those agencies' rows read again from the archive. A
full rebuild is the same with every agency touched. Columns are described in docs/archive.md.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from nianbao.archive import analysis, keys, manifest, revisits
from nianbao.archive.agencies import current_registry
from nianbao.archive.captures import Capture
from nianbao.archive.errors import NotFound, StoreUnavailable
from nianbao.archive.fanout import fan_out
from nianbao.archive.reports import CaptureLink, Observation, Role, Version
from nianbao.archive.stores import Store
from nianbao.parsers.record import ReportRecord
from nianbao.parsers.templates import TABLE_KEYS

TIMESTAMP = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(
        [
            ("agency", pa.string()),
            ("agency_name", pa.string()),  # the registry's, like level and (when the version lacks it) region_code
            ("level", pa.string()),
            ("state", pa.string()),
            ("current_version", pa.int32()),
            ("content_version", pa.int32()),
            ("versions", pa.int32()),
            ("issuing_body", pa.string()),
            ("region_code", pa.string()),
            ("title", pa.string()),
            ("template", pa.string()),
            ("rendering", pa.string()),
            ("publish_date", pa.string()),
            ("first_seen", TIMESTAMP),
            ("last_seen", TIMESTAMP),
            ("withdrawn_at", TIMESTAMP),
            ("page_url", pa.string()),
            ("captures", pa.int32()),
            ("checks_failed", pa.int32()),
            ("warnings", pa.int32()),
            ("content_hash", pa.string()),
            ("parser_version", pa.string()),
        ]
    ),
    "versions": pa.schema(
        [
            ("agency", pa.string()),
            ("version", pa.int32()),
            ("kind", pa.string()),
            ("is_current", pa.bool_()),
            ("first_seen", TIMESTAMP),
            ("last_seen", TIMESTAMP),
            ("content_hash", pa.string()),
            ("title", pa.string()),
            ("template", pa.string()),
            ("rendering", pa.string()),
            ("publish_date", pa.string()),
            ("parser_version", pa.string()),
            ("capture_sha256s", pa.list_(pa.string())),
            ("changes", pa.int32()),
            ("diff", pa.string()),
            ("evidence_url", pa.string()),
            ("evidence_status", pa.int32()),
        ]
    ),
    "captures": pa.schema(
        [
            ("capture_key", pa.string()),
            ("agency", pa.string()),
            ("url", pa.string()),
            ("final_url", pa.string()),
            ("fetched_at", TIMESTAMP),
            ("method", pa.string()),
            ("status", pa.int32()),
            ("sha256", pa.string()),
            ("size", pa.int64()),
            ("content_type", pa.string()),
            ("kind", pa.string()),
            ("referrer", pa.string()),
            ("link_text", pa.string()),
            ("error", pa.string()),
            ("run_id", pa.string()),
            ("redirects", pa.list_(pa.string())),
            ("request_headers", pa.string()),
            ("response_headers", pa.string()),
            ("report_agency", pa.string()),
            ("report_version", pa.int32()),
            ("role", pa.string()),
        ]
    ),
    "cells": pa.schema(
        [
            ("agency", pa.string()),
            ("version", pa.int32()),
            ("is_current", pa.bool_()),
            ("table", pa.string()),
            ("row", pa.string()),
            ("column", pa.string()),
            ("value", pa.float64()),
            # Provenance: how the value was read and where it sits in the rendering (parsers.record.Provenance).
            ("method", pa.string()),
            ("source_table", pa.int32()),
            ("source_row", pa.int32()),
            ("source_column", pa.int32()),
            ("page", pa.int32()),
            ("bbox", pa.list_(pa.float64())),
            ("confidence", pa.float64()),
        ]
    ),
    "checks": pa.schema(
        [
            ("agency", pa.string()),
            ("version", pa.int32()),
            ("is_current", pa.bool_()),
            ("rule", pa.string()),
            ("scope", pa.string()),
            ("passed", pa.bool_()),
            ("detail", pa.string()),
        ]
    ),
    **analysis.SCHEMAS,
}
TABLES = tuple(SCHEMAS)  # the analysts' tables; `_facts` is the hidden input of the derived ones
FILE_SCHEMAS: dict[str, pa.Schema] = SCHEMAS | {"_facts": analysis.FACTS}
PER_AGENCY = (*(t for t in TABLES if t not in analysis.DERIVED), "_facts")
_PROVENANCE_COLUMNS = ("method", "source_table", "source_row", "source_column", "page", "bbox", "confidence")
PARTITIONING = pa.schema([("year", pa.int32())])
DERIVED_BUCKET = "all"  # the file group of the derived tables, rewritten whole at every publish

Part = tuple[str, int | None, str]  # (table, report year, bucket) of one file


class CatalogWriter:
    """Buffers rows per (table, year, bucket) and streams them into one local Parquet file each."""

    def __init__(self, facts: analysis.ReportFacts | None = None, chunk_rows: int = 200_000) -> None:
        self.facts = facts or analysis.ReportFacts([])
        self._staging = tempfile.TemporaryDirectory(prefix="nianbao-catalog-")
        self._chunk_rows = chunk_rows
        self._buffers: dict[Part, dict[str, list]] = {}
        self._writers: dict[Part, tuple[pq.ParquetWriter, str]] = {}
        self.rows: dict[Part, int] = defaultdict(int)

    def add_report(self, versions: Sequence[Version], observations: Iterable[Observation] = ()) -> None:
        """All versions of one report (ascending), and its observations; an agency's years ascending."""
        last_seen: dict[int, str] = {v.number: v.first_seen for v in versions}
        for observation in observations:
            if observation.version in last_seen:
                last_seen[observation.version] = max(last_seen[observation.version], observation.seen_at)
        latest = versions[-1]
        content = next((v for v in reversed(versions) if v.kind == "content"), None)
        record = content.record if content else None
        year, bucket = latest.year, keys.catalog_bucket(latest.agency)
        data = record.to_dict() if record is not None else None  # the analyst tables read records as dicts
        cross = self.facts.cross_year(latest.agency, data)
        checks = [*((data or {}).get("checks") or ()), *cross]
        links = content.captures if content else latest.captures
        described = self.facts.describe(latest.agency)
        row = dict(
            agency=latest.agency,
            agency_name=described["agency_name"],
            level=described["level"],
            state="withdrawn" if latest.kind == "withdrawn" else "current",
            current_version=latest.number,
            content_version=content.number if content else None,
            versions=len(versions),
            issuing_body=_field(record, "agency"),
            region_code=(content.extra.get("region_code") if content else None) or described["region_code"],
            title=_field(record, "title"),
            template=_field(record, "template"),
            rendering=_field(record, "rendering"),
            publish_date=_field(record, "publish_date"),
            first_seen=_ts(versions[0].first_seen),
            last_seen=_ts(max(last_seen.values())),
            withdrawn_at=_ts(latest.first_seen) if latest.kind == "withdrawn" else None,
            page_url=next((link.url for link in links if link.role == Role.PAGE), links[0].url if links else None),
            captures=len(links),
            checks_failed=sum(c.get("passed") is False for c in checks),
            warnings=len(record.warnings) if record else 0,
            content_hash=content.content_hash if content else None,
            parser_version=_field(record, "parser_version"),
        )
        self.row("reports", year, bucket, **row)
        self.row("_facts", year, bucket, **self.facts.facts(latest.agency, data, checks))
        for version in versions:
            self._add_version(version, _ts(last_seen[version.number]), version is latest)
        for check in cross:  # R5/R6 belong to the content version the other columns describe
            self.row(
                "checks",
                year,
                bucket,
                agency=latest.agency,
                version=content.number,
                is_current=content is latest,
                **check,
            )

    def _add_version(self, version: Version, last_seen: datetime | None, is_current: bool) -> None:
        record = version.record
        evidence = version.evidence or {}
        year, agency, number = version.year, version.agency, version.number
        bucket = keys.catalog_bucket(agency)
        self.row(
            "versions",
            year,
            bucket,
            agency=agency,
            version=number,
            kind=version.kind,
            is_current=is_current,
            first_seen=_ts(version.first_seen),
            last_seen=last_seen,
            content_hash=version.content_hash,
            title=_field(record, "title"),
            template=_field(record, "template"),
            rendering=_field(record, "rendering"),
            publish_date=_field(record, "publish_date"),
            parser_version=_field(record, "parser_version"),
            capture_sha256s=[link.sha256 for link in version.captures if link.sha256],
            changes=len(version.diff),
            diff=json.dumps(list(version.diff), ensure_ascii=False) if version.diff else None,
            evidence_url=evidence.get("url"),
            evidence_status=evidence.get("status"),
        )
        part = ("cells", year, bucket)
        cells = self._buffer(part)
        provenance = (p.to_dict() for p in (record.provenance if record else ()))
        origins = {(p["table"], p["row"], p["column"]): p for p in provenance}
        for table in TABLE_KEYS:
            for row, columns in ((record.tables()[table] if record else None) or {}).items():
                for column, value in columns.items():
                    origin = origins.get((table, row, column), {})
                    for name in _PROVENANCE_COLUMNS:
                        cells[name].append(origin.get(name))
                    cells["agency"].append(agency)
                    cells["version"].append(number)
                    cells["is_current"].append(is_current)
                    cells["table"].append(table)
                    cells["row"].append(row)
                    cells["column"].append(column)
                    cells["value"].append(value)
        self._maybe_flush(part)
        for check in record.checks if record else ():
            self.row("checks", year, bucket, agency=agency, version=number, is_current=is_current, **check.to_dict())

    def add_capture(
        self, key: str, capture: Capture | None, links: Sequence[tuple[str, int, int, CaptureLink]]
    ) -> None:
        """One capture record with every (report agency, year, version, link) pointing at it.

        `capture` is None when a version links a capture whose record was never stored: the row
        then carries what the link knows. Linked rows go with their report's agency, an unlinked row
        with the agency that fetched it.
        """
        for report_agency, year, version, link in links or [(None, None, None, None)]:
            source = capture or Capture(
                agency=link.agency, url=link.url, fetched_at=link.fetched_at, status=link.status, sha256=link.sha256
            )
            self.row(
                "captures",
                year,
                keys.catalog_bucket(report_agency or source.agency),
                capture_key=key,
                agency=source.agency,
                url=source.url,
                final_url=source.final_url,
                fetched_at=_ts(source.fetched_at),
                method=source.method,
                status=source.status,
                sha256=source.sha256,
                size=source.size,
                content_type=source.content_type,
                kind=source.kind,
                referrer=source.referrer,
                link_text=source.link_text,
                error=source.error,
                run_id=source.run_id,
                redirects=list(source.redirects),
                request_headers=json.dumps(dict(source.request_headers), ensure_ascii=False),
                response_headers=json.dumps(dict(source.response_headers), ensure_ascii=False),
                report_agency=report_agency,
                report_version=version,
                role=link.role if link else None,
            )

    def add_table(self, part: Part, rows: pa.Table) -> None:
        """Rows already in catalog form (kept from an earlier file of the same partition)."""
        if rows.num_rows:
            self._write(part, rows.cast(FILE_SCHEMAS[part[0]]))

    def add_row(self, table: str, bucket: str, row: Mapping[str, Any]) -> None:
        """A row in catalog form, its report year in `row["year"]` (as a catalog file reads back)."""
        self.row(table, row["year"], bucket, **{name: value for name, value in row.items() if name != "year"})

    def row(self, table: str, year: int | None, bucket: str, **values: Any) -> None:
        part = (table, year, bucket)
        buffer = self._buffer(part)
        for name, column in buffer.items():
            column.append(values.get(name))
        self._maybe_flush(part)

    def close(self) -> dict[Part, str]:
        """Finish every file; the local path of each (removed by `cleanup`)."""
        for part in list(self._buffers):
            self._flush(part)
        files = {}
        for part, (writer, path) in self._writers.items():
            writer.close()
            files[part] = path
        self._writers.clear()
        return files

    def cleanup(self) -> None:
        self._staging.cleanup()

    def _buffer(self, part: Part) -> dict[str, list]:
        buffer = self._buffers.get(part)
        if buffer is None:
            buffer = self._buffers[part] = {name: [] for name in FILE_SCHEMAS[part[0]].names}
        return buffer

    def _maybe_flush(self, part: Part) -> None:
        if len(self._buffers[part]["agency"]) >= self._chunk_rows:
            self._flush(part)

    def _flush(self, part: Part) -> None:
        buffer = self._buffers.pop(part)
        self._write(part, pa.table(buffer, schema=FILE_SCHEMAS[part[0]]))

    def _write(self, part: Part, batch: pa.Table) -> None:
        self.rows[part] += batch.num_rows
        if part not in self._writers:
            table, year, bucket = part
            path = f"{self._staging.name}/{table}-{year}-{bucket}.parquet"
            self._writers[part] = (pq.ParquetWriter(path, FILE_SCHEMAS[table], compression="zstd"), path)
        self._writers[part][0].write_table(batch)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def rebuild(store: Store, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Rewrite the whole catalog from the immutable layer (every bucket touched); rows per table."""
    return update(store, None, progress)


def update(
    store: Store,
    agencies: Collection[str] | None,
    progress: Callable[[str], None] | None = None,
    first: manifest.Read | None = None,
) -> dict[str, int]:
    """Publish the catalog with the rows of `agencies` read again (None: every agency); rows per table.

    Only the buckets of those agencies are rewritten; the manifest is published with a conditional put,
    and on a lost race the buckets the other writer also changed are rebuilt on top of its files. A
    caller that read the manifest before its run (`manifest.read`) passes it as `first`. Falls back to
    a full rebuild when there is no catalog yet, it has the old layout, or the kept registry changed
    (registry columns are in every report row).
    """
    build = _Build(store, agencies, progress or (lambda _: None))
    return manifest.publish(store, build.draft, first).rows()


def publish_written(store: Store, writer: CatalogWriter, derived: bool = True) -> dict[str, int]:
    """Publish rows written outside a rebuild (generated reports: the benchmarks) as the whole catalog;
    `derived=False` leaves the analysts' tables empty (a benchmark's baseline)."""
    build = _Build(store, None, lambda _: None, written=writer, derived=derived)
    return manifest.publish(store, build.draft).rows()


class _Build:
    """Drafts manifests: the touched buckets built (again, when a race changed them), then the derived tables."""

    def __init__(
        self,
        store: Store,
        agencies: Collection[str] | None,
        say: Callable[[str], None],
        written: CatalogWriter | None = None,
        derived: bool = True,
    ) -> None:
        self.store = store
        self.written, self.derived = written, derived
        self.agencies = None if agencies is None else set(agencies)
        self.say = say
        self.registry_id = manifest.registry_id(store)
        self.registry = current_registry(store)
        self._built: dict[str, tuple[manifest.Partition | None, manifest.Partition | None]] = {}
        self._uploaded: dict[str, manifest.Partition] = {}

    def draft(self, current: manifest.Manifest | None) -> manifest.Manifest:
        build = manifest.new_build()
        full = self.agencies is None or current is None or current.legacy or current.registry != self.registry_id
        partitions = {} if full else {b: p for b, p in current.partitions.items() if b != DERIVED_BUCKET}
        if full:
            partitions = self._everything(build)
        else:
            touched = {keys.catalog_bucket(a) for a in self.agencies or ()}
            stale = sorted(b for b in touched if b not in self._built or self._built[b][0] != partitions.get(b))
            if stale:
                self._built |= self._buckets(build, current, stale)
            for bucket in touched:
                if (done := self._built[bucket][1]) is None:
                    partitions.pop(bucket, None)
                else:
                    partitions[bucket] = done
        if self.derived:
            partitions[DERIVED_BUCKET] = self._derived(build, partitions)
        return manifest.Manifest.of(build, self.registry_id, partitions, current)

    def _everything(self, build: str) -> dict[str, manifest.Partition]:
        """Every agency's rows, from one listing of the reports and captures."""
        if self.written is not None:  # uploaded once: a retry after a lost race publishes the same files
            self._uploaded = self._uploaded or self._upload(build, self.written)
            return self._uploaded
        listed: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for key in self.store.list(keys.report_prefix()):
            listed[key.split("/")[1]][0].append(key)
        for key in self.store.list(keys.captures_prefix()):
            listed[key.split("/")[1]][1].append(key)
        self.say(f"{len(listed)} agencies")
        writer = CatalogWriter(analysis.ReportFacts(self.registry))
        try:
            for done, (_, (report_keys, capture_keys)) in enumerate(sorted(listed.items()), 1):
                _add_agency(self.store, writer, report_keys, capture_keys)
                if done % 100 == 0:
                    self.say(f"{done}/{len(listed)} agencies")
            return self._upload(build, writer)
        finally:
            writer.cleanup()

    def _buckets(
        self, build: str, current: manifest.Manifest, buckets: Sequence[str]
    ) -> dict[str, tuple[manifest.Partition | None, manifest.Partition | None]]:
        """The buckets rebuilt: their files in `current` minus the touched agencies' rows, plus those
        agencies' rows read from the archive now (after the run's own settle). A touched agency whose
        versions are those its rows show (a visit that changed nothing) has its rows moved forward by
        its observations and new captures instead (archive/revisits.py): no version record is read."""
        agencies = sorted(a for a in self.agencies or () if keys.catalog_bucket(a) in buckets)
        self.say(f"catalog: {len(agencies)} agencies in {len(buckets)} buckets")
        held = {b: _held_rows(self.store, current.partitions.get(b)) for b in buckets}
        listed = {a: _listing(self.store, a) for a in agencies}
        old = _held_of(held.values(), agencies)
        again = [a for a in agencies if listed[a][2] and listed[a][2] == _versions(old[a]["versions"])]
        writer = CatalogWriter(analysis.ReportFacts(self.registry))
        try:
            # The observations of every agency seen again, then the fresh captures of those moved
            # forward, each read at once: per agency, a remote store's round trips would add up.
            observed = _load_many(self.store, [k for a in again for k in listed[a][0] if keys.observation_of(k)])
            moved = {a: _revisit(observed, listed[a], old[a]) for a in again}
            revisited = {a: r for a, r in moved.items() if r is not None}
            fresh = _load_many(self.store, [k for r in revisited.values() for k in r.fresh])
            for agency in agencies:
                report_keys, capture_keys, _ = listed[agency]
                if (revisit := revisited.get(agency)) is None:
                    _add_agency(self.store, writer, report_keys, capture_keys)
                    continue
                bucket = keys.catalog_bucket(agency)
                for table, rows in revisit.rows.items():
                    for row in rows:
                        writer.add_row(table, bucket, row)
                _add_captures(self.store, writer, revisit.fresh, revisit.linked, fresh)
            touched = pa.array(agencies, pa.string())
            rebuilt = pa.array([a for a in agencies if a not in revisited], pa.string())
            for bucket in buckets:
                for table, (rows, years) in held[bucket].items():
                    kept = rows.filter(_not_of(table, rows, touched if table in revisits.PATCHED else rebuilt))
                    for year in years:
                        same = pc.is_null(kept["year"]) if year is None else pc.equal(kept["year"], year)
                        writer.add_table((table, year, bucket), kept.filter(same).drop_columns(["year"]))
            uploaded = self._upload(build, writer)
        finally:
            writer.cleanup()
        return {b: (current.partitions.get(b), uploaded.get(b)) for b in buckets}

    def _derived(self, build: str, partitions: Mapping[str, manifest.Partition]) -> manifest.Partition:
        """agencies, ledger, scorecard and wide from every report (analysis.derive says why whole)."""

        def files(table: str) -> list[str]:
            return [key for partition in partitions.values() for key in partition.files.get(table, ())]

        reports = _read_all(self.store, "reports", files("reports"), analysis.REPORT_COLUMNS).to_pylist()
        facts = {(r["agency"], r["year"]): r for r in _read_all(self.store, "_facts", files("_facts")).to_pylist()}
        writer = CatalogWriter()
        try:
            for table, year, row in analysis.derive(self.registry, reports, facts, date.today()):
                writer.row(table, year, DERIVED_BUCKET, **row)
            return self._upload(build, writer).get(DERIVED_BUCKET) or manifest.Partition({}, {})
        finally:
            writer.cleanup()

    def _upload(self, build: str, writer: CatalogWriter) -> dict[str, manifest.Partition]:
        """Each finished file stored under its unique key (put-if-absent: never over another's file)."""
        files: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (table, year, bucket), path in sorted(writer.close().items(), key=lambda item: str(item[0])):
            key = keys.catalog_file_key(table, year, bucket, build)
            with open(path, "rb") as stream:
                self.store.put_if_absent(key, stream.read(), "application/vnd.apache.parquet")
            files[bucket][table].append(key)
            rows[bucket][table] += writer.rows[(table, year, bucket)]
        return {b: manifest.Partition(dict(files[b]), dict(rows[b])) for b in files}


def _held_rows(store: Store, held: manifest.Partition | None) -> dict[str, tuple[pa.Table, set[int | None]]]:
    """A bucket's rows as its files hold them, per table, with the report years they are filed under."""
    tables = held.files.items() if held else ()
    return {t: (_read_all(store, t, files), {manifest.year_of(key) for key in files}) for t, files in tables}


def _listing(store: Store, agency: str) -> tuple[list[str], list[str], frozenset[tuple[int, int]]]:
    """An agency's report and capture keys, and the (year, version) of every version it has."""
    report_keys = list(store.list(keys.report_prefix(agency)))
    capture_keys = list(store.list(keys.captures_prefix(agency)))
    return report_keys, capture_keys, frozenset(v for key in report_keys if (v := keys.version_of(key)))


def _held_of(
    held: Iterable[Mapping[str, tuple[pa.Table, set[int | None]]]], agencies: Collection[str]
) -> dict[str, dict[str, list[dict]]]:
    """The rows of `agencies` in the tables a revisit rewrites, per agency and table."""
    wanted = pa.array(sorted(agencies), pa.string())
    rows: dict[str, dict[str, list[dict]]] = {a: {t: [] for t in revisits.PATCHED} for a in agencies}
    for tables in held:
        for table in revisits.PATCHED:
            if table in tables:
                found = tables[table][0]
                mine = found.filter(pc.is_in(_owners(table, found), value_set=wanted))
                for owner, row in zip(_owners(table, mine).to_pylist(), mine.to_pylist(), strict=True):
                    rows[owner][table].append(row)
    return rows


def _versions(rows: Iterable[Mapping[str, Any]]) -> frozenset[tuple[int, int]]:
    return frozenset((row["year"], row["version"]) for row in rows)


def _revisit(
    observed: Mapping[str, Mapping[str, Any]],
    listing: tuple[list[str], list[str], frozenset[tuple[int, int]]],
    held: dict[str, list[dict]],
) -> revisits.Revisit | None:
    """`revisits.revisit` of an agency (its `_listing`) with its observations (read: `observed`)."""
    report_keys, capture_keys, _ = listing
    found = (observed[key] for key in report_keys if keys.observation_of(key))
    return revisits.revisit(held, (Observation.from_dict(data) for data in found), capture_keys)


def _add_agency(store: Store, writer: CatalogWriter, report_keys: list[str], capture_keys: list[str]) -> None:
    """One agency's reports (years ascending) and the captures it fetched."""
    found: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for key in report_keys:
        parts = key.split("/")
        if len(parts) >= 5 and parts[3] in ("versions", "observations"):
            found[int(parts[2])][parts[3] == "observations"].append(key)
    linked: dict[str, list[tuple[str, int, int, CaptureLink]]] = defaultdict(list)
    for year, (version_keys, observation_keys) in sorted(found.items()):
        versions = [Version.from_dict(d) for d in fan_out(partial(_load, store), version_keys)]
        observations = [Observation.from_dict(d) for d in fan_out(partial(_load, store), observation_keys)]
        if not versions:
            continue
        writer.add_report(versions, observations)
        for number, link in _links_of(versions, observations):
            revisits.keep_link(linked[link.capture_key], versions[0].agency, year, number, link)
    _add_captures(store, writer, capture_keys, linked)


def _add_captures(
    store: Store,
    writer: CatalogWriter,
    capture_keys: Sequence[str],
    linked: Mapping[str, Sequence[tuple[str, int, int, CaptureLink]]],
    loaded: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """The rows of an agency's `capture_keys` (their records read, or given: `loaded`), and of the
    captures its reports link (`linked`) that another agency fetched or that were never stored."""
    found = loaded if loaded is not None else _load_many(store, capture_keys)
    for key in capture_keys:
        writer.add_capture(key, Capture.from_dict(found[key]), linked.get(key, []))
    listed = set(capture_keys)
    others = sorted(k for k in linked if k not in listed)  # fetched for another agency, or never stored
    for key, data in zip(others, fan_out(partial(_load_if_any, store), others), strict=True):
        writer.add_capture(key, Capture.from_dict(data) if data is not None else None, linked[key])


def _load_many(store: Store, wanted: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """The JSON objects at `wanted`, read at once."""
    return dict(zip(wanted, fan_out(partial(_load, store), wanted), strict=True))


def _owners(table: str, rows: pa.Table) -> pa.Array:
    """The agency each row belongs to: its own, but a capture's is its report's agency, else the agency
    that fetched it."""
    return rows["agency"] if table != "captures" else pc.coalesce(rows["report_agency"], rows["agency"])


def _not_of(table: str, rows: pa.Table, agencies: pa.Array) -> pa.Array:
    """The mask of rows that do not belong to `agencies` (`_owners`)."""
    return pc.invert(pc.is_in(_owners(table, rows), value_set=agencies))


def _read_all(store: Store, table: str, files: Sequence[str], columns: Sequence[str] | None = None) -> pa.Table:
    """Many files of one table at once (pyarrow reads them in parallel), with their `year` column."""
    schema = FILE_SCHEMAS[table].append(PARTITIONING.field("year"))
    if not files:
        return schema.empty_table()
    fs, base = store.arrow()
    dataset = ds.dataset(
        [f"{base}/{key}" for key in files],
        filesystem=fs,
        format="parquet",
        partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
        partition_base_dir=f"{base}/catalog/{table}",
        schema=schema,
    )
    try:
        return dataset.to_table(columns=[*columns, "year"] if columns else None)
    except OSError as exc:
        raise StoreUnavailable(f"cannot read catalog table {table!r} of {store.url}: {exc}") from exc


def _links_of(versions: Sequence[Version], observations: Sequence[Observation]) -> Iterator[tuple[int, CaptureLink]]:
    for version in versions:
        for link in version.captures:
            yield version.number, link
    for observation in observations:
        for link in observation.captures:
            yield observation.version, link


def _load(store: Store, key: str) -> Mapping[str, Any]:
    try:
        return json.loads(store.get(key))
    except ValueError as exc:
        raise StoreUnavailable(f"{key} in {store.url} is not valid JSON: {exc}") from exc


def _load_if_any(store: Store, key: str) -> Mapping[str, Any] | None:
    try:
        return _load(store, key)
    except NotFound:
        return None


def _field(record: ReportRecord | None, name: str) -> Any:
    return getattr(record, name) if record is not None else None

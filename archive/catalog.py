"""The Parquet catalog: derived tables analysts query, rebuilt from the immutable layer.

Five tables (reports, versions, captures, cells, checks), and the analysts' tables derived with them
(agencies, ledger, scorecard, wide: archive/analysis.py), each partitioned hive-style by report
year (`catalog/<table>/year=<Y>/part-0.parquet`; captures linked to no report sit under
`year=__HIVE_DEFAULT_PARTITION__`). Columns are described in docs/archive.md. A rebuild rewrites
every partition; each file appears whole (written aside, then renamed or uploaded), and no
directory-marker objects are written on S3.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.fs
import pyarrow.parquet as pq

from nianbao.archive import analysis, keys
from nianbao.archive.agencies import current_registry
from nianbao.archive.captures import Capture
from nianbao.archive.errors import StoreUnavailable
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
TABLES = tuple(SCHEMAS)
_PROVENANCE_COLUMNS = ("method", "source_table", "source_row", "source_column", "page", "bbox", "confidence")
PARTITIONING = pa.schema([("year", pa.int32())])


class CatalogWriter:
    """Buffers rows per (table, year) and streams them into one Parquet file per partition."""

    def __init__(
        self,
        fs: pyarrow.fs.FileSystem,
        base: str,
        chunk_rows: int = 200_000,
        analyst: analysis.AnalystTables | None = None,
    ) -> None:
        self.analyst = analyst or analysis.AnalystTables([], date.today())
        self._fs = fs
        self._base = base.rstrip("/")
        self._local = isinstance(fs, pyarrow.fs.LocalFileSystem)
        self._build = uuid.uuid4().hex
        self._staging = None if self._local else tempfile.TemporaryDirectory(prefix="nianbao-catalog-")
        self._chunk_rows = chunk_rows
        self._buffers: dict[tuple[str, int | None], dict[str, list]] = {}
        self._writers: dict[tuple[str, int | None], tuple[pq.ParquetWriter, Any, str, str]] = {}
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)

    def add_report(self, versions: Sequence[Version], observations: Iterable[Observation] = ()) -> None:
        """All versions of one report (ascending), and its observations."""
        last_seen: dict[int, str] = {v.number: v.first_seen for v in versions}
        for observation in observations:
            if observation.version in last_seen:
                last_seen[observation.version] = max(last_seen[observation.version], observation.seen_at)
        latest = versions[-1]
        content = next((v for v in reversed(versions) if v.kind == "content"), None)
        record = content.record if content else None
        year = latest.year
        data = record.to_dict() if record is not None else None  # the analyst tables read records as dicts
        cross = self.analyst.cross_year(latest.agency, data)
        checks = [*((data or {}).get("checks") or ()), *cross]
        links = content.captures if content else latest.captures
        described = self.analyst.describe(latest.agency)
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
        self._row("reports", year, **row)
        self.analyst.add(row | {"year": year}, data, checks)
        for version in versions:
            self._add_version(version, _ts(last_seen[version.number]), version is latest)
        for check in cross:  # R5/R6 belong to the content version the other columns describe
            self._row(
                "checks", year, agency=latest.agency, version=content.number, is_current=content is latest, **check
            )

    def _add_version(self, version: Version, last_seen: datetime | None, is_current: bool) -> None:
        record = version.record
        evidence = version.evidence or {}
        year, agency, number = version.year, version.agency, version.number
        self._row(
            "versions",
            year,
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
        cells = self._buffer("cells", year)
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
        self._maybe_flush("cells", year)
        for check in record.checks if record else ():
            self._row("checks", year, agency=agency, version=number, is_current=is_current, **check.__dict__)

    def add_capture(
        self, key: str, capture: Capture | None, links: Sequence[tuple[str, int, int, CaptureLink]]
    ) -> None:
        """One capture record with every (report agency, year, version, link) pointing at it.

        `capture` is None when a version links a capture whose record was never stored: the row
        then carries what the link knows.
        """
        for report_agency, year, version, link in links or [(None, None, None, None)]:
            source = capture or Capture(
                agency=link.agency, url=link.url, fetched_at=link.fetched_at, status=link.status, sha256=link.sha256
            )
            self._row(
                "captures",
                year,
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

    def close(self) -> dict[str, int]:
        """Finish every file, drop partitions this build did not write, and write the manifest."""
        for table, year, values in self.analyst.rows():
            self._row(table, year, **values)
        for table, year in list(self._buffers):
            self._flush(table, year)
        written = set()
        for writer, stream, staged, final in self._writers.values():
            writer.close()
            stream.close()
            if self._local:
                self._fs.move(staged, final)
            else:
                local = pyarrow.fs.LocalFileSystem()
                pyarrow.fs.copy_files(staged, final, source_filesystem=local, destination_filesystem=self._fs)
            written.add(final)
        self._writers.clear()
        if self._staging is not None:
            self._staging.cleanup()
        self._drop_stale(written)
        manifest = {"format": 1, "built_at": datetime.now(UTC).isoformat(), "rows": self.rows}
        if self._local:  # an archive that stored nothing yet has no catalog/ directory
            self._fs.create_dir(f"{self._base}/catalog", recursive=True)
        with self._fs.open_output_stream(f"{self._base}/{keys.catalog_manifest_key()}") as stream:
            stream.write(json.dumps(manifest).encode())
        return self.rows

    def _staged(self, final: str) -> str:
        """Where a file is written before it goes into place, whole.

        Locally: beside it, dot-named (readers skip it) and unique to this build, then renamed.
        On S3: a local temporary file, uploaded once complete (moving within S3 would leave
        directory-marker objects behind, and a stream cut short by an error could publish a torn
        file).
        """
        if self._staging is not None:
            return f"{self._staging.name}/{final.replace('/', '_')}"
        folder, name = final.rsplit("/", 1)
        return f"{folder}/.{name}.{self._build}.writing"

    def _drop_stale(self, written: set[str]) -> None:
        """Partitions of an earlier build that this one has no rows for (e.g. captures since linked)."""
        selector = pyarrow.fs.FileSelector(f"{self._base}/catalog", recursive=True, allow_not_found=True)
        for info in self._fs.get_file_info(selector):
            if info.type == pyarrow.fs.FileType.File and info.path.endswith(".parquet") and info.path not in written:
                self._fs.delete_file(info.path)

    def _buffer(self, table: str, year: int | None) -> dict[str, list]:
        buffer = self._buffers.get((table, year))
        if buffer is None:
            buffer = self._buffers[(table, year)] = {name: [] for name in SCHEMAS[table].names}
        return buffer

    def _row(self, table: str, year: int | None, **values: Any) -> None:
        buffer = self._buffer(table, year)
        for name, column in buffer.items():
            column.append(values.get(name))
        self._maybe_flush(table, year)

    def _maybe_flush(self, table: str, year: int | None) -> None:
        if len(self._buffers[(table, year)]["agency"]) >= self._chunk_rows:
            self._flush(table, year)

    def _flush(self, table: str, year: int | None) -> None:
        buffer = self._buffers.pop((table, year))
        batch = pa.table(buffer, schema=SCHEMAS[table])
        self.rows[table] += batch.num_rows
        if (table, year) not in self._writers:
            final = f"{self._base}/{keys.catalog_key(table, year)}"
            staged = self._staged(final)
            if self._local:
                self._fs.create_dir(staged.rsplit("/", 1)[0], recursive=True)
            stream = pyarrow.fs.LocalFileSystem().open_output_stream(staged)
            writer = pq.ParquetWriter(stream, SCHEMAS[table], compression="zstd")
            self._writers[(table, year)] = (writer, stream, staged, final)
        self._writers[(table, year)][0].write_table(batch)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class _Report:
    versions: list[str]
    observations: list[str]


def rebuild(store: Store, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Rewrite the whole catalog from the immutable layer; the number of rows per table."""
    say = progress or (lambda _: None)
    found: dict[tuple[str, int], _Report] = defaultdict(lambda: _Report([], []))
    for key in store.list(keys.report_prefix()):
        parts = key.split("/")
        if len(parts) >= 5 and parts[3] in ("versions", "observations"):
            getattr(found[(parts[1], int(parts[2]))], parts[3]).append(key)
    say(f"{len(found)} reports")
    fs, base = store.arrow()
    writer = CatalogWriter(fs, base, analyst=analysis.AnalystTables(current_registry(store), date.today()))
    linked: dict[str, list[tuple[str, int, int, CaptureLink]]] = defaultdict(list)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for done, ((agency, year), report) in enumerate(sorted(found.items()), 1):
            versions = [Version.from_dict(d) for d in pool.map(_load, [store] * len(report.versions), report.versions)]
            observations = [
                Observation.from_dict(d)
                for d in pool.map(_load, [store] * len(report.observations), report.observations)
            ]
            if not versions:
                continue
            writer.add_report(versions, observations)
            for number, link in _links_of(versions, observations):
                _link(linked[link.capture_key], agency, year, number, link)
            if done % 1000 == 0:
                say(f"{done}/{len(found)} reports")
        capture_keys = list(store.list(keys.captures_prefix()))
        say(f"{len(capture_keys)} captures")
        records = pool.map(_load, [store] * len(capture_keys), capture_keys)
        for key, data in zip(capture_keys, records, strict=True):
            writer.add_capture(key, Capture.from_dict(data), linked.pop(key, []))
    for key, links in sorted(linked.items()):  # linked by a version, never stored by the crawler
        writer.add_capture(key, None, links)
    return writer.close()


def _links_of(versions: Sequence[Version], observations: Sequence[Observation]) -> Iterator[tuple[int, CaptureLink]]:
    for version in versions:
        for link in version.captures:
            yield version.number, link
    for observation in observations:
        for link in observation.captures:
            yield observation.version, link


def _link(
    links: list[tuple[str, int, int, CaptureLink]], agency: str, year: int, number: int, link: CaptureLink
) -> None:
    """Keep the first version a capture was linked to, once per (report, role)."""
    if not any(a == agency and y == year and existing.role == link.role for a, y, _, existing in links):
        links.append((agency, year, number, link))


def _load(store: Store, key: str) -> Mapping[str, Any]:
    try:
        return json.loads(store.get(key))
    except ValueError as exc:
        raise StoreUnavailable(f"{key} in {store.url} is not valid JSON: {exc}") from exc


def _field(record: ReportRecord | None, name: str) -> Any:
    return getattr(record, name) if record is not None else None

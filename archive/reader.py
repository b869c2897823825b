"""Reading the catalog: Arrow tables (and pandas, DuckDB) straight from a directory or from S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs

from nianbao.archive import manifest as manifests
from nianbao.archive.catalog import PARTITIONING, SCHEMAS, TABLES
from nianbao.archive.errors import ArchiveError, StoreUnavailable
from nianbao.archive.stores import Store, open_store

if TYPE_CHECKING:
    import duckdb


class Catalog:
    """The catalog of one archive. Every table method takes optional `year` and `agency` filters."""

    def __init__(self, store: Store, pinned: manifests.Manifest | None = None) -> None:
        self.store = store
        self._fs, self._base = store.arrow()
        self._pinned = pinned

    def snapshot(self) -> Catalog:
        """This catalog held at the manifest published now: every table read from the same publish."""
        return Catalog(self.store, self.live())

    def dataset(self, table: str, live: manifests.Manifest | None = None) -> ds.Dataset:
        """The table's files the manifest lists (`live`: one manifest read before, for a consistent set)."""
        if table not in SCHEMAS:
            raise ArchiveError(f"no catalog table {table!r}; the tables are {', '.join(TABLES)}")
        schema = SCHEMAS[table].append(PARTITIONING.field("year"))
        files = [f"{self._base}/{key}" for key in (live or self.live()).files(table)]
        if not files:
            return ds.dataset(pa.table({n: [] for n in schema.names}, schema=schema))  # built, no rows
        try:
            return ds.dataset(
                files,
                filesystem=self._fs,
                format="parquet",
                partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
                partition_base_dir=f"{self._base}/catalog/{table}",
                schema=schema,
            )
        except OSError as exc:
            raise StoreUnavailable(f"cannot read the catalog of {self.store.url}: {exc}") from exc

    def live(self) -> manifests.Manifest:
        """The published manifest: the files that are the catalog now (or the snapshot's)."""
        if self._pinned is not None:
            return self._pinned
        hint = f"build it with `nianbao catalog --archive {self.store.url}`"
        current, _ = manifests.read(self.store)
        if current is None:
            raise ArchiveError(f"{self.store.url} has no catalog; {hint}")
        if current.legacy:
            raise ArchiveError(f"the catalog of {self.store.url} has an older layout; {hint}")
        return current

    def manifest(self) -> dict:
        """When the catalog was built, how many rows each table got, and its files."""
        return dict(manifests.describe(self.live()))

    def table(self, table: str, year: int | None = None, agency: str | None = None) -> pa.Table:
        condition = None
        if year is not None:
            condition = ds.field("year") == year
        if agency is not None:
            by_agency = ds.field("report_agency" if table == "captures" else "agency") == agency
            condition = by_agency if condition is None else condition & by_agency
        try:
            return self.dataset(table).to_table(filter=condition)
        except OSError as exc:
            raise StoreUnavailable(f"cannot read catalog table {table!r} of {self.store.url}: {exc}") from exc

    def reports(self, year: int | None = None, agency: str | None = None) -> pa.Table:
        return self.table("reports", year, agency)

    def versions(self, year: int | None = None, agency: str | None = None) -> pa.Table:
        return self.table("versions", year, agency)

    def captures(self, year: int | None = None, agency: str | None = None) -> pa.Table:
        """Captures linked to reports; `agency` filters by the report's agency, not the site's."""
        return self.table("captures", year, agency)

    def cells(self, year: int | None = None, agency: str | None = None) -> pa.Table:
        return self.table("cells", year, agency)

    def checks(self, year: int | None = None, agency: str | None = None) -> pa.Table:
        return self.table("checks", year, agency)

    def duckdb(self, connection: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the five tables as views.

        On a local archive the views read the Parquet files directly (DuckDB's own scanner); on S3
        they scan pyarrow datasets, since DuckDB's httpfs extension cannot be installed offline.
        """
        import duckdb

        connection = connection or duckdb.connect()
        live = self.live()  # one manifest for every view: tables of the same publish
        local = isinstance(self._fs, pyarrow.fs.LocalFileSystem)
        for table in TABLES:
            dataset = self.dataset(table, live)
            if local and isinstance(dataset, ds.FileSystemDataset):
                files = ", ".join("'" + path.replace("'", "''") + "'" for path in dataset.files)
                connection.execute(
                    f"create or replace view {table} as select * from read_parquet([{files}], "
                    "hive_partitioning = true, union_by_name = true, hive_types = {'year': INTEGER})"
                )
            else:
                connection.register(table, dataset)
        return connection


def open_catalog(url: str) -> Catalog:
    """The catalog of the archive at `s3://bucket/prefix`, `file:///dir` or a directory path."""
    return Catalog(open_store(url))

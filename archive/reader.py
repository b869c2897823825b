"""Reading the catalog: Arrow tables (and pandas, DuckDB) straight from a directory or from S3."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs

from nianbao.archive.catalog import PARTITIONING, SCHEMAS, TABLES
from nianbao.archive.errors import ArchiveError, NotFound, StoreUnavailable
from nianbao.archive.keys import catalog_manifest_key
from nianbao.archive.stores import Store, open_store

if TYPE_CHECKING:
    import duckdb


class Catalog:
    """The catalog of one archive. Every table method takes optional `year` and `agency` filters."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._fs, self._base = store.arrow()

    def dataset(self, table: str) -> ds.Dataset:
        if table not in SCHEMAS:
            raise ArchiveError(f"no catalog table {table!r}; the tables are {', '.join(TABLES)}")
        schema = SCHEMAS[table].append(PARTITIONING.field("year"))
        self.manifest()
        path = f"{self._base}/catalog/{table}"
        try:
            if self._fs.get_file_info(path).type == pyarrow.fs.FileType.NotFound:
                return ds.dataset(pa.table({n: [] for n in schema.names}, schema=schema))  # built, no rows
            partitioning = ds.partitioning(PARTITIONING, flavor="hive")
            return ds.dataset(path, filesystem=self._fs, format="parquet", partitioning=partitioning, schema=schema)
        except OSError as exc:
            raise StoreUnavailable(f"cannot read the catalog of {self.store.url}: {exc}") from exc

    def manifest(self) -> dict:
        """When the catalog was built and how many rows each table got."""
        try:
            return json.loads(self.store.get(catalog_manifest_key()))
        except NotFound as exc:
            hint = f"build it with `nianbao catalog --archive {self.store.url}`"
            raise ArchiveError(f"{self.store.url} has no catalog; {hint}") from exc

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
        local = isinstance(self._fs, pyarrow.fs.LocalFileSystem)
        for table in TABLES:
            dataset = self.dataset(table)
            if local and isinstance(dataset, ds.FileSystemDataset):
                files = f"{self._base}/catalog/{table}/year=*/*.parquet".replace("'", "''")
                connection.execute(
                    f"create or replace view {table} as select * from read_parquet('{files}', "
                    "hive_partitioning = true, union_by_name = true, hive_types = {'year': INTEGER})"
                )
            else:
                connection.register(table, dataset)
        return connection


def open_catalog(url: str) -> Catalog:
    """The catalog of the archive at `s3://bucket/prefix`, `file:///dir` or a directory path."""
    return Catalog(open_store(url))

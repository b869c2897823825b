"""S3-compatible storage of raw captures, versioned records and the Parquet catalog.

`connect(url)` opens an archive for writing (the crawler's CaptureSink, the flows' report shelves);
`open(url)` opens its catalog for reading (Arrow tables, pandas, DuckDB).
"""

from typing import Any

from nianbao.archive.connection import Archive, connect
from nianbao.archive.stores import absolute_url, open_store

__all__ = ["Archive", "Catalog", "absolute_url", "check", "connect", "open"]


def __getattr__(name: str) -> Any:
    """`Catalog` and `open` on first use: the catalog reader imports pyarrow.dataset and pandas, which
    the writers (a crawl process per batch, parse workers) never need and took most of their imports."""
    if name in ("Catalog", "open"):
        from nianbao.archive import reader

        return reader.Catalog if name == "Catalog" else reader.open_catalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check(url: str, *, create: bool) -> None:
    """StoreUnavailable in one line unless the archive at `url` is usable; only writers may `create` it."""
    open_store(url).check(create=create)

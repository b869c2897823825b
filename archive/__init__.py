"""S3-compatible storage of raw captures, versioned records and the Parquet catalog.

`connect(url)` opens an archive for writing (the crawler's CaptureSink, the flows' report shelves);
`open(url)` opens its catalog for reading (Arrow tables, pandas, DuckDB).
"""

from nianbao.archive.connection import Archive, connect
from nianbao.archive.reader import Catalog
from nianbao.archive.reader import open_catalog as open
from nianbao.archive.stores import absolute_url, open_store

__all__ = ["Archive", "Catalog", "absolute_url", "check", "connect", "open"]


def check(url: str, *, create: bool) -> None:
    """StoreUnavailable in one line unless the archive at `url` is usable; only writers may `create` it."""
    open_store(url).check(create=create)

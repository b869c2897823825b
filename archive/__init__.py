"""S3-compatible storage of raw captures, versioned records and the Parquet catalog.

`connect(url)` opens an archive for writing (the crawler's CaptureSink, the flows' report shelves).
"""

from archive.connection import Archive, connect

__all__ = ["Archive", "connect"]

"""Opening the archive the crawl writes to, by URL, with the archive's errors translated."""

from __future__ import annotations

from typing import Any

from nianbao.crawler.errors import CrawlAborted


def open_sink(archive_url: str) -> Any:
    """The archive at `archive_url` as a CaptureSink that can also return stored bodies (`get_raw`)."""
    from nianbao.archive import connect
    from nianbao.archive.errors import ArchiveError

    try:
        return connect(archive_url)
    except ArchiveError as exc:
        raise CrawlAborted(f"cannot open the archive at {archive_url}: {exc}") from exc

"""Opening the archive the crawl writes to, by URL scheme, with the archive's errors translated.

Like Scrapy's FilesPipeline (`STORE_SCHEMES`), the store is chosen by the scheme of the archive URL:
the setting `NIANBAO_ARCHIVE_SCHEMES` maps a scheme ("" for a plain path) to the dotted path of a
callable `url -> CaptureSink`; a project can add its own scheme without touching the crawler.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlparse

from scrapy.utils.misc import load_object

from nianbao.crawler.errors import CrawlAborted

STORE_SCHEMES: dict[str, str] = {
    "": "nianbao.archive.connect",
    "file": "nianbao.archive.connect",
    "s3": "nianbao.archive.connect",
}


def open_sink(archive_url: str, schemes: Mapping[str, str] | None = None) -> Any:
    """The archive at `archive_url` as a CaptureSink that can also return stored bodies (`get_raw`).

    One sink per URL and opener per process: the spider (validators, stored bodies) and the pipeline
    (writes) share it, and a boto3 client is not free to build."""
    if not archive_url:
        raise CrawlAborted("no archive to write to: set NIANBAO_ARCHIVE (scrapy crawl: -a archive=URL)")
    scheme = urlparse(archive_url).scheme
    scheme = "" if len(scheme) <= 1 else scheme  # one letter is a Windows drive, not a scheme
    choices = dict(schemes or STORE_SCHEMES)
    if scheme not in choices:
        known = ", ".join(f"{s}://" for s in sorted(choices) if s) or "none"
        raise CrawlAborted(f"archive URL {archive_url!r}: no store for scheme {scheme!r} (known: {known})")
    return _open(archive_url, choices[scheme])


@cache
def _open(archive_url: str, opener: str) -> Any:
    from nianbao.archive.errors import ArchiveError

    try:
        return load_object(opener)(archive_url)
    except ArchiveError as exc:
        raise CrawlAborted(f"cannot open the archive at {archive_url}: {exc}") from exc

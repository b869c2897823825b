"""`scrapy crawl annual_reports -a registry=FILE -a archive=URL [-a agencies=ID,ID] [-a years=2023,2024]`.

Scrapy hands spider arguments over as strings; this turns them into what the spider is built with
(the registry's agencies, their summaries, the years) and into the settings they imply (the archive
URL the pipeline opens, per-agency download slots). Settings are still open to changes while the
spider is built (Scrapy applies them right after), which is what makes `-a archive=URL` reach the
pipeline's `from_crawler`.
"""

from __future__ import annotations

import uuid
from typing import Any

from nianbao.archive.stores import absolute_url
from nianbao.crawler.agencies import load_registry
from nianbao.crawler.errors import CrawlAborted
from nianbao.crawler.settings import crawl_settings
from nianbao.crawler.sink import open_sink
from nianbao.crawler.summary import AgencySummary


def spider_arguments(crawler: Any, registry: str, archive: str | None = None, **given: Any) -> dict[str, Any]:
    """The spider's constructor arguments for a crawl started by `scrapy crawl` with `-a` strings."""
    agencies = load_registry(registry).select(_split(given.pop("agencies", "")) or None)
    try:
        years = frozenset(int(year) for year in _split(given.pop("years", "")))
    except ValueError as exc:
        raise CrawlAborted(f"-a years= expects years separated by commas, e.g. 2023,2024: {exc}") from exc
    settings = crawler.settings
    if archive:
        settings.set("NIANBAO_ARCHIVE", absolute_url(archive), priority="cmdline")
    derived = crawl_settings(
        agencies,
        {"DOWNLOAD_DELAY": settings.getfloat("DOWNLOAD_DELAY"), "DOWNLOAD_SLOTS": settings.getdict("DOWNLOAD_SLOTS")},
    )
    for name in ("DOWNLOAD_DELAY", "DOWNLOAD_SLOTS"):  # delays floored, per-agency slots from the registry
        settings.set(name, derived[name], priority="cmdline")
    sink = open_sink(settings.get("NIANBAO_ARCHIVE"), settings.getdict("NIANBAO_ARCHIVE_SCHEMES"))
    summaries = {agency.id: AgencySummary(agency.id, agency.name) for agency in agencies}
    return {
        **given,
        "agencies": agencies,
        "sink": sink,
        "summaries": summaries,
        "years": years,
        "run_id": uuid.uuid4().hex,
    }


def _split(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(",") if part.strip()]

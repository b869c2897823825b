"""The one pipeline: each capture and its body go to the archive, and the crawl's stats count them.

Built by Scrapy with `from_crawler`: the archive comes from the `NIANBAO_ARCHIVE` setting (a URL),
its store chosen by scheme from `NIANBAO_ARCHIVE_SCHEMES` (see crawler/sink.py). Bodies are
content-addressed by the archive (`put_raw` is idempotent), so a body identical to the last capture
of its URL is not written again. A failing archive stops the crawl: a crawl that cannot record what
it fetched must not go on fetching. Counters go to `crawler.stats` under `nianbao/` (Scrapy prints
them at the end of a `scrapy crawl`), and per agency into the spider's summaries.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from scrapy.crawler import Crawler

from nianbao.crawler.sink import open_sink
from nianbao.crawler.spider import CaptureItem


class ArchivePipeline:
    def __init__(self, crawler: Crawler, sink: Any) -> None:
        self.crawler = crawler
        self.sink = sink
        self.closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        return cls(crawler, open_sink(settings.get("NIANBAO_ARCHIVE"), settings.getdict("NIANBAO_ARCHIVE_SCHEMES")))

    async def process_item(self, item: CaptureItem) -> CaptureItem:
        spider = self.crawler.spider
        stats = self.crawler.stats
        if spider.aborted:
            return item
        try:
            await asyncio.to_thread(self._store, self.sink, item)
        except Exception as exc:  # any archive failure ends the crawl, with its reason in the summary
            spider.aborted = f"archive write failed for {item.capture.url}: {exc}"
            stats.inc_value("nianbao/archive_errors")
            self.closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="archive_error"))
            return item
        stats.inc_value("nianbao/captures")
        stats.inc_value(f"nianbao/captures/{item.outcome}")
        summary = spider.summaries[item.capture.agency]
        if item.outcome == "downloaded":
            summary.downloaded += 1
            summary.bytes_downloaded += len(item.body or b"")
            stats.inc_value("nianbao/bytes_downloaded", len(item.body or b""))
        elif item.outcome == "unchanged":
            summary.unchanged += 1
        return item

    @staticmethod
    def _store(sink: Any, item: CaptureItem) -> None:
        capture = item.capture
        if item.body is not None:
            sha256 = sink.put_raw(item.body, capture.content_type)
            capture = dataclasses.replace(capture, sha256=sha256)
        sink.add_capture(capture)

"""The one pipeline: each capture and its body go to the archive, and the summary counts them.

Bodies are content-addressed by the archive (`put_raw` is idempotent), so a body identical to the
last capture of its URL is not written again. A failing archive stops the crawl: a crawl that cannot
record what it fetched must not go on fetching.
"""

from __future__ import annotations

import asyncio
import dataclasses

from scrapy.crawler import Crawler

from nianbao.crawler.spider import CaptureItem


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    async def process_item(self, item: CaptureItem) -> CaptureItem:
        spider = self.crawler.spider
        if spider.aborted:
            return item
        try:
            await asyncio.to_thread(self._store, spider.sink, item)
        except Exception as exc:  # any archive failure ends the crawl, with its reason in the summary
            spider.aborted = f"archive write failed for {item.capture.url}: {exc}"
            self.closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="archive_error"))
            return item
        summary = spider.summaries[item.capture.agency]
        if item.outcome == "downloaded":
            summary.downloaded += 1
            summary.bytes_downloaded += len(item.body or b"")
        elif item.outcome == "unchanged":
            summary.unchanged += 1
        return item

    @staticmethod
    def _store(sink: object, item: CaptureItem) -> None:
        capture = item.capture
        if item.body is not None:
            sha256 = sink.put_raw(item.body, capture.content_type)  # type: ignore[attr-defined]
            capture = dataclasses.replace(capture, sha256=sha256)
        sink.add_capture(capture)  # type: ignore[attr-defined]

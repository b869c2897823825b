"""A progress line on stderr every few seconds while a crawl runs (and one at the end)."""

from __future__ import annotations

import asyncio
import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler


class ProgressLine:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        extension = cls(crawler, crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL"))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        self.started = time.monotonic()
        if self.interval > 0:
            self.task = asyncio.ensure_future(self._tick())

    def closed(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.write()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.write()

    def write(self) -> None:
        summaries = list(getattr(self.crawler.spider, "summaries", {}).values())
        started = sum(1 for s in summaries if s.pages or s.failed)

        def total(name: str) -> int:
            return sum(getattr(s, name) for s in summaries)

        print(
            f"crawl: {time.monotonic() - self.started:5.0f}s  agencies {started}/{len(summaries)}  "
            f"pages {total('pages')}  reports {total('reports_found')}  downloaded {total('downloaded')}  "
            f"unchanged {total('unchanged')}  failed {total('failed')}  {total('bytes_downloaded') / 1e6:.1f} MB",
            file=sys.stderr,
            flush=True,
        )

"""Downloader middlewares: the agency's hosts as a hard boundary, and backoff before retries."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from nianbao.crawler.agencies import Agency, host_of


class OffsiteRefused(IgnoreRequest):
    """A request (typically a redirect) left the agency's hosts; recorded as a failure, never sent."""


class ScopeMiddleware:
    """Refuses every request outside its agency's hosts, including redirect targets.

    Links to other hosts are never requested in the first place (the spider drops them); this is the
    last line, which also sees the requests that redirects create.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        agencies: dict[str, Agency] = getattr(self.crawler.spider, "agencies_by_id", {})
        agency = agencies.get(request.meta.get("agency", ""))
        if agency is not None and not agency.allows(request.url):
            raise OffsiteRefused(f"off-site refused: {host_of(request.url)} is not a host of agency {agency.id}")


class BackoffMiddleware:
    """Waits before each retry (base, 2×base, 4×base … capped): retries are for transient errors only
    (the RETRY_HTTP_CODES and timeouts), and a struggling server gets room to recover."""

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        settings = crawler.settings
        return cls(settings.getfloat("NIANBAO_RETRY_BACKOFF"), settings.getfloat("NIANBAO_RETRY_BACKOFF_MAX"))

    async def process_request(self, request: Request) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries and self.base > 0:
            await asyncio.sleep(min(self.base * 2 ** (retries - 1), self.cap))

"""robots.txt as RFC 9309 reads it: a server error means "disallow everything" until it answers.

Scrapy parses whatever body a robots.txt request returns, so a 503 page (no rules) allows everything.
RFC 9309 §2.3.1.4: on a 5xx answer the crawler must assume complete disallow; a 4xx answer means no
rules (allow). This keeps Scrapy's middleware and changes only that, asking again after a pause.
"""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsUnavailable(IgnoreRequest):
    """The host's robots.txt answered a server error: nothing of the host is fetched until it answers."""


class RobotsMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._retry_after = crawler.settings.getfloat("NIANBAO_ROBOTS_RETRY_SECONDS", 60.0)
        self._unavailable: dict[str, tuple[int, float]] = {}  # netloc -> (status, when it answered so)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        failed = self._unavailable.get(netloc)
        if failed is not None and time.monotonic() - failed[1] > self._retry_after:
            del self._unavailable[netloc]
            self._parsers.pop(netloc, None)  # ask again: the server may be back
        return await super().robot_parser(request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        failed = self._unavailable.get(urlparse_cached(request).netloc)
        if failed is not None:
            raise RobotsUnavailable(
                f"robots.txt answered HTTP {failed[0]}: nothing of this host is fetched until it answers (RFC 9309)"
            )
        super().process_request_2(rp, request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if 500 <= response.status < 600:
            self._unavailable[netloc] = (response.status, time.monotonic())
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

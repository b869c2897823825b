"""The crawl's Scrapy settings: polite by default, per-agency overrides from the registry.

Read once at the edge (`crawl_settings`) and handed to the crawl process; callers override any key
(benchmarks turn the delays off, tests shorten timeouts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nianbao.crawler.agencies import Agency
from nianbao.crawler.sink import STORE_SCHEMES

USER_AGENT = "nianbao/0.1 (annual-report archive; +https://github.com/nianbao/nianbao/blob/main/docs/crawler.md)"
# Scrapy 2.19 ignores per-host concurrency when a slot's delay is exactly 0 (stack-notes.md): every
# delay, ours or an override's, is floored at one millisecond so the limit always holds.
MIN_DELAY = 0.001

DEFAULTS: dict[str, Any] = {
    "BOT_NAME": "nianbao",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    # Scrapy starts this many tasks for the output of every response; ours yields a few items a page.
    "CONCURRENT_ITEMS": 8,
    "DOWNLOAD_DELAY": 1.0,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 2.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    # Scrapy's list without CannotResolveHostError: a name that does not resolve is not transient.
    "RETRY_EXCEPTIONS": [
        "scrapy.exceptions.DownloadConnectionRefusedError",
        "scrapy.exceptions.DownloadFailedError",
        "scrapy.exceptions.DownloadTimeoutError",
        "scrapy.exceptions.ResponseDataLossError",
        "twisted.internet.error.ConnectionDone",
        "twisted.internet.error.ConnectError",
        "twisted.internet.error.ConnectionLost",
        "scrapy.core.downloader.handlers.http11.TunnelError",
    ],
    "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
    "NIANBAO_RETRY_BACKOFF": 2.0,  # seconds before the first retry, doubled for each further one
    "NIANBAO_RETRY_BACKOFF_MAX": 60.0,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 64 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 16 * 1024 * 1024,
    "REDIRECT_MAX_TIMES": 8,
    "NIANBAO_MAX_HOPS": 6,  # listing → column → page … from a start URL
    "NIANBAO_MAX_PATTERN_PAGES": 100,  # navigation pages per agency per URL pattern (trap escape)
    "NIANBAO_PROGRESS_INTERVAL": 5.0,
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy 2.19's remote control: an HTTP server that runs code sent to it, started by every crawl
    # process (one per batch) along with aiohttp's imports. Nobody drives a harvest's crawls that way.
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "ERROR",
    "NIANBAO_ROBOTS_RETRY_SECONDS": 60.0,  # after a robots.txt 5xx, ask again this much later
    "DOWNLOADER_MIDDLEWARES": {
        "nianbao.crawler.middlewares.ScopeMiddleware": 50,
        "nianbao.crawler.middlewares.AddressMiddleware": 60,
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "nianbao.crawler.robots.RobotsMiddleware": 100,
        "nianbao.crawler.middlewares.BackoffMiddleware": 560,
    },
    "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.depth.DepthMiddleware": None},
    "EXTENSIONS": {"nianbao.crawler.progress.ProgressLine": 500},
    "ITEM_PIPELINES": {"nianbao.crawler.pipelines.ArchivePipeline": 100},
    "NIANBAO_ARCHIVE": None,  # the archive URL the pipeline writes to (s3://bucket/prefix, file:///dir, a path)
    "NIANBAO_ARCHIVE_SCHEMES": STORE_SCHEMES,  # archive URL scheme → opener (crawler/sink.py)
}


def crawl_settings(agencies: Iterable[Agency], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    settings = {**DEFAULTS, **(overrides or {})}
    settings["DOWNLOAD_DELAY"] = max(float(settings["DOWNLOAD_DELAY"]), MIN_DELAY)
    slots = dict(settings.get("DOWNLOAD_SLOTS") or {})
    for agency in agencies:
        if agency.download_delay is None and agency.concurrency is None:
            continue
        for host in agency.hosts():
            slot = dict(slots.get(host, {}))
            if agency.download_delay is not None:
                slot["delay"] = max(agency.download_delay, MIN_DELAY)
            if agency.concurrency is not None:
                slot["concurrency"] = agency.concurrency
            slots[host] = slot
    for slot in slots.values():
        if "delay" in slot:
            slot["delay"] = max(float(slot["delay"]), MIN_DELAY)
    settings["DOWNLOAD_SLOTS"] = slots
    return settings

"""Downloader middlewares: the agency's hosts (and their ports) as a hard boundary, public addresses
only, and backoff before retries."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from nianbao.crawler.agencies import Agency, host_of, origin_of


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
            scheme, host, port = origin_of(request.url)
            raise OffsiteRefused(f"off-site refused: {scheme}://{host}:{port} is not an origin of agency {agency.id}")


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


class AddressRefused(IgnoreRequest):
    """The host resolves to an address a public site's link must not reach (loopback, private, ...)."""


def _address_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public one, or None when it is."""
    for kind in ("loopback", "private", "link_local", "reserved", "multicast", "unspecified"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-public"


def _resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []  # the download fails on its own with "does not resolve"
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


class AddressMiddleware:
    """Refuses requests (redirect targets included) to hosts that resolve to loopback, private,
    link-local or reserved addresses, unless the agency's registry entry sets allow_private_addresses.

    The check resolves the name itself (once per host per crawl, off the event loop); Scrapy resolves it
    again to connect, so a name that changes its answer in between (DNS rebinding) is not caught here.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._resolved: dict[str, list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        agencies: dict[str, Agency] = getattr(self.crawler.spider, "agencies_by_id", {})
        agency = agencies.get(request.meta.get("agency", ""))
        if agency is None or agency.allow_private_addresses:
            return
        host = host_of(request.url)
        if host not in self._resolved:
            self._resolved[host] = await asyncio.to_thread(_resolve, host)
        for address in self._resolved[host]:
            kind = _address_kind(address)
            if kind is not None:
                raise AddressRefused(
                    f"address refused: {host} resolves to {address}, a {kind} address "
                    f"(agency {agency.id}'s registry entry does not set allow_private_addresses)"
                )

"""One spider for every agency of a registry: generic discovery, conditional requests, every
observation handed to the archive as a capture (pipeline: `crawler.pipelines.ArchivePipeline`).

The spider only decides what to request next; reading a page is `crawler.pages`' job.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure as TwistedFailure

from nianbao.archive.captures import Capture, Validators
from nianbao.crawler.agencies import Agency, ApiHint
from nianbao.crawler.links import Link, is_document_url
from nianbao.crawler.middlewares import AddressRefused, OffsiteRefused
from nianbao.crawler.pages import Findings, is_json, read_json_listing, read_listing, read_report, soft_404
from nianbao.crawler.pagination import hinted_page
from nianbao.crawler.robots import RobotsUnavailable
from nianbao.crawler.summary import AgencySummary, Failure
from nianbao.crawler.titles import report_year

_NAVIGATION = ("listing", "api")
# "page": a URL the archive knows that this crawl did not rediscover; fetched once more (conditionally)
# so that a withdrawn or moved report leaves evidence (a 404) instead of silently going missing.
_HANDLED_STATUSES = [304, *range(400, 600)]
_PRIORITY = {"listing": 0, "api": 0, "report": 10, "attachment": 20, "page": -10}
_DIGITS = re.compile(r"\d+")
_HTML_TYPES = ("text/html", "application/xhtml")
# An HTML report page is read for attachments and soft 404s only when smaller than this: such pages are
# tens of KB; a page of many MB is a document (or a hostile one) the parsers will judge, bounded.
_READ_BYTES = 4 << 20


@dataclass
class CaptureItem:
    """One observation for the archive: the capture, and the body when it is to be stored."""

    capture: Capture
    body: bytes | None
    outcome: str  # downloaded | unchanged | failed


class ReportSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(
        self,
        agencies: tuple[Agency, ...],
        sink: Any,
        summaries: dict[str, AgencySummary],
        years: frozenset[int] = frozenset(),
        run_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.agencies_by_id = {agency.id: agency for agency in agencies}
        self.sink = sink
        self.summaries = summaries
        self.years = years
        self.run_id = run_id
        self.validators: dict[str, dict[str, Validators]] = {}
        self.seen: set[tuple[str, str]] = set()
        self.fingerprints: set[tuple[str, str]] = set()
        self.reports: set[tuple[str, str]] = set()
        self.patterns: Counter[tuple[str, str]] = Counter()
        self.aborted: str | None = None
        self.revisited = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReportSpider:
        if "registry" in kwargs:  # started by `scrapy crawl annual_reports -a registry=FILE -a archive=URL`
            from nianbao.crawler.arguments import spider_arguments

            kwargs = spider_arguments(crawler, **kwargs)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.revisit_known, signal=signals.spider_idle)
        return spider

    def revisit_known(self) -> None:
        """When discovery is done: fetch the known URLs it did not find again (not for one year only)."""
        if self.revisited or self.years or self.aborted:
            return
        self.revisited = True
        pending = [
            request
            for agency in self.agencies_by_id.values()
            for url in sorted(self.validators.get(agency.id, {}))
            if isinstance(request := self._request(agency, url, "page", hops=0), scrapy.Request)
        ]
        for request in pending:
            self.crawler.engine.crawl(request)
        if pending:
            raise DontCloseSpider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for agency in self.agencies_by_id.values():
            self.validators[agency.id] = await asyncio.to_thread(self.sink.validators, agency.id)
            if not agency.obey_robots:
                self.summaries[agency.id].robots_override = agency.robots_override_reason
            for url in (*agency.start_urls, *agency.hints.listing_urls):
                # A document given as a start URL (a revisit of a held PDF) is a report, not a listing.
                request = self._request(agency, url, "report" if is_document_url(url) else "listing", hops=0)
                if request is not None:
                    yield request
            if agency.hints.api is not None:
                api = agency.hints.api
                request = self._api_request(agency, api, api.first_page, None, hops=0)
                if request is not None:
                    yield request

    # -- responses ---------------------------------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        agency = self.agencies_by_id[response.meta["agency"]]
        kind = response.meta["kind"]
        redirects = response.meta.get("redirect_urls") or [response.request.url]
        known = self.validators[agency.id].get(redirects[0])
        summary = self.summaries[agency.id]
        summary.pages += 1
        content_type = _header(response, "Content-Type")
        if response.status >= 400:
            yield self._failed(response, f"HTTP {response.status}")
            return
        if response.status == 304:
            yield self._item(response, "unchanged")
            if known is None or known.sha256 is None or not self._worth_reading(kind, response, content_type):
                return
            try:
                body = await asyncio.to_thread(self.sink.get_raw, known.sha256)
            except Exception:  # the archive lost the body: fetch it again, unconditionally
                yield response.request.replace(headers=_without_validators(response.request), dont_filter=True)
                return
        else:
            body = response.body
            sha256 = hashlib.sha256(body).hexdigest()
            gone = soft_404(body, content_type) if self._is_html_report(kind, response, content_type) else None
            if gone:  # recorded as a failure, its bytes kept as evidence
                yield self._failed(response, gone, body=body)
                return
            if known is not None and known.sha256 == sha256:
                yield self._item(response, "unchanged", sha256=sha256)
            else:
                yield self._item(response, "downloaded", body=body, sha256=sha256)
        if self._worth_reading(kind, response, content_type):
            try:
                # Reading a page is CPU work (a big listing takes seconds): off the event loop, so that
                # downloads and timeouts of every other agency go on meanwhile.
                findings = await asyncio.to_thread(self._read, agency, kind, response.url, body, content_type)
                requests = list(self._follow(agency, response, findings))
            except Exception as exc:  # a page discovery cannot read must not end the crawl: say so, go on
                summary.problems.append(f"discovery failed on {response.url}: {type(exc).__name__}: {exc}")
                return
            for request in requests:
                if request is not None:  # None: off-site, already requested, or a trap's cap reached
                    yield request

    def _failed(self, response: Response, error: str, body: bytes | None = None) -> CaptureItem:
        sha256 = hashlib.sha256(body).hexdigest() if body is not None else None
        item = self._item(response, "failed", body=body, sha256=sha256, error=error)
        failure = Failure(item.capture.url, response.status, error, response.meta["kind"])
        self.summaries[item.capture.agency].add_failure(failure)
        return item

    def on_error(self, failure: TwistedFailure) -> Iterator[CaptureItem]:
        request = failure.request  # type: ignore[attr-defined]
        reason = self._reason(failure)
        capture = self._capture(request, None, error=reason)
        self.summaries[capture.agency].add_failure(Failure(capture.url, None, reason, request.meta["kind"]))
        yield CaptureItem(capture, None, "failed")

    # -- discovery --------------------------------------------------------------------------------

    @staticmethod
    def _read(agency: Agency, kind: str, url: str, body: bytes, content_type: str | None) -> Findings:
        """What a page offers (pure, thread-safe)."""
        if kind not in _NAVIGATION:
            return read_report(body, url, content_type)
        if is_json(body, content_type):
            return read_json_listing(body, url, agency.hints.api)
        return read_listing(body, url, content_type, agency.hints)

    def _follow(self, agency: Agency, response: Response, findings: Findings) -> Iterator[Any]:
        kind = response.meta["kind"]
        url = response.url
        hops = response.meta["hops"]
        if kind in _NAVIGATION:
            self.summaries[agency.id].problems.extend(findings.problems)
            if not findings.fingerprint or (agency.id, findings.fingerprint) in self.fingerprints:
                return  # nothing to follow, or the same page again (a page number past the end): stop
            self.fingerprints.add((agency.id, findings.fingerprint))
            yield from self._reports(agency, findings.reports, url, hops)
            yield from self._listings(agency, findings, response, hops)
        else:
            depth = response.meta.get("embedded", 0)
            for link in findings.attachments:
                if depth < 2:
                    yield self._request(
                        agency,
                        link.url,
                        "attachment",
                        url,
                        link.text,
                        hops + 1,
                        year=response.meta.get("year"),
                        embedded=depth + 1,
                    )

    def _reports(self, agency: Agency, links: tuple[Link, ...], page: str, hops: int) -> Iterator[Any]:
        for link in links:
            year = report_year(link.text)
            if self.years and year is not None and year not in self.years:
                continue
            if not agency.allows(link.url):
                continue
            if (agency.id, link.url) not in self.reports:
                self.reports.add((agency.id, link.url))
                self.summaries[agency.id].reports_found += 1
            yield self._request(agency, link.url, "report", page, link.text, hops + 1, year=year)

    def _listings(self, agency: Agency, findings: Findings, response: Response, hops: int) -> Iterator[Any]:
        max_hops = self.settings.getint("NIANBAO_MAX_HOPS")
        url = response.url
        if hops < max_hops:
            for link in findings.listings:
                yield self._request(agency, link.url, "listing", url, link.text, hops + 1)
            if not findings.reports and not findings.listings and hops < 2:
                for link in findings.gateways:
                    yield self._request(agency, link.url, "listing", url, link.text, hops + 1)
        if agency.hints.api is None:  # a registry hint wins over endpoints guessed from scripts
            for template in findings.apis:
                yield self._api_request(agency, ApiHint(url=template), 1, url, hops + 1)
        if not findings.reports:
            return
        page = response.meta.get("page")
        api = response.meta.get("api")
        if response.meta["kind"] == "api" and api is not None and page is not None:
            last = api.first_page + api.max_pages - 1
            if findings.total_pages is not None:
                last = min(last, findings.total_pages - (1 - api.first_page))
            if page < last:
                yield self._api_request(agency, api, page + 1, url, hops)
        elif agency.hints.pagination:
            number = response.meta.get("page") or 0
            if number + 1 < (agency.hints.max_pages or self.settings.getint("NIANBAO_MAX_PATTERN_PAGES")):
                base = response.meta.get("listing_base", url)
                next_url = hinted_page(base, agency.hints.pagination, number + 1)
                yield self._request(agency, next_url, "listing", url, "", hops, page=number + 1, listing_base=base)

    def _api_request(
        self, agency: Agency, api: ApiHint, page: int, referrer: str | None, hops: int
    ) -> scrapy.Request | CaptureItem | None:
        return self._request(agency, api.page_url(page), "api", referrer, "", hops, page=page, api=api)

    def _request(
        self,
        agency: Agency,
        url: str,
        kind: str,
        referrer: str | None = None,
        text: str = "",
        hops: int = 0,
        **meta: Any,
    ) -> scrapy.Request | CaptureItem | None:
        """The request for `url`, or None (off-site, already asked, a trap's cap), or a failed capture
        when it cannot be sent (a URL longer than URLLENGTH_LIMIT): every found URL leaves a record."""
        if not agency.allows(url) or (agency.id, url) in self.seen:
            return None
        if kind in _NAVIGATION:
            pattern = (agency.id, _pattern(url))
            self.patterns[pattern] += 1
            if self.patterns[pattern] > self.settings.getint("NIANBAO_MAX_PATTERN_PAGES"):
                return None  # a calendar or session trap: the same URL shape over and over
        self.seen.add((agency.id, url))
        headers = {}
        known = self.validators[agency.id].get(url)
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        meta.update(
            agency=agency.id,
            kind=kind,
            referrer=referrer,
            link_text=text or None,
            hops=hops,
            handle_httpstatus_list=_HANDLED_STATUSES,
        )
        if not agency.obey_robots:
            meta["dont_obey_robotstxt"] = True
        request = scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            headers=headers,
            meta=meta,
            priority=_PRIORITY[kind],
            dont_filter=True,  # (agency, url) de-duplication is ours: two agencies may share a URL
        )
        limit = self.settings.getint("URLLENGTH_LIMIT")
        if limit and len(url) > limit:  # Scrapy would drop it without a word
            return self._never_sent(
                request, f"URL of {len(url)} characters, over URLLENGTH_LIMIT ({limit}); not fetched"
            )
        return request

    def _never_sent(self, request: scrapy.Request, reason: str) -> CaptureItem:
        capture = self._capture(request, None, error=reason)
        self.summaries[capture.agency].add_failure(Failure(capture.url, None, reason, request.meta["kind"]))
        return CaptureItem(capture, None, "failed")

    # -- records ----------------------------------------------------------------------------------

    def _item(
        self,
        response: Response,
        outcome: str,
        *,
        body: bytes | None = None,
        sha256: str | None = None,
        error: str | None = None,
    ) -> CaptureItem:
        """A capture of a response; `body` is stored when given (new bytes, or evidence of a failure)."""
        size = len(response.body) if response.status != 304 else None
        capture = self._capture(response.request, response, sha256=sha256, size=size, error=error)
        return CaptureItem(capture, body, outcome)

    def _capture(
        self,
        request: scrapy.Request,
        response: Response | None,
        *,
        sha256: str | None = None,
        size: int | None = None,
        error: str | None = None,
    ) -> Capture:
        meta = request.meta
        redirects = tuple(meta.get("redirect_urls", ()))
        return Capture(
            agency=meta["agency"],
            url=redirects[0] if redirects else request.url,
            fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            status=response.status if response is not None else None,
            final_url=response.url if response is not None else None,
            method=request.method,
            request_headers=_headers(request.headers),
            response_headers=_headers(response.headers) if response is not None else {},
            redirects=redirects,
            sha256=sha256,
            size=size,
            content_type=_header(response, "Content-Type") if response is not None else None,
            kind=meta["kind"] if meta["kind"] != "api" else "listing",
            referrer=meta.get("referrer"),
            link_text=meta.get("link_text"),
            error=error,
            run_id=self.run_id,
            year=meta.get("year"),
            protocol=response.protocol if response is not None else None,
            ip_address=str(response.ip_address) if response is not None and response.ip_address else None,
            header_lines=_header_lines(response.headers) if response is not None else (),
            redirect_statuses=tuple(r if isinstance(r, int) else None for r in meta.get("redirect_reasons", ())),
        )

    def _reason(self, failure: TwistedFailure) -> str:
        from scrapy.exceptions import (
            CannotResolveHostError,
            DownloadCancelledError,
            DownloadConnectionRefusedError,
            DownloadTimeoutError,
            ResponseDataLossError,
        )

        exc = failure.value
        if isinstance(exc, OffsiteRefused | AddressRefused | RobotsUnavailable):
            return str(exc)
        if isinstance(exc, IgnoreRequest):
            message = str(exc)
            if "robots.txt" in message:
                return "robots.txt forbids this URL"
            if "redirections" in message:
                return f"redirect loop: more than {self.settings.getint('REDIRECT_MAX_TIMES')} redirects"
            return f"refused: {message}"
        if isinstance(exc, DownloadTimeoutError):
            return f"timeout after {self.settings.getint('DOWNLOAD_TIMEOUT')}s"
        if isinstance(exc, DownloadCancelledError):
            return f"too large: over DOWNLOAD_MAXSIZE ({self.settings.getint('DOWNLOAD_MAXSIZE')} bytes)"
        if isinstance(exc, ResponseDataLossError):
            return "truncated: the connection closed before the announced length"
        if isinstance(exc, DownloadConnectionRefusedError):
            return "connection refused"
        if isinstance(exc, CannotResolveHostError):
            return "host name does not resolve"
        return f"{type(exc).__name__}: {exc}".strip()

    def _worth_reading(self, kind: str, response: Response, content_type: str | None) -> bool:
        """Navigation pages always; report and attachment pages only when they are HTML documents."""
        if kind == "page":  # a revisit records what became of a known URL; discovery already ran
            return False
        return kind in _NAVIGATION or self._is_html_report(kind, response, content_type)

    def _is_html_report(self, kind: str, response: Response, content_type: str | None) -> bool:
        """A report or attachment served as an HTML page (not a PDF, DOCX …)."""
        if kind in _NAVIGATION or is_document_url(response.url) or len(response.body) > _READ_BYTES:
            return False
        return content_type is None or content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _pattern(url: str) -> str:
    """The shape of a URL: digits folded, query values dropped (`/cal?d=2024-01-02` ~ `/cal?d=…`)."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{parts.netloc}{_DIGITS.sub('N', parts.path)}?{'&'.join(names)}"


def _header(response: Response | None, name: str) -> str | None:
    if response is None:
        return None
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _headers(headers: Any) -> dict[str, str]:
    return {key.decode("latin-1"): b", ".join(values).decode("latin-1") for key, values in headers.items()}


def _header_lines(headers: Any) -> tuple[tuple[str, str], ...]:
    """Every header line as received (Scrapy keeps the order and repeats, not the case of names)."""
    return tuple(
        (key.decode("latin-1"), value.decode("latin-1")) for key, values in headers.items() for value in values
    )


def _without_validators(request: scrapy.Request) -> dict[str, str]:
    headers = _headers(request.headers)
    return {k: v for k, v in headers.items() if k.lower() not in ("if-none-match", "if-modified-since")}

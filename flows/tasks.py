"""The Prefect tasks the flows are made of: crawl a batch, parse a capture, settle a batch, rebuild the catalog.

Every task is idempotent: raw bodies are content-addressed, captures keyed by (agency, url,
fetched_at), versions created with put-if-absent. A task rerun after a crash therefore finds what the
first attempt wrote and creates nothing twice. Only transient causes are retried.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from nianbao.flows.settlement import Crawled, Holdings, Parse, settle
from nianbao.parsers.errors import ParseError

if TYPE_CHECKING:
    from nianbao.archive import Archive
    from nianbao.archive.captures import Capture
    from nianbao.flows.summaries import AgencyOutcome


@cache
def open_archive(url: str) -> Archive:
    """One connection per archive URL per process (a boto3 client is not free to build)."""
    from nianbao.archive import connect

    return connect(url)


def transient_errors() -> tuple[type[Exception], ...]:
    from nianbao.archive.errors import ConflictError, StoreUnavailable
    from nianbao.crawler.errors import CrawlAborted

    return (StoreUnavailable, ConflictError, CrawlAborted)


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry timeouts, unreachable stores, lost races and crashed crawl processes; nothing else."""
    try:
        state.result()
    except transient_errors():
        return True
    except Exception:
        return False
    return False


# Prefect 3.9's result cache is not safe for concurrent readers in one process: at 1,000 agencies two
# settling threads failed with "OrderedDict mutated during iteration" and a KeyError on the cache file.
# Parsing holds the GIL anyway, so taking turns costs little.
PARSE_CACHE_LOCK = threading.Lock()

RETRIES = {"retries": 2, "retry_delay_seconds": [2, 10], "retry_condition_fn": is_transient}


@task(name="crawl_agencies", cache_policy=NO_CACHE, **RETRIES)
def crawl_agencies(
    registry: str,
    archive_url: str,
    agencies: Sequence[str],
    years: Sequence[int],
    settings: Mapping[str, Any],
    run_id: str | None = None,
) -> dict[str, Crawled]:
    """Crawl a batch of agencies in one Scrapy process (its captures marked with `run_id`): what happened to each."""
    from nianbao.crawler.run import crawl
    from nianbao.flows.progress import report

    summary = crawl(
        registry,
        archive_url,
        agencies=list(agencies),
        years=list(years),
        settings_overrides=dict(settings),
        progress=report,
        run_id=run_id,
    )
    by_id = {a.id: a for a in summary.agencies}
    return {
        agency: Crawled(by_id[agency].error, by_id[agency].downloaded, (summary.run_id,))
        if agency in by_id
        else Crawled("missing from the crawl's summary", 0)
        for agency in agencies
    }


def parse_cache_key(context: Any, parameters: Mapping[str, Any]) -> str:
    from nianbao.parsers.record import PARSER_VERSION

    # "outcome": the cached value is {"record": ...} or {"error": ...}, no longer a bare record.
    return f"parse-outcome-{PARSER_VERSION}-{parameters['sha256']}"


@task(name="parse_capture", cache_key_fn=parse_cache_key, persist_result=True, **RETRIES)
def parse_capture(archive_url: str, sha256: str, url: str, content_type: str | None) -> dict[str, Any]:
    """{"record": the record as a dict} or {"error": why the body cannot be read}, parsed in a bounded
    worker process (flows/parse_worker.py) and cached on the sha256 and the parser version.

    No agency hint: the site a body was found on is not always its issuing body (a parent portal
    reposts its departments' reports), and a hinted name would place a repost with the wrong agency.
    Settlement names the body from the registry once the report's agency is known (see `settle`).
    An unreadable document is an answer, not a failed task: a failed task costs seconds of Prefect's
    failure handling and is parsed again on every rerun.
    """
    from nianbao.flows.parse_worker import parse_bounded

    data = open_archive(archive_url).get_raw(sha256)
    try:
        return {"record": parse_bounded(data, url=url, content_type=content_type, agency=None)}
    except ParseError as exc:
        return {"error": str(exc)}


def record_of(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """The record of a parse_capture outcome; ParseError with the reason when there is none."""
    if "error" in outcome:
        raise ParseError(outcome["error"])
    return outcome["record"]


@task(name="settle_agencies", cache_policy=NO_CACHE, **RETRIES)
def settle_agencies(
    registry: str,
    archive_url: str,
    agencies: Sequence[str],
    names: Mapping[str, str],
    years: Sequence[int],
    since: str,
    crawled: Mapping[str, Crawled],
    settings: Mapping[str, Any],
    regions: Mapping[str, str | None] | None = None,
    run_id: str | None = None,
) -> list[AgencyOutcome]:
    """Revisit held reports the crawl did not see, then parse, group, version and withdraw."""
    from nianbao.flows.settlement import read_holdings

    archive = open_archive(archive_url)
    held = read_holdings(archive, [a for a in agencies if not crawled[a].error], years)
    revisited, revisit_run = revisit_unvisited(
        registry, archive, archive_url, agencies, years, since, crawled, settings, held, run_id
    )
    if revisit_run is not None:  # a revisit under the run's own id adds no run to read
        crawled = {
            a: replace(c, run_ids=(*c.run_ids, revisit_run)) if c.run_ids and revisit_run not in c.run_ids else c
            for a, c in crawled.items()
        }
    parse = cached_parser(archive_url)
    return settle(archive, agencies, names, years, since, crawled, parse, revisited, held, regions=regions)


def cached_parser(archive_url: str) -> Parse:
    """Parse a stored body through the cached `parse_capture` task. The record crosses the cache as a
    dict (Prefect persists results with pickle, which a frozen record's read-only mappings refuse)."""
    from nianbao.parsers.record import ReportRecord

    def parse(capture: Capture, sha256: str) -> ReportRecord:
        with PARSE_CACHE_LOCK:
            outcome = parse_capture(archive_url, sha256, capture.url, capture.content_type)
        return ReportRecord.from_dict(record_of(outcome))

    return parse


def revisit_unvisited(
    registry: str,
    archive: Archive,
    archive_url: str,
    agencies: Sequence[str],
    years: Sequence[int],
    since: str,
    crawled: Mapping[str, Crawled],
    settings: Mapping[str, Any],
    held: Holdings,
    run_id: str | None = None,
) -> tuple[set[str], str | None]:
    """Fetch (through the crawler, one process for the batch) the held report URLs this run missed: the
    URLs, and the crawl run that fetched them (None when there were none).

    Given the run's `run_id`, the revisit's captures carry it: they are part of the visit settled with the
    crawl's, and a WARC import, which settles visits by run, must see them together (a 404 at a moved
    report's old URL means nothing once its new URL was found).
    """
    from nianbao.crawler.agencies import load_registry
    from nianbao.crawler.run import crawl
    from nianbao.flows.progress import report
    from nianbao.flows.settlement import Found, unvisited

    registered = {agency.id: agency for agency in load_registry(registry).agencies}
    todo = {}
    for agency in agencies:
        if not crawled[agency].error:
            found = Found.since(archive, agency, since, crawled[agency].run_ids)
            todo[agency] = unvisited(held, agency, years, found)
    # Each agency as its registry entry says (its hosts, delay, robots and address policy), only the
    # start URLs replaced by the held report URLs to revisit.
    entries = [registered[a].entry(start_urls=urls) for a, urls in todo.items() if urls]
    if not entries:
        return set(), None
    report(f"revisiting {sum(len(e['start_urls']) for e in entries)} held report URLs no listing links to")
    summary = crawl(entries, archive_url, settings_overrides=dict(settings), progress=report, run_id=run_id)
    return {url for entry in entries for url in entry["start_urls"]}, summary.run_id


@task(name="rebuild_catalog", cache_policy=NO_CACHE, **RETRIES)
def rebuild_catalog(archive_url: str, agencies: list[str] | None = None) -> dict[str, int]:
    """Publish the Parquet catalog with the rows of `agencies` (what a run touched) read again from the
    archive, or every agency's when None; rows per table."""
    from nianbao.flows.progress import report

    archive = open_archive(archive_url)
    rows = archive.rebuild_catalog() if agencies is None else archive.update_catalog(agencies)
    report("catalog published: " + ", ".join(f"{n} {table}" for table, n in rows.items()))
    return rows

"""The Prefect tasks the flows are made of: crawl a batch, settle a batch, rebuild the catalog.

A batch is one settle task: its bodies are parsed inside it (flows/reading.py: the archive's parse
cache, bounded worker processes), not as a Prefect task each, whose state round trips cost more than
most parses.

Every task is idempotent: raw bodies are content-addressed, captures keyed by (agency, url,
fetched_at), versions created with put-if-absent. A task rerun after a crash therefore finds what the
first attempt wrote and creates nothing twice. Only transient causes are retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from nianbao.flows.reading import StoredReader
from nianbao.flows.settlement import Crawled, Found, Holdings, read_holdings, settle, unvisited

if TYPE_CHECKING:
    from nianbao.archive import Archive
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
    archive = open_archive(archive_url)
    ok = [a for a in agencies if not crawled[a].error]
    held = read_holdings(archive, ok, years)
    # The run's captures, listed once: what to revisit is read from them, and settling reuses them for
    # every agency the revisit did not add to.
    found = {a: Found.since(archive, a, since, crawled[a].run_ids) for a in ok}
    revisited, revisit_run = revisit_unvisited(registry, archive_url, years, settings, held, found, run_id)
    if revisit_run is not None:  # a revisit under the run's own id adds no run to read
        crawled = {
            a: replace(c, run_ids=(*c.run_ids, revisit_run)) if c.run_ids and revisit_run not in c.run_ids else c
            for a, c in crawled.items()
        }
        found = {a: f for a, f in found.items() if not unvisited(held, a, years, f)}  # the others list again
    reader = cached_parser(archive_url)
    return settle(
        archive, agencies, names, years, since, crawled, reader, revisited, held,
        regions=regions, quick=reader.quick, found=found, pictures=reader.pictures,
    )  # fmt: skip


def cached_parser(archive_url: str) -> StoredReader:
    """Parse stored bodies through the archive's parse cache (flows/reading.py), in bounded workers."""
    return StoredReader(open_archive(archive_url))


def revisit_unvisited(
    registry: str,
    archive_url: str,
    years: Sequence[int],
    settings: Mapping[str, Any],
    held: Holdings,
    found: Mapping[str, Found],
    run_id: str | None = None,
) -> tuple[set[str], str | None]:
    """Fetch (through the crawler, one process for the batch) the held report URLs the run's captures
    `found` (per agency that crawled) missed: the URLs, and the crawl run that fetched them (None when
    there were none).

    Given the run's `run_id`, the revisit's captures carry it: they are part of the visit settled with the
    crawl's, and a WARC import, which settles visits by run, must see them together (a 404 at a moved
    report's old URL means nothing once its new URL was found).
    """
    from nianbao.crawler.agencies import load_registry
    from nianbao.crawler.run import crawl
    from nianbao.flows.progress import report

    todo = {agency: urls for agency, run in found.items() if (urls := unvisited(held, agency, years, run))}
    if not todo:
        return set(), None  # the usual case: the registry file is not read again
    # Each agency as its registry entry says (its hosts, delay, robots and address policy), only the
    # start URLs replaced by the held report URLs to revisit.
    registered = {agency.id: agency for agency in load_registry(registry).agencies}
    entries = [registered[a].entry(start_urls=urls) for a, urls in todo.items()]
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

"""The `harvest` flow: crawl → archive raw → parse → version → catalog, for a registry subset.

Agencies are crawled in batches, one Scrapy process per batch (a Twisted crawl cannot run twice in a
process), at most `crawl_processes` at once; Scrapy holds the global and per-host request limits.
As each batch finishes, its agencies are settled concurrently (parse, version, withdrawals) while the
next batch crawls. A batch whose crawl process fails is crawled again agency by agency, so one
agency's failure never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from prefect import flow
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.selection import default_years, select
from flows.summaries import FAILED, AgencyOutcome, RunSummary, merge
from flows.tasks import crawl_agencies, settle_agency

SETTLE_WORKERS = 8


@flow(name="harvest", task_runner=ThreadPoolTaskRunner(max_workers=SETTLE_WORKERS + 4))
def harvest(
    registry: str,
    archive_url: str,
    agencies: list[str] | None = None,
    regions: list[str] | None = None,
    levels: list[str] | None = None,
    years: list[int] | None = None,
    per_host: int = 2,
    requests: int = 32,
    crawl_processes: int = 2,
    batch_size: int = 50,
) -> RunSummary:
    """Harvest report `years` (default: last year) of the registry agencies matching the filters."""
    from crawler.registry import load_registry

    years = sorted(years or default_years())
    chosen = [
        e.id for e in select(load_registry(registry), ids=agencies, regions=regions, levels=levels, registry=registry)
    ]
    outcomes = run_agencies(
        registry, archive_url, chosen, years, crawl_settings(per_host, requests), crawl_processes, batch_size
    )
    summary = merge("harvest", years, outcomes)
    finish(archive_url, summary)
    return summary


def crawl_settings(per_host: int, requests: int) -> dict[str, Any]:
    return {"CONCURRENT_REQUESTS": requests, "CONCURRENT_REQUESTS_PER_DOMAIN": per_host}


def run_agencies(
    registry: str,
    archive_url: str,
    agencies: Sequence[str],
    years: Sequence[int],
    settings: dict[str, Any],
    crawl_processes: int,
    batch_size: int,
) -> list[AgencyOutcome]:
    since = now()
    batches = [list(agencies[i : i + batch_size]) for i in range(0, len(agencies), batch_size)]
    settling: list[tuple[str, PrefectFuture]] = []
    for batch, crawled in crawled_batches(registry, archive_url, batches, years, settings, crawl_processes):
        settling += [
            (agency, settle_agency.submit(archive_url, agency, years, since, since, crawled[agency]))
            for agency in batch
        ]
    return [outcome_of(agency, years, future) for agency, future in settling]


def crawled_batches(
    registry: str,
    archive_url: str,
    batches: list[list[str]],
    years: Sequence[int],
    settings: dict[str, Any],
    width: int,
) -> Iterator[tuple[list[str], dict[str, str | None]]]:
    """Each batch with its agencies' crawl failures, as batches finish, `width` processes at a time."""
    queue = list(batches)
    running: dict[PrefectFuture, list[str]] = {}
    while queue or running:
        while queue and len(running) < width:
            batch = queue.pop(0)
            running[crawl_agencies.submit(registry, archive_url, batch, years, settings)] = batch
        future = next(as_completed(list(running)))
        batch = running.pop(future)
        state = future.state
        if state.is_completed():
            yield batch, future.result()
        elif len(batch) > 1:
            queue += [[agency] for agency in batch]  # isolate the agency that broke the process
        else:
            yield batch, {batch[0]: f"crawl failed: {failure_message(state)}"}


def outcome_of(agency: str, years: Sequence[int], future: PrefectFuture) -> AgencyOutcome:
    """The settled outcome, or the agency marked failed with the reason its task gave."""
    future.wait()
    if future.state.is_completed():
        return future.result()
    return AgencyOutcome(
        agency,
        expected=len(years),
        failed=1,
        coverage=dict.fromkeys(years, FAILED),
        failures=(f"settling failed: {failure_message(future.state)}",),
    )


def failure_message(state: Any) -> str:
    try:
        state.result()
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return state.message or state.type.value


def finish(archive_url: str, summary: RunSummary) -> None:
    """Rebuild the catalog and publish the summary as a markdown artifact."""
    from prefect.artifacts import create_markdown_artifact

    from flows.catalogs import rebuild_catalog
    from flows.summaries import render_markdown

    rebuild_catalog(archive_url)
    create_markdown_artifact(render_markdown(summary), key=f"{summary.flow.replace('_', '-')}-summary")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

"""The `harvest` flow: crawl → archive raw → parse → version → catalog, for a registry subset.

Agencies are crawled in batches (whole families: flows/batches.py), one Scrapy process per batch (a
Twisted crawl cannot run twice in a process), at most `crawl_processes` at once; Scrapy holds the
global and per-host request limits. As each batch's crawl ends, the batch is settled (parse, identify,
version, withdraw) while the next batches crawl. A batch whose crawl process fails is crawled again
agency by agency, so one agency's failure never stops the others.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from prefect import flow
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from nianbao.flows.batches import BatchQueue, batch_size, family_batches
from nianbao.flows.progress import report
from nianbao.flows.registry_snapshot import keep as keep_registry
from nianbao.flows.selection import default_years, resolve
from nianbao.flows.settlement import Crawled, now
from nianbao.flows.summaries import FAILED, AgencyOutcome, RunSummary, merge
from nianbao.flows.tasks import crawl_agencies, settle_agencies


@flow(name="harvest", task_runner=ThreadPoolTaskRunner(max_workers=8))
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
    batch: int | None = None,
    download_delay: float | None = None,
) -> RunSummary:
    """Harvest report `years` (default: last year) of the registry agencies matching the filters.

    `batch`: agencies a crawl process takes (default: flows.batches.batch_size of the run)."""
    report(f"harvest started: reading the registry {registry}")  # before anything that takes seconds
    years = sorted(years or default_years())
    names, chosen = resolve(registry, ids=agencies, regions=regions, levels=levels)
    region_codes = {e.id: e.region_code for e in chosen}
    work = Work(registry, archive_url, names, years, crawl_settings(per_host, requests, download_delay), region_codes)
    keep_registry(registry, archive_url)
    size = batch or batch_size(len(chosen), crawl_processes)
    outcomes = work.run(family_batches(chosen, size), crawl_processes)
    summary = merge("harvest", years, outcomes)
    finish(archive_url, summary)
    return summary


def crawl_settings(per_host: int, requests: int, download_delay: float | None = None) -> dict[str, Any]:
    """Scrapy settings of a run. A fixed `download_delay` replaces AutoThrottle (for servers you own,
    such as the simulated web); None keeps the crawler's polite default."""
    settings: dict[str, Any] = {"CONCURRENT_REQUESTS": requests, "CONCURRENT_REQUESTS_PER_DOMAIN": per_host}
    if download_delay is not None:
        settings |= {"DOWNLOAD_DELAY": download_delay, "AUTOTHROTTLE_ENABLED": False}
    return settings


class Work:
    """One run's crawl-then-settle pipeline over batches of agencies."""

    def __init__(
        self,
        registry: str,
        archive_url: str,
        names: Mapping[str, str],
        years: Sequence[int],
        settings: Mapping[str, Any],
        regions: Mapping[str, str | None] | None = None,
    ) -> None:
        self.registry, self.archive_url, self.names = registry, archive_url, dict(names)
        self.regions = dict(regions or {})  # agency id -> registry region code, kept with its reports
        self.years, self.settings = list(years), dict(settings)
        self.since = now()
        # One id for every crawl of the run, revisits included: an export keeps it, and a WARC import
        # settles the captures of one run together, as this run does.
        self.run_id = uuid.uuid4().hex

    def run(self, batches: list[list[str]], crawl_processes: int) -> list[AgencyOutcome]:
        total = sum(len(b) for b in batches)
        report(f"{total} agencies in {len(batches)} batches, report years {self.years[0]}–{self.years[-1]}")
        settling = []
        queue = BatchQueue(batches)
        for n, (batch, failures) in enumerate(self.crawled(queue, crawl_processes), start=1):
            failed = sum(1 for c in failures.values() if c.error)
            report(f"crawled batch {n}/{queue.total}: {len(batch)} agencies, {failed} failed; settling")
            future = settle_agencies.submit(
                self.registry,
                self.archive_url,
                batch,
                self.names,
                self.years,
                self.since,
                failures,
                self.settings,
                self.regions,
                run_id=self.run_id,
            )
            settling.append((batch, future))
        outcomes = []
        for n, (batch, future) in enumerate(settling, start=1):
            outcomes += self.outcomes(batch, future)
            report(f"settled batch {n}/{len(settling)}: {sum(o.found for o in outcomes)} reports so far")
        return outcomes

    def crawled(self, queue: BatchQueue, width: int) -> Iterator[tuple[list[str], dict[str, Crawled]]]:
        """Each batch with its agencies' crawl failures, as crawls end, `width` processes at a time."""
        running: dict[PrefectFuture, list[str]] = {}
        while queue or running:
            while queue and len(running) < width:
                batch = queue.pop()
                future = crawl_agencies.submit(
                    self.registry, self.archive_url, batch, self.years, self.settings, run_id=self.run_id
                )
                running[future] = batch
            future = next(as_completed(list(running)))
            batch = running.pop(future)
            try:
                crawled = future.result()
            except Exception as exc:
                if len(batch) > 1:
                    queue.split(batch)  # isolate the agency that broke the process
                    continue
                crawled = {batch[0]: Crawled(f"crawl failed: {exc}", 0)}
            yield batch, crawled

    def outcomes(self, batch: list[str], future: PrefectFuture) -> list[AgencyOutcome]:
        """The batch's outcomes, or each agency marked failed with the reason the task gave."""
        try:
            return future.result()
        except Exception as exc:
            reason = f"settling failed: {exc}"
        return [
            AgencyOutcome(
                a, expected=len(self.years), failed=1, coverage=dict.fromkeys(self.years, FAILED), failures=(reason,)
            )
            for a in batch
        ]


def finish(archive_url: str, summary: RunSummary) -> None:
    """Update the catalog for the run's agencies and publish the summary as a markdown artifact."""
    from prefect.artifacts import create_markdown_artifact

    from nianbao.flows.summaries import render_markdown
    from nianbao.flows.tasks import rebuild_catalog

    rebuild_catalog(archive_url, sorted({outcome.agency for outcome in summary.agencies}))
    create_markdown_artifact(render_markdown(summary), key=artifact_key(summary.flow, "summary"))


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower())

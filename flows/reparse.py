"""The `reparse` flow: run the current parsers over stored raw captures, fetching nothing.

For each stored report (filtered by agency, year, and the parser version of its latest record), the
own-site captures of its latest version are parsed again from their raw bodies; a record that comes
out different becomes a new version with its diff, an identical one is an observation dated when the
body was fetched (a reparse is not a visit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from nianbao.flows.summaries import AgencyOutcome, RunSummary, merge
from nianbao.flows.tasks import RETRIES, open_archive


@flow(name="reparse", task_runner=ThreadPoolTaskRunner(max_workers=4))
def reparse(
    archive_url: str,
    agencies: list[str] | None = None,
    years: list[int] | None = None,
    parser_version: str | None = None,
) -> RunSummary:
    """Re-parse the stored reports matching the filters (all by default)."""
    from nianbao.flows.errors import NothingStored
    from nianbao.flows.harvest import finish

    chosen: Mapping[str, list[int]] = defaultdict(list)
    for agency, year in open_archive(archive_url).report_ids():
        if (not agencies or agency in agencies) and (not years or year in years):
            chosen[agency].append(year)
    if not chosen:
        raise NothingStored(f"{archive_url} holds no report of agencies={agencies or 'any'} years={years or 'any'}")
    futures = [reparse_agency.submit(archive_url, agency, sorted(ys), parser_version) for agency, ys in chosen.items()]
    summary = merge("reparse", sorted({y for ys in chosen.values() for y in ys}), [f.result() for f in futures])
    finish(archive_url, summary)
    return summary


@task(name="reparse_agency", cache_policy=NO_CACHE, **RETRIES)
def reparse_agency(archive_url: str, agency: str, years: Sequence[int], parser_version: str | None) -> AgencyOutcome:
    from nianbao.flows.settlement import reparse_reports

    return reparse_reports(open_archive(archive_url), agency, years, parser_version, parse_stored(archive_url))


def parse_stored(archive_url: str):
    from nianbao.flows.tasks import cached_parser

    return cached_parser(archive_url)

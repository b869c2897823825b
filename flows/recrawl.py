"""The `recrawl_agency` flow: one agency, now, ending with its changeset against the archive."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from nianbao.flows.changesets import Changeset
from nianbao.flows.selection import all_years, resolve
from nianbao.flows.summaries import MISSING, RunSummary, merge


@dataclass(frozen=True)
class Recrawl:
    summary: RunSummary
    changeset: Changeset


@flow(name="recrawl-agency", task_runner=ThreadPoolTaskRunner(max_workers=2))
def recrawl_agency(
    agency: str,
    registry: str,
    archive_url: str,
    years: list[int] | None = None,
    download_delay: float | None = None,
) -> Recrawl:
    """Crawl one agency for `years` (default: every year since the disclosure rules began) and compare."""
    from prefect.artifacts import create_markdown_artifact

    from nianbao.flows.changesets import render_changeset_markdown
    from nianbao.flows.harvest import Work, artifact_key, crawl_settings, finish
    from nianbao.flows.registry_snapshot import keep as keep_registry

    names, chosen = resolve(registry, ids=[agency])
    asked = sorted(years or all_years())
    regions = {e.id: e.region_code for e in chosen}
    work = Work(registry, archive_url, names, asked, crawl_settings(2, 8, download_delay), regions)
    keep_registry(registry, archive_url)
    [outcome] = work.run([[agency]], crawl_processes=1)
    # A recrawl over every year shows only the years where something is, or was asked for explicitly.
    shown = asked if years else [y for y in asked if outcome.coverage.get(y, MISSING) != MISSING] or asked[-1:]
    summary = merge("recrawl_agency", shown, [outcome])
    changeset = Changeset.of(outcome)
    finish(archive_url, summary)
    create_markdown_artifact(render_changeset_markdown(changeset), key=artifact_key("changeset", agency))
    return Recrawl(summary, changeset)

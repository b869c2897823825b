"""The deployments `nianbao serve` runs and infra/prefect.yaml mirrors for workers.

The yearly harvest follows the statutory calendar: departments publish their report by 31 January and
county-level-and-up governments theirs by 31 March, so the harvest runs early in February (departments
in) and again early in April (governments in). Both dates are parameters of `build`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

# 03:00 Beijing time on 2 February and 2 April: a day's grace after each statutory deadline.
HARVEST_CRONS = ("0 3 2 2 *", "0 3 2 4 *")
TIMEZONE = "Asia/Shanghai"


def build(
    registry: str, archive_url: str, *, crons: Sequence[str] = HARVEST_CRONS, timezone: str = TIMEZONE
) -> list[RunnerDeployment]:
    from prefect.schedules import Cron

    from nianbao.flows.harvest import harvest
    from nianbao.flows.recrawl import recrawl_agency
    from nianbao.flows.reparse import reparse

    where = {"registry": registry, "archive_url": archive_url}
    return [
        harvest.to_deployment(
            name="yearly-harvest",
            schedules=[Cron(c, timezone=timezone) for c in crons],
            parameters=where,
            description="Last year's reports of every registry agency, after each statutory deadline.",
            tags=["harvest"],
        ),
        recrawl_agency.to_deployment(
            name="recrawl",
            parameters=where,
            description="One agency on demand: prefect deployment run 'recrawl-agency/recrawl' -p agency=ID",
            tags=["recrawl"],
        ),
        reparse.to_deployment(
            name="reparse",
            parameters={"archive_url": archive_url},
            description="Re-parse stored captures after a parser release; fetches nothing.",
            tags=["reparse"],
        ),
    ]

"""What a crawl did, per agency and in total: the counts a person reads and a script parses.

`downloaded` counts bodies fetched with a 2xx and stored as new; `unchanged` counts 304s and bodies
identical to the last capture of the same URL; `failed` counts failed fetches (each also a capture).
An agency where no report was found is a failed agency, whatever else happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_LISTED_FAILURES = 50  # per agency in the summary; every failure is a capture in the archive anyway


@dataclass
class Failure:
    url: str
    status: int | None
    error: str
    kind: str


@dataclass
class AgencySummary:
    id: str
    name: str
    reports_found: int = 0
    downloaded: int = 0
    unchanged: int = 0
    failed: int = 0
    bytes_downloaded: int = 0
    pages: int = 0
    error: str | None = None  # why the agency as a whole failed (no report found)
    robots_override: str | None = None  # the registry's reason, when robots.txt was not obeyed
    problems: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def add_failure(self, failure: Failure) -> None:
        self.failed += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(failure)


@dataclass
class CrawlSummary:
    run_id: str
    agencies: list[AgencySummary]
    aborted: str | None = None  # the crawl stopped early (archive unwritable): why

    @property
    def failed_agencies(self) -> list[str]:
        return [agency.id for agency in self.agencies if agency.error]

    def total(self, name: str) -> int:
        return sum(getattr(agency, name) for agency in self.agencies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agencies": len(self.agencies),
            "reports_found": self.total("reports_found"),
            "downloaded": self.total("downloaded"),
            "unchanged": self.total("unchanged"),
            "failed": self.total("failed"),
            "bytes_downloaded": self.total("bytes_downloaded"),
            "pages": self.total("pages"),
            "failed_agencies": self.failed_agencies,
            "aborted": self.aborted,
            "run_id": self.run_id,
            "by_agency": [asdict(agency) for agency in self.agencies],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlSummary:
        agencies = [
            AgencySummary(**{**entry, "failures": [Failure(**failure) for failure in entry["failures"]]})
            for entry in data["by_agency"]
        ]
        return cls(run_id=data["run_id"], agencies=agencies, aborted=data.get("aborted"))

    def table(self) -> str:
        """The per-agency table printed at the end of `nianbao crawl`."""
        header = ("agency", "reports", "downloaded", "unchanged", "failed", "MB", "note")
        rows = [
            (
                agency.id,
                str(agency.reports_found),
                str(agency.downloaded),
                str(agency.unchanged),
                str(agency.failed),
                f"{agency.bytes_downloaded / 1e6:.1f}",
                agency.error or (f"robots.txt overridden: {agency.robots_override}" if agency.robots_override else ""),
            )
            for agency in self.agencies
        ]
        totals = ("TOTAL", *(str(self.total(n)) for n in ("reports_found", "downloaded", "unchanged", "failed")))
        rows.append((*totals, f"{self.total('bytes_downloaded') / 1e6:.1f}", self.aborted or ""))
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
        lines = [_line(row, widths) for row in (header, *rows)]
        return "\n".join(line.rstrip() for line in lines) + "\n"


def _line(row: tuple[str, ...], widths: list[int]) -> str:
    cells = [
        cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in enumerate(zip(row, widths, strict=False))
    ]
    return "  ".join(cells) + "  " + row[-1]

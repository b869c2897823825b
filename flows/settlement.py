"""Settling one agency after a crawl: which bodies are its reports, what each is, what changed.

The crawl leaves captures in the archive; this reads the ones of the current run, parses every report
body (through the cached parse task), keeps the best record of each report year, hands it to
flows/versioning.py, and turns 404/410 answers at a held report's URLs into withdrawals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from archive import Archive
from archive import reports as shelves
from archive.captures import Capture
from flows.summaries import FAILED, FOUND, MISSING, WITHDRAWN, AgencyOutcome
from flows.versioning import ingest, mark_withdrawn
from parsers.errors import ParseError
from parsers.record import ReportRecord

ROLES = {"report": "page", "attachment": "attachment"}
GONE = (404, 410)
YEAR = re.compile(r"(20\d\d)")

Parse = Callable[[Capture, str], Mapping[str, Any]]


@dataclass(frozen=True)
class Found:
    """An agency's captures from one run: the latest per URL, with the body each stands for."""

    captures: tuple[Capture, ...]
    bodies: Mapping[str, str]  # url -> sha256 of its body (from a 200, or the stored one behind a 304)

    @classmethod
    def since(cls, archive: Archive, agency: str, since: str) -> Found:
        latest: dict[str, Capture] = {}
        for _, capture in archive.captures(agency):
            if capture.fetched_at >= since and (
                capture.url not in latest or capture.fetched_at > latest[capture.url].fetched_at
            ):
                latest[capture.url] = capture
        known = archive.validators(agency)
        bodies = {}
        for url, capture in latest.items():
            if capture.sha256 and capture.status is not None and 200 <= capture.status < 300:
                bodies[url] = capture.sha256
            elif capture.status == 304 and url in known and known[url].sha256:
                bodies[url] = known[url].sha256
        return cls(tuple(sorted(latest.values(), key=lambda c: c.url)), bodies)

    def report_bodies(self) -> list[tuple[Capture, str]]:
        return [(c, self.bodies[c.url]) for c in self.captures if c.kind in ROLES and c.url in self.bodies]

    def gone(self) -> dict[str, Capture]:
        return {c.url: c for c in self.captures if c.status in GONE}


def settle(
    archive: Archive,
    agency: str,
    years: Sequence[int],
    found: Found,
    seen_at: str,
    crawl_failure: str | None,
    parse: Parse,
) -> AgencyOutcome:
    if crawl_failure is not None:
        return AgencyOutcome(
            agency, expected=len(years), failed=1, coverage=dict.fromkeys(years, FAILED), failures=(crawl_failure,)
        )
    candidates, failures = _parse_all(found, years, parse)
    coverage: dict[int, str] = {}
    counts: dict[str, int] = defaultdict(int)
    check_failures = 0
    for year, group in sorted(candidates.items()):
        record, captures = _best(group)
        result = ingest(archive, agency, year, ReportRecord.from_dict(record), captures, seen_at)
        counts[result.kind] += 1
        coverage[year] = FOUND
        check_failures += sum(1 for c in record.get("checks", ()) if c["passed"] is False)
    gone = found.gone()
    for year in years:
        if year in coverage:
            continue
        latest = shelves.latest_version(archive.store, agency, year)
        evidence = _evidence(latest, gone) if latest is not None and latest.kind == "content" else None
        if evidence is not None:
            counts[mark_withdrawn(archive, agency, year, evidence, seen_at).kind] += 1
        if latest is not None and (evidence is not None or latest.kind == "withdrawn"):
            coverage[year] = WITHDRAWN
        else:
            coverage[year] = FAILED if year in failures else MISSING
    unresolved = {y: m for y, m in failures.items() if y is None or coverage.get(y) != FOUND}
    return AgencyOutcome(
        agency,
        expected=len(years),
        found=len(candidates),
        new=counts["new"],
        changed=counts["changed"],
        unchanged=counts["unchanged"],
        withdrawn=counts["withdrawn"],
        failed=sum(len(m) if y is None else 1 for y, m in unresolved.items()),
        check_failures=check_failures,
        coverage=coverage,
        failures=tuple(m for messages in unresolved.values() for m in messages),
    )


Candidates = dict[int, list[tuple[Mapping[str, Any], Capture]]]


def _parse_all(found: Found, years: Sequence[int], parse: Parse) -> tuple[Candidates, dict[int | None, list[str]]]:
    """Each report body's record, by report year; parse failures by the year their link names."""
    candidates: Candidates = defaultdict(list)
    failures: dict[int | None, list[str]] = defaultdict(list)
    for capture, sha256 in found.report_bodies():
        try:
            record = parse(capture, sha256)
        except ParseError as exc:
            year = _year_hint(capture)
            if year is None or year in years:
                failures[year].append(f"{capture.url}: {exc}")
            continue
        year = record.get("year") or _year_hint(capture)
        if year is None:
            failures[None].append(f"{capture.url}: no report year in the document or its link")
        elif year in years:
            candidates[year].append((record, capture))
    return candidates, failures


def _year_hint(capture: Capture) -> int | None:
    match = YEAR.search(capture.link_text or "")
    return int(match.group(1)) if match else None


def _best(group: list[tuple[Mapping[str, Any], Capture]]) -> tuple[Mapping[str, Any], list[tuple[Capture, str]]]:
    """The fullest record among a report's renderings (most tables read, fewest warnings), with all
    the captures that are this report."""

    def fullness(item: tuple[Mapping[str, Any], Capture]) -> tuple[int, int, str]:
        record, capture = item
        tables = sum(record.get(t) is not None for t in ("active_disclosure", "applications", "review_litigation"))
        return (tables, -len(record.get("warnings", ())), capture.url)

    record = max(group, key=fullness)[0]
    return record, [(capture, ROLES[capture.kind]) for _, capture in group]


def _evidence(latest: shelves.Version, gone: Mapping[str, Capture]) -> Capture | None:
    """A 404/410 from this run at a URL the held version was captured from."""
    return next((gone[link.url] for link in latest.captures if link.url in gone), None)

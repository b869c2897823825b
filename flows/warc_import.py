"""The `warc-import` flow: answers kept in WARC/WACZ files enter the archive as captures with their
own capture dates, and are settled like a crawl's, visit by visit in the order they happened.

An answer belongs to the registry agency whose start URL's host it was fetched from (the longest
matching path wins when several agencies share a host); nianbao's own exports name the agency, kind,
referrer and link text in their metadata records. A foreign answer's kind is decided by parsing its
body: a body that reads as a report is a report (or an attachment, when not HTML), anything else a
page. The captures are then grouped into visits (one export run, or one agency-day of a foreign
crawl) and each visit is settled by flows/settlement.py with `since`/`until` bounding it, oldest
first, so a report collected years ago gets its versions at the times it was seen.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prefect import flow

from nianbao.archive.captures import Capture
from nianbao.archive.warc import ORIGINAL
from nianbao.archive.warc_intake import Answer, answers
from nianbao.flows.progress import report
from nianbao.flows.selection import all_years, resolve
from nianbao.flows.settlement import Crawled, settle
from nianbao.flows.summaries import AgencyOutcome
from nianbao.parsers.record import ReportRecord

DOCUMENT_TYPES = ("html", "pdf", "msword", "wordprocessingml", "wps", "ofd", "rtf", "octet-stream")
HTML_TYPES = ("text/html", "application/xhtml+xml")


class HostMatcher:
    """Which registry agency a URL belongs to, by host and the longest start-URL path it falls under."""

    def __init__(self, entries: Iterable[Any]) -> None:
        self.places: dict[str, list[tuple[str, str]]] = defaultdict(list)  # host -> (path prefix, agency)
        for entry in entries:
            for url in (*entry.start_urls, *entry.hints.listing_urls):
                parts = urlsplit(url)
                prefix = parts.path.rsplit("/", 1)[0] + "/"
                self.places[(parts.hostname or "").lower()].append((prefix, entry.id))

    def match(self, url: str) -> tuple[str | None, str]:
        """(agency, "") or (None, why not)."""
        parts = urlsplit(url)
        candidates = self.places.get((parts.hostname or "").lower(), [])
        if not candidates:
            return None, f"{url}: no registry agency has the host {parts.hostname!r}"
        scored = sorted({(len(p) if parts.path.startswith(p) else 0, a) for p, a in candidates}, reverse=True)
        best = [a for score, a in scored if score == scored[0][0]]
        if len(set(best)) > 1:
            return None, f"{url}: the host is shared by {', '.join(sorted(set(best)))} and no start URL path decides"
        return best[0], ""


@dataclass
class ImportSummary:
    files: int = 0
    answers: int = 0
    captures: int = 0
    skipped: list[str] = field(default_factory=list)
    kept_back: list[str] = field(default_factory=list)  # reports whose history is newer than the import
    outcomes: list[AgencyOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        total = lambda name: sum(getattr(o, name) for o in self.outcomes)  # noqa: E731
        return {
            "files": self.files,
            "answers": self.answers,
            "captures_imported": self.captures,
            "answers_skipped": len(self.skipped),
            "reports_new": total("new"),
            "reports_changed": total("changed"),
            "reports_unchanged": total("unchanged"),
            "reports_withdrawn": total("withdrawn"),
            "versions_created": total("new") + total("changed"),
            "failures": total("failed"),
        }

    def json_line(self) -> str:
        return json.dumps(self.counts())

    def render(self) -> str:
        lines = [f"warc import: {', '.join(f'{k} {v}' for k, v in self.counts().items())}"]
        lines += [f"skipped {message}" for message in self.skipped]
        lines += [f"not versioned {message}" for message in self.kept_back]
        lines += [f"failed {o.agency}: {message}" for o in self.outcomes for message in o.failures]
        return "\n".join(lines) + "\n"


@dataclass
class Visit:
    agencies: set[str] = field(default_factory=set)
    since: str = "9999"
    until: str = ""

    def add(self, capture: Capture) -> None:
        self.agencies.add(capture.agency)
        self.since, self.until = min(self.since, capture.fetched_at), max(self.until, capture.fetched_at)


class Intake:
    """Turns answers into stored captures, remembering the visits they make up."""

    def __init__(self, archive: Any, archive_url: str, matcher: HostMatcher, known: Iterable[str]) -> None:
        self.archive, self.archive_url, self.matcher, self.known = archive, archive_url, matcher, set(known)
        self.visits: dict[str, Visit] = defaultdict(Visit)
        self.digests: dict[str, str] = {}  # payload digest as written -> sha256 of the stored body
        self.summary = ImportSummary()

    def read(self, path: Path) -> None:
        self.summary.files += 1
        for answer in answers(path):
            self.summary.answers += 1
            agency = answer.field("agency")
            if agency not in self.known:
                agency, why = self.matcher.match(answer.field("requested-url") or answer.uri)
                if agency is None:
                    self.summary.skipped.append(f"{answer.source}: {why}")
                    continue
            capture = self.capture(agency, answer)
            self.archive.add_capture(capture)
            self.summary.captures += 1
            self.visits[answer.field("run-id") or f"{agency} {capture.fetched_at[:10]}"].add(capture)

    def capture(self, agency: str, answer: Answer) -> Capture:
        headers = _header_dict(answer.header_lines)
        content_type = answer.field("content-type") or headers.get("content-type")
        sha256, size, error = None, None, answer.field("error")
        if answer.body is not None:
            sha256, size = self.archive.put_raw(answer.body, content_type), len(answer.body)
            if answer.payload_digest:
                self.digests[answer.payload_digest] = sha256
        elif answer.refers_digest and not answer.not_modified:
            sha256 = answer.refers_to or self.digests.get(answer.refers_digest)
            if sha256 is None or not self.archive.has_raw(sha256):
                sha256, error = None, error or "revisit of a payload that is neither in the archive nor in these files"
        redirects = [line.split(" ", 1) for line in answer.fields.get("redirect", ())]
        return Capture(
            agency=agency,
            url=answer.field("requested-url") or answer.uri,
            fetched_at=answer.date,
            status=answer.status,
            final_url=answer.uri if answer.status is not None else None,
            method=answer.method,
            request_headers={k: v for k, v in answer.request_headers.items() if k.lower() != "host"},
            response_headers=_header_dict(answer.header_lines, keep_case=True),
            redirects=tuple(url for _, url in redirects),
            sha256=sha256,
            size=size,
            content_type=content_type,
            kind=answer.field("kind") or self.kind(answer, sha256, content_type, agency),
            referrer=answer.field("referrer"),
            link_text=answer.field("link-text"),
            error=error,
            run_id=answer.field("run-id") or f"warc-import:{answer.source}",
            protocol=answer.protocol,
            ip_address=answer.ip_address,
            header_lines=_original_lines(answer.header_lines),
            redirect_statuses=tuple(int(s) if s.isdigit() else None for s, _ in redirects),
        )

    def kind(self, answer: Answer, sha256: str | None, content_type: str | None, agency: str) -> str:
        """A foreign answer's kind: what its body parses as (a yearless attachment, with no referrer to tie
        it to its report, stays a page)."""
        media = (content_type or "").split(";")[0].strip().lower()
        if sha256 is None or answer.status is None or not 200 <= answer.status < 300:
            return "page"
        if media and not any(t in media for t in DOCUMENT_TYPES):
            return "page"
        from nianbao.parsers.errors import ParseError

        try:
            record = _parse(self.archive_url, answer.uri, sha256, content_type)
        except ParseError:
            return "page"
        if record.get("year") is None:  # a listing or a notice reads as text, but names no report year
            return "page"
        return "report" if media in HTML_TYPES or not media else "attachment"


def _parse(archive_url: str, url: str, sha256: str, content_type: str | None) -> dict[str, Any]:
    from nianbao.flows.reading import record_of
    from nianbao.flows.tasks import cached_parser

    return record_of(cached_parser(archive_url).outcome(sha256, url, content_type, ocr=True)).to_dict()


def _header_dict(lines: Sequence[tuple[str, str]], keep_case: bool = False) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in _original_lines(lines):
        key = name if keep_case else name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _original_lines(lines: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Header lines with nianbao's export renaming undone (see archive/warc.py ORIGINAL)."""
    renamed = {n[len(ORIGINAL) :].lower() for n, _ in lines if n.startswith(ORIGINAL)}
    return tuple(
        (n[len(ORIGINAL) :], v) if n.startswith(ORIGINAL) else (n, v)
        for n, v in lines
        if n.startswith(ORIGINAL) or n.lower() not in renamed
    )


@flow(name="warc-import")
def warc_import(files: list[str], registry: str, archive_url: str) -> ImportSummary:
    """Import the answers in `files` (.warc, .warc.gz, .wacz) into the archive and version their reports."""
    from nianbao.flows.tasks import open_archive, rebuild_catalog

    names, entries = resolve(registry)
    archive = open_archive(archive_url)
    intake = Intake(archive, archive_url, HostMatcher(entries), names)
    for path in files:
        intake.read(Path(path))
        report(f"read {path}: {intake.summary.captures} captures so far")
    years = all_years()
    visits = sorted(intake.visits.values(), key=lambda v: v.since)
    for n, visit in enumerate(visits, start=1):
        for agencies, open_years in _by_open_years(archive, visit, years, intake.summary).items():
            crawled: Mapping[str, Crawled] = {a: Crawled(None, 0) for a in agencies}
            intake.summary.outcomes += settle(
                archive,
                agencies,
                names,
                open_years,
                visit.since,
                crawled,
                _settle_parse(archive_url),
                until=visit.until,
                regions={e.id: e.region_code for e in entries},
            )
        report(f"settled visit {n}/{len(visits)} ({visit.since[:10]}, {len(visit.agencies)} agencies)")
    rebuild_catalog(archive_url, sorted({agency for visit in visits for agency in visit.agencies}))
    return intake.summary


def _by_open_years(archive: Any, visit: Visit, years: Sequence[int], summary: ImportSummary) -> dict:
    """The visit's agencies grouped by the report years they may settle: a report the archive has seen
    after the visit keeps its history (versions are append-only; an older reading cannot go before
    them), so the visit's captures of it stay captures. Agencies with the same years settle together,
    which keeps a family together in the usual case of an import into an archive without them."""
    held = defaultdict(set)
    for agency, year in archive.report_ids():
        if agency in visit.agencies:
            held[agency].add(year)
    groups: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for agency in sorted(visit.agencies):
        later = sorted(y for y in held[agency] if (_last_seen(archive, agency, y) or "") > visit.since)
        if later:
            summary.kept_back.append(
                f"{agency} {', '.join(map(str, later))}: seen by the archive after {visit.since}; "
                "the imported captures are kept, not versioned"
            )
        groups[tuple(y for y in years if y not in later)].append(agency)
    return {tuple(agencies): list(open_years) for open_years, agencies in groups.items()}


def _last_seen(archive: Any, agency: str, year: int) -> str | None:
    return archive.holding(agency, year).last_seen


def _settle_parse(archive_url: str) -> Any:
    def parse(capture: Capture, sha256: str) -> ReportRecord:
        return ReportRecord.from_dict(_parse(archive_url, capture.url, sha256, capture.content_type))

    return parse

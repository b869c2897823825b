"""Settling a batch of agencies after their crawl: which bodies are reports, what each is, what changed.

The crawl leaves captures in the archive. For each agency this reads the captures of the current run,
parses every report body (through the cached parse task), lets flows/identity.py group the documents
into reports (pages, attachments, variants, reposts on a parent portal), hands each report to
flows/versioning.py, and turns 404/410 answers at a held report's URLs into withdrawals. Agencies are
settled in batches that keep a parent and its departments together, so a repost meets its original.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from nianbao.archive import Archive
from nianbao.archive.captures import Capture, CaptureKind
from nianbao.archive.reports import Holding, Role, Version, VersionKind
from nianbao.flows.dating import dated
from nianbao.flows.identity import Document, Identifier, ReportGroup, table_values
from nianbao.flows.pictures import Body, RawBody, ReadPictures, picture_sets
from nianbao.flows.reading import DEFERRED, StoredReader
from nianbao.flows.summaries import FAILED, FOUND, MISSING, WITHDRAWN, AgencyOutcome, ReportChange
from nianbao.flows.versioning import IngestResult, Outcome, content_hash, ingest, link_copies, mark_withdrawn
from nianbao.parsers.errors import ParseError
from nianbao.parsers.record import ReportRecord
from nianbao.parsers.record import Warning as RecordWarning

REPORT_KINDS = (CaptureKind.REPORT, CaptureKind.ATTACHMENT)
GONE = (404, 410)

Parse = Callable[[Capture, str], ReportRecord]
Holdings = Mapping[tuple[str, int], Holding]  # what the archive held for each (agency, year) at the run's start


def read_holdings(archive: Archive, agencies: Collection[str], years: Sequence[int]) -> dict[tuple[str, int], Holding]:
    """One read of every asked-for report of `agencies`: the only head reads of a settle."""
    return archive.holdings((agency, year) for agency in agencies for year in years)


@dataclass(frozen=True)
class Found:
    """An agency's captures from one run: the latest per URL, and the body each URL stands for."""

    captures: tuple[Capture, ...]  # the latest capture of each URL visited in the run
    described: Mapping[str, Capture]  # the latest capture that saw the URL as a report or attachment
    bodies: Mapping[str, str]  # url -> sha256 of its body (from a 2xx, or the stored one behind a 304)

    @classmethod
    def since(
        cls, archive: Archive, agency: str, since: str, run_ids: Collection[str] = (), until: str | None = None
    ) -> Found:
        """What the crawl runs `run_ids` (made since `since`) captured of `agency`; without run ids, every
        capture of the agency from `since` on (a listing of its whole history), up to `until` included
        (a visit in the past: warc import)."""
        if run_ids:
            captures: Iterable[Capture] = archive.run_captures(agency, run_ids, since, until or now())
        else:
            captures = (c for _, c in archive.captures(agency))
        run = sorted(
            (c for c in captures if c.fetched_at >= since and (until is None or c.fetched_at <= until)),
            key=lambda c: c.fetched_at,
        )
        known = archive.validators(agency)
        bodies = {}
        for capture in run:
            if capture.sha256 and capture.status is not None and 200 <= capture.status < 300:
                bodies[capture.url] = capture.sha256
            elif capture.status == 304 and capture.url in known and known[capture.url].sha256:
                bodies[capture.url] = known[capture.url].sha256
        latest = {c.url: c for c in run}
        described = {c.url: c for c in run if c.kind in REPORT_KINDS}
        return cls(tuple(sorted(latest.values(), key=lambda c: c.url)), described, bodies)

    def report_bodies(self, revisited: Collection[str] = ()) -> list[tuple[Capture, str]]:
        """Each report page or attachment (and held report URL revisited) with a body, as the capture
        that described it, its sha256 filled in when a 304 stood for the stored body."""
        found = []
        for capture in self.captures:
            described = self.described.get(capture.url) or (capture if capture.url in revisited else None)
            if described is not None and capture.url in self.bodies:
                sha256 = self.bodies[capture.url]
                found.append((replace(described, sha256=sha256), sha256))
        return found


def unvisited(held: Holdings, agency: str, years: Sequence[int], found: Found) -> list[str]:
    """The own-site URLs of the agency's held reports that this run did not request.

    A withdrawn report drops off its listing, so discovery never asks for it again; revisiting these
    URLs is what turns its 404 into evidence (and tells an unlisted-but-still-served report apart).
    A link of the same year elsewhere in the run is no proof the held URL still answers: a parent
    portal's repost column lists its departments' reports of every year.
    """
    visited = {c.url for c in found.captures}
    urls = set()
    for year in years:
        latest = held[(agency, year)].latest
        if latest is not None and latest.kind == VersionKind.CONTENT:
            urls |= {link.url for link in latest.captures if link.agency == agency and link.url not in visited}
    return sorted(urls)


@dataclass(frozen=True)
class Crawled:
    """What the crawl said of one agency: why it failed as a whole (None: it did not), bodies stored."""

    error: str | None
    downloaded: int
    run_ids: tuple[str, ...] = ()  # the crawl runs whose captures these are (empty: find them by time)


@dataclass
class Tally:
    """One agency's counts as the batch is settled."""

    agency: str
    years: Sequence[int]
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    coverage: dict[int, str] = field(default_factory=dict)
    failures: dict[int | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    check_failures: int = 0
    written: int = 0
    changes: list[ReportChange] = field(default_factory=list)

    def fail(self, year: int | None, message: str) -> None:
        self.failures[year].append(message)

    def add(self, year: int, result: IngestResult, record: ReportRecord | None) -> None:
        self.counts[result.kind] += 1
        self.changes.append(ReportChange(year, result.kind, result.version, tuple(result.diff)))
        if result.kind in (Outcome.WITHDRAWN, Outcome.ALREADY_WITHDRAWN):
            self.coverage[year] = WITHDRAWN
            return
        self.coverage[year] = FOUND
        if record is not None:
            self.check_failures += sum(1 for c in record.checks if c.passed is False)

    def outcome(self) -> AgencyOutcome:
        for year in self.years:
            self.coverage.setdefault(year, FAILED if self.failures.get(year) else MISSING)
        open_failures = {y: m for y, m in self.failures.items() if m and (y is None or self.coverage[y] != FOUND)}
        return AgencyOutcome(
            self.agency,
            expected=len(self.years),
            found=sum(1 for mark in self.coverage.values() if mark == FOUND),
            new=self.counts["new"],
            changed=self.counts["changed"],
            unchanged=self.counts["unchanged"] + self.counts["linked"],
            withdrawn=self.counts["withdrawn"],
            failed=sum(len(m) if y is None else 1 for y, m in open_failures.items()),
            check_failures=self.check_failures,
            raw_objects_written=self.written,
            coverage=dict(sorted(self.coverage.items())),
            failures=tuple(m for messages in open_failures.values() for m in messages),
            changes=tuple(sorted(self.changes, key=lambda c: c.year)),
        )


def settle(
    archive: Archive,
    agencies: Sequence[str],
    names: Mapping[str, str],
    years: Sequence[int],
    since: str,
    crawled: Mapping[str, Crawled],
    parse: Parse,
    revisited: Collection[str] = (),
    holdings: Holdings | None = None,
    regions: Mapping[str, str | None] | None = None,
    until: str | None = None,
    quick: Parse | None = None,
    found: Mapping[str, Found] | None = None,
    pictures: ReadPictures | None = None,
) -> list[AgencyOutcome]:
    """Version what the run found for `agencies`; one outcome per agency, failures counted, not raised.

    `holdings` are what the archive held for the agencies' reports (read here when not given); each
    report's decision is committed against its holding, so a report's head is read once per settle
    unless another writer races this one. `regions` gives each agency's registry region code, kept with
    its reports for the catalog. `revisited` URLs are read as reports whatever kind their capture has;
    a held report's own-site URLs are read so anyway (a revisit crawl records them as start pages, and a
    WARC import has no list). `until` bounds the run's captures for a visit settled after the fact
    (imported from WARC files). `quick`, when given, reads bodies first with OCR left for later; `parse`
    then reads only a picture-only document no other rendering of its report stands in for. `found` gives
    agencies' run captures already listed (the others are listed here). The pictures a report page shows
    (a report published as pictures) are read together by `pictures`, in the page's order (the
    archive's parse cache when not given; flows/pictures.py)."""
    read_pictures = pictures or StoredReader(archive).pictures
    tallies = {agency: Tally(agency, years) for agency in agencies}
    identifier = Identifier(names)
    documents: list[Document] = []
    gone: dict[str, Capture] = {}
    ok = [agency for agency in agencies if not crawled[agency].error]
    try:
        held = dict(holdings) if holdings is not None else read_holdings(archive, ok, years)
    except Exception as exc:  # the store failed: every agency of the batch says so, the run goes on
        for agency in agencies:
            tallies[agency].fail(None, f"{agency}: {type(exc).__name__}: {exc}")
        return [tallies[agency].outcome() for agency in agencies]
    for agency in agencies:
        tally = tallies[agency]
        tally.written = crawled[agency].downloaded
        if crawled[agency].error:
            tally.fail(None, f"{agency}: {crawled[agency].error}")
            tally.coverage = dict.fromkeys(years, FAILED)
            continue
        try:
            run = (found or {}).get(agency) or Found.since(archive, agency, since, crawled[agency].run_ids, until)
            urls = {*revisited, *_own_urls(held, agency, years)}
            bodies = run.report_bodies(urls)
            documents += _read(bodies, years, parse, tally, quick, read_pictures, archive.get_raw)
            _remember(held, agency, years, identifier)
        except Exception as exc:  # one agency's failure (store, parse task) must not take its batch down
            tally.fail(None, f"{agency}: {type(exc).__name__}: {exc}")
            continue
        gone |= {c.url: c for c in run.captures if c.status in GONE}
    grouping = identifier.group(documents)
    for document in grouping.unidentified:
        if not _attach(document, grouping.groups):
            tallies[document.capture.agency].fail(None, f"{document.capture.url}: no report year in the document")
    for group in grouping.groups:
        if group.year in years and group.agency in tallies:
            report = (group.agency, group.year)
            holding = held.get(report) or archive.holding(*report)
            tally, latest = tallies[group.agency], holding.latest
            if not group.has_original and latest is not None and latest.kind == VersionKind.WITHDRAWN:
                tally.coverage[group.year] = WITHDRAWN  # a lingering repost does not bring it back
            elif not group.has_original and (evidence := _original_gone(latest, group.agency, gone)) is not None:
                tally.add(group.year, mark_withdrawn(archive, group.agency, group.year, evidence, since, holding), None)
            else:
                region_code = (regions or {}).get(group.agency)
                _keep(archive, group, since, tally, holding, names.get(group.agency), region_code)
    for (agency, year), holding in held.items():
        tally, latest = tallies[agency], holding.latest
        if latest is None or year in tally.coverage or agency not in ok:
            continue
        if latest.kind == VersionKind.WITHDRAWN:
            tally.coverage[year] = WITHDRAWN
        elif (evidence := next((gone[link.url] for link in latest.captures if link.url in gone), None)) is not None:
            tally.add(year, mark_withdrawn(archive, agency, year, evidence, since, holding), None)
    return [tallies[agency].outcome() for agency in agencies]


def _original_gone(latest: Version | None, agency: str, gone: Mapping[str, Capture]) -> Capture | None:
    """The 404/410 of this run at an own-site URL of the held report, if any: the agency withdrew it,
    whatever copies other sites (a parent portal's repost column) still show."""
    if latest is None or latest.kind != VersionKind.CONTENT:
        return None
    return next((gone[link.url] for link in latest.captures if link.agency == agency and link.url in gone), None)


def _own_urls(held: Holdings, agency: str, years: Sequence[int]) -> set[str]:
    """The own-site URLs the agency's held content versions were captured from."""
    latest = [h.latest for year in years if (h := held.get((agency, year))) is not None]
    return {
        link.url
        for v in latest
        if v is not None and v.kind == VersionKind.CONTENT
        for link in v.captures
        if link.agency == agency
    }


def _read(
    bodies: Sequence[Body],
    years: Sequence[int],
    parse: Parse,
    tally: Tally,
    quick: Parse | None,
    pictures: ReadPictures,
    raw: RawBody,
) -> list[Document]:
    """The documents among the agency's report bodies; what cannot be parsed is a failure of its year.
    With `quick`, a body whose pictures need OCR is read fully only when no other rendering stands in.
    The pictures of one report page are read together, as one document (flows/pictures.py)."""
    singles, picture_pages = picture_sets(bodies, raw)
    read: list[tuple[Capture, str, ReportRecord | ParseError]] = []
    for capture, sha256 in singles:
        try:
            read.append((capture, sha256, (quick or parse)(capture, sha256)))
        except ParseError as exc:
            read.append((capture, sha256, exc))
    documents = []
    for capture, sha256, record in read:
        if isinstance(record, ReportRecord) and _deferred(record) and not _stood_in_for(capture, read):
            try:
                record = parse(capture, sha256)
            except ParseError as exc:
                record = exc
        documents += _kept(capture, record, years, tally)
    for shown in picture_pages:
        # A page of pictures has no table and no document beside it (else the crawler would not have
        # fetched its pictures): nothing stands in for them, so they are read in full at once.
        try:
            together: ReportRecord | ParseError = pictures(shown)
        except ParseError as exc:
            together = exc
        first, *rest = (capture for capture, _ in shown)
        documents += _kept(first, together, years, tally, tuple(rest))
    return documents


def _kept(
    capture: Capture,
    record: ReportRecord | ParseError,
    years: Sequence[int],
    tally: Tally,
    also: tuple[Capture, ...] = (),
) -> list[Document]:
    """The document read from `capture` (and `also`), if it is of the asked-for years; a failure of its
    year when it could not be read."""
    if isinstance(record, ParseError):
        year = capture.year  # the year the crawler read in the link, when the body says none
        if year is None or year in years:
            tally.fail(year, _naming(capture.url, record))
        return []
    if record.year is None or record.year in years:
        return [Document(capture, record, also)]
    return []


def _deferred(record: ReportRecord) -> bool:
    return any(w.code == DEFERRED for w in record.warnings)


def _stood_in_for(capture: Capture, read: Sequence[tuple[Capture, str, ReportRecord | ParseError]]) -> bool:
    """Whether a rendering read without OCR stands in for the picture-only `capture`: its linking page,
    or an attachment beside it on that page, read with a report year and table values."""
    near = {capture.referrer} - {None, capture.url}
    return any(
        isinstance(record, ReportRecord)
        and not _deferred(record)
        and record.year is not None
        and table_values(record) > 0
        and (other.url in near or (other.referrer in near and other.url != capture.url))
        for other, _, record in read
    )


def _naming(url: str, exc: ParseError) -> str:
    """The failure line of a document that did not parse: the readers name the document themselves;
    the URL is added only to a reason that does not."""
    reason = str(exc)
    return reason if url in reason else f"{url}: {reason}"


def _remember(held: Holdings, agency: str, years: Sequence[int], identifier: Identifier) -> None:
    """Make the agency's held reports known to the identifier, so that reposts of them are recognised."""
    for year in years:
        holding = held.get((agency, year))
        latest = holding.latest if holding else None
        if latest is not None and latest.kind == VersionKind.CONTENT and latest.record is not None:
            identifier.remember(agency, year, latest.record)


def _keep(
    archive: Archive,
    group: ReportGroup,
    seen_at: str,
    tally: Tally,
    held: Holding,
    name: str | None = None,
    region_code: str | None = None,
) -> None:
    if group.has_original:
        record = _noting_deferred(_named(dated(_versioned_reading(held, group), group), name), group)
        result = ingest(archive, group.agency, group.year, record, group.captures(), seen_at, region_code, held)
        tally.add(group.year, result, record)
    elif held.latest is not None:
        tally.add(group.year, link_copies(archive, group.agency, group.year, group.captures(), seen_at, held), None)
    else:
        urls = ", ".join(d.capture.url for d, _ in group.members)
        tally.fail(group.year, f"only copies on other sites were found ({urls}); the original was not")


def _named(record: ReportRecord, name: str | None) -> ReportRecord:
    """A record whose document names no issuing body gets the registry name of the report's agency
    (its `agency_missing` warning stays: the document itself does not say)."""
    return record if record.agency or not name else replace(record, agency=name)


def _noting_deferred(record: ReportRecord, group: ReportGroup) -> ReportRecord:
    """The versioned record says which renderings of the report were not read by OCR (left for a later
    `nianbao reparse`, because another rendering carries the report). A warning is not content: noting
    it makes no version."""
    urls = [d.capture.url for d, _ in group.members if d is not group.primary and _deferred(d.record)]
    if not urls or _deferred(record):
        return record
    message = f"not read by OCR yet (the report is read from another rendering): {', '.join(urls)}"
    return replace(record, warnings=(*record.warnings, RecordWarning(DEFERRED, message)))


def _attach(document: Document, groups: Sequence[ReportGroup]) -> bool:
    """A yearless document (an image-only PDF, the pictures of a page) linked from a report's page is that
    report's attachment; its primary when it is of the agency's own site and carries more table values
    than the primary so far (the page of a report published as pictures carries none), named by the page."""
    for group in groups:
        page = next((m for m, _ in group.members if m.capture.url == document.capture.referrer), None)
        if page is None:
            continue
        fuller = table_values(document.record) > table_values(group.primary.record)
        if fuller and document.capture.agency == group.agency and group.has_original:
            document = replace(document, record=_named_by(document.record, page.record, group.year))
            group.primary = document
        group.members.append((document, Role.ATTACHMENT))
        return True
    return False


def _named_by(record: ReportRecord, page: ReportRecord, year: int) -> ReportRecord:
    """A yearless reading of a report's tables, with the year, title and body its linking page names."""
    filled = {"year_missing"} | ({"agency_missing"} if page.agency and not record.agency else set())
    return replace(
        record,
        year=year,
        title=record.title or page.title,
        agency=record.agency or page.agency,
        publish_date=record.publish_date or page.publish_date,
        warnings=tuple(w for w in record.warnings if w.code not in filled),
    )


def _versioned_reading(held: Holding, group: ReportGroup) -> ReportRecord:
    """The group's primary record, unless one of its own-site renderings still reads exactly as the held
    version: then the report has not changed, whichever rendering happens to be fullest this time (an
    attachment that failed to download last time must not make a new version when it comes back)."""
    latest = held.latest
    if latest is not None and latest.kind == VersionKind.CONTENT:
        for document, role in group.members:
            if role != Role.REPOST and content_hash(dated(document.record, group)) == latest.content_hash:
                return document.record
    return group.primary.record


def reparse_reports(
    archive: Archive,
    agency: str,
    years: Sequence[int],
    parser_version: str | None,
    parse: Parse,
    pictures: ReadPictures | None = None,
) -> AgencyOutcome:
    """Parse again the own-site captures of each held report's latest version, and version the result.
    The pictures of a report page are read together by `pictures` (the parse cache when not given)."""
    read_pictures, raw = pictures or StoredReader(archive).pictures, archive.get_raw
    held = read_holdings(archive, [agency], years)
    latest = {y: v for y in years if (v := held[(agency, y)].latest) is not None}
    todo = [
        y
        for y, v in latest.items()
        if v.kind == VersionKind.WITHDRAWN
        or parser_version is None
        or (v.record is not None and v.record.parser_version == parser_version)
    ]
    tally = Tally(agency, todo)
    for year in todo:
        version = latest[year]
        if version.kind == VersionKind.WITHDRAWN:
            tally.coverage[year] = WITHDRAWN
            continue
        own = [link for link in version.captures if link.agency == agency and link.sha256 and link.role != Role.REPOST]
        singles, picture_pages = picture_sets([(archive.capture(link.capture_key), link.sha256) for link in own], raw)
        documents = []
        for capture, sha256 in singles:
            try:
                documents.append(Document(capture, parse(capture, sha256)))
            except ParseError as exc:
                tally.fail(year, _naming(capture.url, exc))
        for shown in picture_pages:
            try:
                documents.append(Document(shown[0][0], read_pictures(shown), tuple(c for c, _ in shown[1:])))
            except ParseError as exc:
                tally.fail(year, _naming(shown[0][0].url, exc))
        grouping = Identifier({}).group(documents)
        groups = grouping.groups
        for document in grouping.unidentified:  # pictures of a page, an image-only PDF: the page's report
            _attach(document, groups)
        group = next((g for g in groups if (g.agency, g.year) == (agency, year)), None)
        if group is None:
            tally.fail(year, f"{agency}/{year}: its stored captures no longer parse as that report")
            continue
        seen_at = max(link.fetched_at for link in own)
        record = _named(dated(group.primary.record, group), version.record.agency if version.record else None)
        region_code = version.extra.get("region_code")  # a reparse keeps what the registry said at the visit
        result = ingest(archive, agency, year, record, group.captures(), seen_at, region_code, held[(agency, year)])
        tally.add(year, result, record)
    return tally.outcome()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

"""Which captures are the same report.

One report = (agency id, report year). A visit finds documents: the report page, its PDF/DOCX
attachments, 图片版/超链版 variants, and copies reposted on other agencies' sites (a parent
government's portal). `Identifier.group` sorts parsed documents into one group per report:

1. the year is the record's (a document without one is returned unidentified, never dropped);
2. the agency is the registry agency whose name the record gives as its issuing body;
3. otherwise a document linked from a page already placed in a report of that year (an attachment
   that does not name its body) belongs to that report: reports written from one template read
   alike, and which of them are known differs between runs, so text similarity must not decide;
4. otherwise a near-duplicate (MinHash over character shingles of the furniture-free text) of a
   report already known for that year, from another site, makes the document a repost of it;
5. otherwise it is the report of the site it was found on.

Within a group the role of each capture is page, attachment (kind or referrer says so), variant
(图片版/超链版 titles) or repost (found on another agency's site); the primary document, whose
record is versioned, is the own-site one with the most table values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

from nianbao.archive.captures import Capture, CaptureKind
from nianbao.archive.reports import Role
from nianbao.flows.furniture import normalise_text
from nianbao.parsers.record import ReportRecord

SHINGLE = 5
PERMUTATIONS = 128
THRESHOLD = 0.8
_VARIANT = re.compile(r"[（(【\[]?\s*(图片版|超链版|超链接版|图解版|文字版|PDF版|pdf版)\s*[）)】\]]?")


@dataclass(frozen=True)
class Document:
    """One capture that parsed as a report; `also`, the other captures read with it as one document
    (the later pictures of a report published as pictures: `capture` is the first)."""

    capture: Capture
    record: ReportRecord
    also: tuple[Capture, ...] = ()


@dataclass
class ReportGroup:
    agency: str
    year: int
    primary: Document
    members: list[tuple[Document, Role]] = field(default_factory=list)  # (document, role)

    def captures(self) -> list[tuple[Capture, str]]:
        """What flows.versioning.ingest and link_copies take."""
        return [(capture, role) for doc, role in self.members for capture in (doc.capture, *doc.also)]

    @property
    def has_original(self) -> bool:
        """False when only copies on other sites were found: link them, don't version their text."""
        return self.primary.capture.agency == self.agency


@dataclass(frozen=True)
class Grouping:
    groups: list[ReportGroup]
    unidentified: list[Document]  # no report year: recorded by the flows as an error, kept


def document_text(record: ReportRecord) -> str:
    """The furniture-free prose of a record. Tables are left out: small bodies' tables are all zeros."""
    parts = [record.title or ""]
    parts += [f"{s.heading}\n{s.text}" for s in record.sections]
    return normalise_text("\n".join(parts))


def minhash(text: str) -> MinHash:
    signature = MinHash(num_perm=PERMUTATIONS)
    shingles = {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}
    signature.update_batch([s.encode("utf-8") for s in shingles])
    return signature


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def is_variant(record: ReportRecord) -> bool:
    return bool(record.title and _VARIANT.search(record.title))


class Identifier:
    """Group documents into reports; `names` maps registry agency ids to their Chinese names."""

    def __init__(self, names: Mapping[str, str | Sequence[str]], threshold: float = THRESHOLD) -> None:
        self._by_name: dict[str, str] = {}
        for agency, value in names.items():
            for name in [value] if isinstance(value, str) else value:
                self._by_name[normalise_name(name)] = agency
        self._lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
        self._known: dict[str, tuple[str, int, MinHash]] = {}
        self._threshold = threshold

    def remember(self, agency: str, year: int, record: ReportRecord) -> None:
        """Make a report known (from the archive, or found on its own site in this batch)."""
        key = f"{agency}/{year}"
        if key in self._known:
            return
        signature = minhash(document_text(record))
        self._lsh.insert(key, signature)
        self._known[key] = (agency, year, signature)

    def original_of(self, record: ReportRecord, site: str) -> str | None:
        """The agency whose known report of the same year this record near-duplicates, if any."""
        signature = minhash(document_text(record))
        best: tuple[float, str] | None = None
        for key in self._lsh.query(signature):
            agency, year, known = self._known[key]
            if agency == site or year != record.year:
                continue
            similarity = signature.jaccard(known)
            if similarity >= self._threshold and (best is None or similarity > best[0]):
                best = (similarity, agency)
        return best[1] if best else None

    def group(self, documents: Iterable[Document]) -> Grouping:
        placed: dict[tuple[str, int], list[Document]] = {}
        pending: list[Document] = []
        unidentified: list[Document] = []
        for doc in documents:
            if doc.record.year is None:
                unidentified.append(doc)
            elif (named := self._named_agency(doc.record)) is not None:
                placed.setdefault((named, doc.record.year), []).append(doc)
            else:
                pending.append(doc)
        for (agency, year), docs in placed.items():
            for doc in docs:
                if doc.capture.agency == agency:
                    self.remember(agency, year, doc.record)
        where = {doc.capture.url: key for key, docs in placed.items() for doc in docs}
        # Own-site documents first, so a parent portal's repost meets the original it copies.
        ordered = sorted(pending, key=lambda d: self.original_of(d.record, d.capture.agency) is not None)
        decided: dict[int, str] = {}
        # Pages decide before attachments, so an attachment finds its page placed; groups still list
        # documents in `ordered` order, which breaks ties between equally full renderings.
        for doc in sorted(ordered, key=lambda d: d.capture.kind == CaptureKind.ATTACHMENT):
            agency = (
                _linking_agency(doc, where) or self.original_of(doc.record, doc.capture.agency) or doc.capture.agency
            )
            if agency == doc.capture.agency:
                self.remember(agency, doc.record.year, doc.record)
            where[doc.capture.url] = (agency, doc.record.year)
            decided[id(doc)] = agency
        for doc in ordered:
            placed.setdefault((decided[id(doc)], doc.record.year), []).append(doc)
        groups = [self._group(agency, year, docs) for (agency, year), docs in sorted(placed.items())]
        return Grouping(groups, unidentified)

    def _named_agency(self, record: ReportRecord) -> str | None:
        return self._by_name.get(normalise_name(record.agency)) if record.agency else None

    def _group(self, agency: str, year: int, docs: list[Document]) -> ReportGroup:
        urls = {doc.capture.url for doc in docs}
        members = [(doc, _role(doc, agency, urls)) for doc in docs]
        primary = max(
            docs, key=lambda d: (d.capture.agency == agency, not is_variant(d.record), table_values(d.record))
        )
        return ReportGroup(agency, year, primary, members)


def _linking_agency(doc: Document, where: Mapping[str, tuple[str, int]]) -> str | None:
    """The report agency of the page that links to `doc`, when that page is placed in the same year."""
    referrer = doc.capture.referrer
    if referrer is None or referrer == doc.capture.url or referrer not in where:
        return None
    agency, year = where[referrer]
    return agency if year == doc.record.year else None


def _role(doc: Document, agency: str, urls: set[str]) -> Role:
    if doc.capture.agency != agency:
        return Role.REPOST
    if doc.capture.kind == CaptureKind.ATTACHMENT or (
        doc.capture.referrer in urls and doc.capture.referrer != doc.capture.url
    ):
        return Role.ATTACHMENT
    if is_variant(doc.record):
        return Role.VARIANT
    return Role.PAGE


def table_values(record: ReportRecord) -> int:
    """How many table cells of the record hold a value."""
    rows = (row for table in record.tables().values() for row in (table or {}).values())
    return sum(value is not None for row in rows for value in row.values())

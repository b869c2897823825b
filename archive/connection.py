"""An open archive: the CaptureSink the crawler writes to, and the report shelves the flows fill."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from nianbao.archive import keys, raw, reports
from nianbao.archive.captures import Capture, Validators
from nianbao.archive.stores import Store, open_store

if TYPE_CHECKING:  # the catalog's modules import pyarrow, which a crawl process never needs
    from nianbao.archive.reader import Catalog

T = TypeVar("T")


class Archive:
    """One archive at one URL. Implements archive.captures.CaptureSink."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.url = store.url

    def put_raw(self, data: bytes, content_type: str | None = None) -> str:
        return raw.put_raw(self.store, data, content_type)

    def get_raw(self, sha256: str) -> bytes:
        return raw.get_raw(self.store, sha256)

    def has_raw(self, sha256: str) -> bool:
        return self.store.exists(keys.raw_key(sha256))

    def parsed(self, parser_version: str, sha256: str, *, ocr: bool = True) -> dict[str, Any] | None:
        """The kept parse outcome of a body (see archive/parsed.py); None when it was not parsed yet."""
        from nianbao.archive.parsed import get_parsed

        return get_parsed(self.store, parser_version, sha256, ocr=ocr)

    def keep_parsed(self, parser_version: str, sha256: str, outcome: dict[str, Any], *, ocr: bool = True) -> None:
        from nianbao.archive.parsed import put_parsed

        put_parsed(self.store, parser_version, sha256, outcome, ocr=ocr)

    def keep_registry(self, entries: Sequence[Mapping[str, Any]]) -> str:
        """Keep a snapshot of the registry entries a run used (see archive/agencies.py)."""
        from nianbao.archive.agencies import keep_registry

        return keep_registry(self.store, entries)

    def add_capture(self, capture: Capture) -> None:
        raw.add_capture(self.store, capture)

    def validators(self, agency: str) -> dict[str, Validators]:
        return raw.validators(self.store, agency)

    def capture(self, key: str) -> Capture:
        """The capture record at `key` (as a version's CaptureLink names it)."""
        return raw.get_capture(self.store, key)

    def captures(self, agency: str | None = None) -> Iterator[tuple[str, Capture]]:
        return raw.iter_captures(self.store, agency)

    def run_captures(self, agency: str, run_ids: Iterable[str], since: str, until: str) -> Iterator[Capture]:
        """The captures crawl runs `run_ids` made of `agency` between `since` and `until` (see raw.run_captures)."""
        return raw.run_captures(self.store, agency, run_ids, since, until)

    def holding(self, agency: str, year: int) -> reports.Holding:
        """What is held for the report (agency, year), in one read."""
        return reports.holding(self.store, agency, year)

    def holdings(self, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], reports.Holding]:
        return reports.holdings(self.store, wanted)

    def commit(
        self,
        agency: str,
        year: int,
        decide: Callable[[reports.Holding], tuple[reports.Decision, T]],
        held: reports.Holding | None = None,
    ) -> T:
        """Write the decision `decide` makes from what is held, conditionally (see reports.commit)."""
        return reports.commit(self.store, agency, year, decide, held)

    def report_ids(self) -> list[tuple[str, int]]:
        return reports.report_ids(self.store)

    def rebuild_catalog(self, progress: Callable[[str], None] | None = None) -> dict[str, int]:
        """Rewrite the Parquet catalog from the immutable layer; rows written per table."""
        from nianbao.archive import catalog

        return catalog.rebuild(self.store, progress)

    def update_catalog(
        self, agencies: Collection[str], progress: Callable[[str], None] | None = None
    ) -> dict[str, int]:
        """Rewrite only the catalog rows of `agencies` (what a run touched) and publish; rows per table."""
        from nianbao.archive import catalog

        return catalog.update(self.store, agencies, progress)

    def catalog(self) -> Catalog:
        from nianbao.archive.reader import Catalog

        return Catalog(self.store)


def connect(url: str) -> Archive:
    """Open the archive at `s3://bucket/prefix`, `file:///dir` or a plain directory path."""
    return Archive(open_store(url))

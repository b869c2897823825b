"""The key layout of an archive: where each kind of object lives (documented in docs/archive.md)."""

from __future__ import annotations

import hashlib
import re

from nianbao.archive.errors import InvalidKey

_AGENCY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_RUN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_agency(agency: str) -> str:
    if not isinstance(agency, str) or not _AGENCY.match(agency):
        raise InvalidKey(f"agency id {agency!r} cannot be a key segment (expected letters, digits, '.', '_', '-')")
    return agency


def check_year(year: int) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise InvalidKey(f"report year {year!r} is not a four-digit year")
    return year


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_key(sha256: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise InvalidKey(f"{sha256!r} is not a lowercase hex sha256")
    return f"raw/sha256/{sha256[:2]}/{sha256}"


def run_segment(run_id: str) -> str:
    """A run id as a key segment: itself when it is one (a crawl's uuid), else a digest of it (an
    imported visit's id such as `warc-import:site.warc`), the same for every capture of the run."""
    if not isinstance(run_id, str) or not run_id:
        raise InvalidKey(f"crawl run id {run_id!r} cannot be a key segment (expected a non-empty string)")
    return run_id if _RUN.match(run_id) else f"h-{digest(run_id)[:32]}"


def capture_key(agency: str, url: str, fetched_at: str, run_id: str | None = None) -> str:
    """One capture per (agency, url, fetched_at): a retried write lands on the same key.

    A capture made by a crawl run sits under its run (`captures/<agency>/<yyyy>/<run>/…`), so the run's
    captures are listed without listing the agency's history; captures without a run (written before
    runs were part of the layout, or imported) keep `captures/<agency>/<yyyy>/…`."""
    name = digest(f"{url}\n{fetched_at}")
    run = f"{run_segment(run_id)}/" if run_id is not None else ""
    return f"captures/{check_agency(agency)}/{fetched_at[:4]}/{run}{name}.json"


def captures_prefix(agency: str | None = None) -> str:
    return f"captures/{check_agency(agency)}/" if agency else "captures/"


def run_captures_prefix(agency: str, fetched_year: int, run_id: str) -> str:
    """Where the captures of one run of one agency fetched in one calendar year are."""
    return f"{captures_prefix(agency)}{check_year(fetched_year)}/{run_segment(run_id)}/"


def validators_key(agency: str, url: str) -> str:
    """The pointer to the latest successful capture of a URL (mutable, compare-and-swap)."""
    return f"{validators_prefix(agency)}{digest(url)}.json"


def validators_prefix(agency: str) -> str:
    return f"validators/{check_agency(agency)}/"


def report_prefix(agency: str | None = None, year: int | None = None) -> str:
    if agency is None:
        return "reports/"
    if year is None:
        return f"reports/{check_agency(agency)}/"
    return f"reports/{check_agency(agency)}/{check_year(year)}/"


def version_key(agency: str, year: int, version: int) -> str:
    # Zero-padded so that listing order is version order.
    return f"{report_prefix(agency, year)}versions/{version:06d}.json"


def first_version_of(key: str) -> tuple[str, int] | None:
    """(agency, year) when `key` is a report's first version (one per report), else None."""
    found = version_of(key)
    return (key.split("/")[1], found[0]) if found is not None and found[1] == 1 else None


def version_of(key: str) -> tuple[int, int] | None:
    """(year, version) when `key` is a version of a report, else None."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != "reports" or parts[3] != "versions" or not parts[4].endswith(".json"):
        return None
    year, number = parts[2], parts[4].removesuffix(".json")
    return (int(year), int(number)) if year.isdigit() and number.isdigit() else None


def observation_of(key: str) -> bool:
    """Whether `key` is an observation of a report."""
    parts = key.split("/")
    return len(parts) == 6 and parts[0] == "reports" and parts[3] == "observations"


def head_key(agency: str, year: int) -> str:
    return f"{report_prefix(agency, year)}head.json"


def observation_key(agency: str, year: int, version: int, seen_at: str, content: str) -> str:
    name = digest(f"{seen_at}\n{content}")
    return f"{report_prefix(agency, year)}observations/{version:06d}/{name}.json"


CATALOG_BUCKETS = 16  # few files per year for readers, yet a run of a few agencies rewrites a fraction


def catalog_bucket(agency: str) -> str:
    """The file group of an agency's catalog rows: stable, from the id alone (no registry needed)."""
    return f"b{int(digest(agency)[:8], 16) % CATALOG_BUCKETS:02d}"


def catalog_file_key(table: str, year: int | None, bucket: str, build: str) -> str:
    """One immutable catalog file; hive-style `year=` so that readers get the year as a column."""
    partition = "__HIVE_DEFAULT_PARTITION__" if year is None else str(year)
    return f"catalog/{table}/year={partition}/{bucket}-{build}.parquet"


def catalog_manifest_key() -> str:
    """The pointer to the live catalog files (compare-and-swap)."""
    return "catalog/manifest.json"


_PARSER_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")


def parsed_key(parser_version: str, sha256: str, *, ocr: bool = True) -> str:
    """Where the parse of a raw body by one parser version is kept: derived, rewritable, never history.
    A parse that left OCR for later (`ocr=False`) sits beside the full one, under `deferred-ocr/`."""
    if not isinstance(parser_version, str) or not _PARSER_VERSION.match(parser_version):
        raise InvalidKey(f"parser version {parser_version!r} cannot be a key segment")
    body = raw_key(sha256).removeprefix("raw/sha256/")
    return f"parsed/{parser_version}/{'' if ocr else 'deferred-ocr/'}{body}.json"

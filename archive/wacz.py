"""A CDXJ index beside exported WARCs, and their packaging as a WACZ 1.2.0 file.

The index is written by Webrecorder's cdxj-indexer (sorted, one line per response and revisit);
the WACZ is a ZIP (WARCs stored uncompressed in ZIP terms, being gzip already) with the index,
`pages/pages.jsonl` (each report page and attachment in the export, with the report's title) and
`datapackage.json` (every file with its sha256 and size) plus `datapackage-digest.json`. No
Webrecorder tool on the package registry writes WACZ 1.2.0 (py-wacz writes 1.1.1), so the ZIP is
assembled here; `validate` runs py-wacz's own checks on it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nianbao.archive import reports as shelves
from nianbao.archive.warc import ExportState, warc_files

INDEX_FILE = "index.cdxj"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Annual reports and their attachments"}
PAGE_ROLES = ("page", "attachment", "variant")


def write_index(out: Path) -> Path:
    """`index.cdxj` over every WARC file in `out` (rewritten whole: sorting needs every line)."""
    from cdxj_indexer.main import write_cdx_index

    path = out / INDEX_FILE
    temporary = out / f".{INDEX_FILE}.tmp"
    write_cdx_index(str(temporary), [str(p) for p in warc_files(out)], {"sort": True})
    temporary.replace(path)
    return path


@dataclass(frozen=True)
class Page:
    url: str
    ts: str
    title: str
    agency: str
    year: int
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": hashlib.sha256(f"{self.url}\n{self.ts}".encode()).hexdigest()[:16],
            "url": self.url,
            "ts": self.ts,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "role": self.role,
        }


def pages(archive: Any, out: Path) -> list[Page]:
    """Each report page and attachment whose capture this out directory holds, titled by its report,
    at its latest capture there (versions and later observations: a page that moved is listed at both URLs)."""
    state = ExportState.load(out)
    found: dict[str, Page] = {}
    for agency, year in shelves.report_ids(archive.store):
        titles, linked = {}, []
        for version in shelves.iter_versions(archive.store, agency, year):
            titles[version.number] = (version.record.title if version.record else None) or titles.get(
                version.number - 1
            )
            linked += [(version.number, link) for link in version.captures]
        for observation in shelves.iter_observations(archive.store, agency, year):  # later visits, moved URLs
            linked += [(observation.version, link) for link in observation.captures]
        for number, link in linked:
            written = state.records.get(link.capture_key)
            if link.role not in PAGE_ROLES or written is None:
                continue
            title = titles.get(number) or f"{agency} {year}"
            label = title if link.role == "page" else f"{title} ({link.role}: {link.url.rsplit('/', 1)[-1]})"
            if written.uri not in found or found[written.uri].ts < written.date:  # its latest capture
                found[written.uri] = Page(written.uri, written.date, label, agency, year, link.role)
    return sorted(found.values(), key=lambda p: (p.agency, p.year, p.role != "page", p.url))


def package(archive: Any, out: Path, target: Path, title: str) -> Path:
    """Write `target` (.wacz) from the WARCs and index in `out`, with pages from the archive's reports."""
    index = out / INDEX_FILE if (out / INDEX_FILE).exists() else write_index(out)
    listed = pages(archive, out)
    lines = [json.dumps(PAGES_HEADER, ensure_ascii=False)] + [
        json.dumps(p.to_dict(), ensure_ascii=False) for p in listed
    ]
    members: list[tuple[str, bytes | Path, int]] = [
        *((f"archive/{p.name}", p, zipfile.ZIP_STORED) for p in warc_files(out)),
        ("indexes/index.cdx", index, zipfile.ZIP_DEFLATED),
        ("pages/pages.jsonl", ("\n".join(lines) + "\n").encode("utf-8"), zipfile.ZIP_DEFLATED),
    ]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    datapackage = {
        "profile": "wacz",
        "title": title,
        "description": "Government information-disclosure annual reports (政府信息公开工作年度报告) kept by nianbao.",
        "created": now,
        "modified": now,
        "software": "nianbao (warcio, cdxj-indexer)",
        "resources": [_resource(name, data) for name, data, _ in members],
    }
    if listed:
        datapackage["home"] = {"url": listed[0].url, "ts": listed[0].ts}
    encoded = json.dumps(datapackage, ensure_ascii=False, indent=2).encode("utf-8")
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(encoded).hexdigest()}
    temporary = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(temporary, "w") as wacz:
        for name, data, compression in members:
            if isinstance(data, Path):
                wacz.write(data, name, compress_type=compression)
            else:
                wacz.writestr(name, data, compress_type=compression)
        wacz.writestr("datapackage.json", encoded, compress_type=zipfile.ZIP_DEFLATED)
        wacz.writestr("datapackage-digest.json", json.dumps(digest, indent=2), compress_type=zipfile.ZIP_DEFLATED)
    temporary.replace(target)
    return target


def _resource(name: str, data: bytes | Path) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(data):
        digest.update(chunk)
        size += len(chunk)
    return {"name": name.rsplit("/", 1)[-1], "path": name, "hash": f"sha256:{digest.hexdigest()}", "bytes": size}


def _chunks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        yield data
        return
    with open(data, "rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def validate(path: Path) -> list[str]:
    """py-wacz's checks on a WACZ (contents, paths, hashes, digest, Frictionless data package); what failed.

    Its `wacz validate` command stops at the version gate (it knows WACZ 1.1.1 only and wants the
    `wacz_version` field that 1.2.0 removed), so the checks are run here one by one. Frictionless
    reads `profile` as the name of a Data Package profile and cannot resolve 1.2.0's `"wacz"`; the
    package is therefore checked against the plain `data-package` profile, everything else as written.
    """
    from wacz.validate import Validation

    check = Validation(str(path))
    steps: Sequence[tuple[str, Any]] = (
        ("required contents", lambda: check.check_required_contents() == 0),
        ("file paths", check.check_file_paths),
        ("file hashes", check.check_file_hashes),
        ("datapackage digest", check.check_data_package_hash_and_sig),
        ("frictionless data package", lambda: _frictionless(check)),
    )
    return [name for name, step in steps if step() is False]


def _frictionless(check: Any) -> bool:
    original = Path(check.datapackage_path)
    copy = original.with_name("datapackage-frictionless.json")
    copy.write_text(json.dumps({**check.datapackage, "profile": "data-package"}), encoding="utf-8")
    check.datapackage_path = str(copy)
    try:
        return bool(check.frictionless_validate())
    finally:
        check.datapackage_path = str(original)
        copy.unlink()

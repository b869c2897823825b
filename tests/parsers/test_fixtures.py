"""Every quirk fixture (tests/parsers/fixtures/<name>.html|txt) has a golden <name>.expected.json.

A golden lists record keys compared exactly, plus:
- `warning_codes`: exactly the set of warning codes the record carries;
- `failed_checks`: exactly the [rule, scope] pairs whose check failed;
- `section_headings`: the headings of the sections, in order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.parsers import parse

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".txt"))
DERIVED = {"warning_codes", "failed_checks", "section_headings"}


def test_every_fixture_has_a_golden_and_every_golden_a_fixture():
    goldens = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    assert goldens == {p.stem for p in DOCUMENTS}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_fixture_matches_its_golden(path):
    expected = json.loads(path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    record = parse(path.read_bytes(), filename=path.name).to_dict()
    for key, value in expected.items():
        if key not in DERIVED:
            assert record[key] == value, key
    if "warning_codes" in expected:
        assert sorted({w["code"] for w in record["warnings"]}) == sorted(expected["warning_codes"]), record["warnings"]
    if "failed_checks" in expected:
        failed = sorted([c["rule"], c["scope"]] for c in record["checks"] if c["passed"] is False)
        assert failed == sorted(expected["failed_checks"])
    if "section_headings" in expected:
        assert [s["heading"] for s in record["sections"]] == expected["section_headings"]


READABLE_PDFS = [
    p
    for p in sorted((FIXTURES / "pdf").glob("*.pdf"))
    if "error" not in json.loads(p.with_suffix(".expected.json").read_text())
]


@pytest.mark.parametrize("path", [*DOCUMENTS, *READABLE_PDFS], ids=lambda p: p.name)
def test_a_record_read_back_from_its_dict_is_the_same_record(path):
    """The parse cache and the archive keep records as dicts: reading one back loses nothing (values,
    provenance with PDF boxes, checks, warnings)."""
    from nianbao.parsers.record import ReportRecord

    record = parse(path.read_bytes(), filename=path.name)
    assert ReportRecord.from_dict(record.to_dict()) == record
    assert ReportRecord.from_dict(record.to_dict()).to_dict() == record.to_dict()


def test_a_pdf_record_read_back_keeps_every_cell_box():
    from nianbao.parsers.record import ReportRecord
    from tests.parsers import pdf_layouts

    record = parse(pdf_layouts.hybrid_pdf(), filename="hybrid.pdf")
    boxes = [p.bbox for p in record.provenance if p.bbox is not None]
    assert len(boxes) > 100
    assert [p.bbox for p in ReportRecord.from_dict(record.to_dict()).provenance if p.bbox is not None] == boxes
    assert ReportRecord.from_dict(record.to_dict()) == record

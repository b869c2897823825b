"""Every survey and quirk fixture rendered again with other figures reads back to them.

The fixtures' goldens are the truth their documents are rendered from; here the same renderings carry
the figures that broke readers before: every count 0, every applicant a natural person (the
organisations' columns all 0), and a large agency's four- to six-digit counts. No cell read may differ
from the truth. Run-together rows may stay blank where several readings fit (`cells_ambiguous`), and no
check may fail that the golden does not expect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tests.parsers.fixtures.make_quirk_fixtures as quirk
import tests.parsers.fixtures.make_survey_fixtures as survey
from nianbao.parsers import parse
from nianbao.parsers.templates import REVIEW_COLUMNS, REVIEW_GROUPS

TABLES = ("active_disclosure", "applications", "review_litigation")
GENERATORS = [
    (quirk, "html_fixtures"), (quirk, "text_fixtures"),
    *((survey, name) for name in (
        "spaced_rows", "trailing_bar_rows", "blank_bar_cells", "markdown_rows", "row_open_bar_cells",
        "blank_line_cells", "bar_separated_cells", "trailing_bar_cells", "traditional_rows", "hybrid",
        "phantom_column", "run_together", "wrapped_heads", "ebook_page", "pinyin_rows", "blank_bar_width",
    )),
]  # fmt: skip
_ORIGINAL = quirk.applications


def _zeros(template, bump=None):
    return {key: dict.fromkeys(row, 0) for key, row in _ORIGINAL(template, bump).items()}


def _people(template, bump=None):
    return survey.natural_persons_only(_ORIGINAL(template, bump))


def _large(template, bump=None):
    return survey.large_counts(_ORIGINAL(template, bump))


def _one_review():
    review = {group: {c.key: 0 for c in REVIEW_COLUMNS} for group, _ in REVIEW_GROUPS}
    review["review"].update(upheld=1, total=1)
    return review


FIGURES = {
    "zeros": (_zeros, lambda: {group: {c.key: 0 for c in REVIEW_COLUMNS} for group, _ in REVIEW_GROUPS}),
    "people": (_people, _one_review),
    "large": (_large, quirk.review),
}


def _documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("figures", sorted(FIGURES))
@pytest.mark.parametrize(("module", "generator"), GENERATORS, ids=[g for _, g in GENERATORS])
def test_a_rendering_reads_back_to_other_figures(tmp_path, monkeypatch, module, generator, figures):
    applications, review = FIGURES[figures]
    monkeypatch.setattr(quirk, "OUT", f"{tmp_path}/")
    for target in (quirk, survey):
        monkeypatch.setattr(target, "applications", applications)
        monkeypatch.setattr(target, "review", review)
    getattr(module, generator)()
    documents = _documents(tmp_path)
    assert documents
    for path in documents:
        golden = json.loads(path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8"))
        record = parse(path.read_bytes(), filename=path.name).to_dict()
        codes = {w["code"] for w in record["warnings"]}
        for table in TABLES:
            if table not in golden or golden[table] is None:
                continue
            expected, read = golden[table], record[table] or {}
            for row, cells in read.items():
                for column, value in cells.items():
                    if value is not None:
                        assert (expected.get(row) or {}).get(column) == value, (path.name, table, row, column)
            if "cells_ambiguous" not in codes:
                assert read == expected, (path.name, table)
        failed = sorted([c["rule"], c["scope"]] for c in record["checks"] if c["passed"] is False)
        assert failed == sorted(golden.get("failed_checks", [])), path.name

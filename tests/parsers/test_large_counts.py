"""Large agencies print four- and five-digit counts: renderings the fixtures cover with small counts read
the same with large ones, and what arithmetic cannot settle stays blank without failing a check."""

from __future__ import annotations

import json

import pytest

import tests.parsers.fixtures.make_quirk_fixtures as quirk
import tests.parsers.fixtures.make_survey_fixtures as survey
from nianbao.parsers import parse


def large_applications(template, bump=None):
    """The fixtures' table 3 with a large agency's counts (`large_counts`)."""
    return survey.large_counts(quirk.applications(template, bump))


@pytest.fixture
def rendered(tmp_path, monkeypatch):
    """Renders a survey fixture with large counts into tmp_path: (its bytes, its golden)."""
    monkeypatch.setattr(quirk, "OUT", f"{tmp_path}/")
    monkeypatch.setattr(survey, "applications", large_applications)

    def render(generator, name, *args, **kwargs):
        getattr(survey, generator)(*((name,) if generator == "_rows_report" else ()), *args, **kwargs)
        stem = name.rsplit(".", 1)[0]
        return (tmp_path / name).read_bytes(), json.loads((tmp_path / f"{stem}.expected.json").read_text())

    return render


def test_a_table_printed_one_cell_a_line_reads_its_five_digit_counts_as_counts(rendered):
    """A long digit string beside other values is one large count, not a row whose cells ran together."""
    data, golden = rendered(
        "_rows_report", "large.txt", "某省某厅2024年政府信息公开工作年度报告",
        lambda rows: [cell for row in rows for cell in row if cell], zeros_blank=False,
    )  # fmt: skip
    record = parse(data, filename="large.txt").to_dict()
    assert max(golden["applications"]["new_received"].values()) >= 10_000
    assert record["applications"] == golden["applications"]
    assert record["review_litigation"] == golden["review_litigation"]
    assert [c for c in record["checks"] if c["passed"] is False] == []


def test_run_together_large_counts_read_the_rows_one_reading_fits_and_fail_no_check(rendered):
    data, golden = rendered("run_together", "run-together.txt")
    record = parse(data, filename="run-together.txt").to_dict()
    read = [
        (table, row, column, value)
        for table in ("applications", "review_litigation")
        for row, cells in record[table].items()
        for column, value in cells.items()
        if value is not None
    ]
    assert read and all(golden[table][row][column] == value for table, row, column, value in read)
    # The short rows read whatever the long ones cost the search: 1000001, 3100004, table 4's row.
    assert record["applications"]["carried_over"] == golden["applications"]["carried_over"]
    assert record["applications"]["carried_forward"] == golden["applications"]["carried_forward"]
    assert record["review_litigation"] == golden["review_litigation"]
    # Rows left blank are not read, not zero: no rule counts them.
    assert "cells_ambiguous" in {w["code"] for w in record["warnings"]}
    assert [c for c in record["checks"] if c["passed"] is False] == []

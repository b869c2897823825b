"""End to end on the blank 2021 form as a Word file: every table of the template, every cell null."""

from pathlib import Path

from parsers import parse
from parsers.templates import TEMPLATES


def test_blank_2021_form_is_template_2021_with_every_cell_null(corpus_dir: Path) -> None:
    record = parse((corpus_dir / "template-2021-blank.docx").read_bytes(), filename="template-2021-blank.docx")
    result = record.to_dict()
    assert result["template"] == "2021"
    assert result["rendering"] == "docx"
    template = TEMPLATES["2021"]
    for table in ("active_disclosure", "applications", "review_litigation"):
        rows = result[table]
        assert rows is not None, f"{table} not found in the blank form"
        assert set(rows) == {row.key for row in template.table(table).rows}, table
        cells = [value for row in rows.values() for value in row.values()]
        assert cells and all(value is None for value in cells), table

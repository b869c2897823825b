"""End to end on the blank 2021 form as a Word file: every table of the template, every cell null."""

import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao.parsers import parse
from nianbao.parsers.templates import TEMPLATES


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


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: .doc conversion cannot run here")
def test_blank_2021_form_saved_as_doc_gives_the_same_record(corpus_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "template-2021-blank.docx"
    source.write_bytes((corpus_dir / "template-2021-blank.docx").read_bytes())
    profile = (tmp_path / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc"]
    subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    legacy = parse((tmp_path / "template-2021-blank.doc").read_bytes(), filename="template-2021-blank.doc").to_dict()
    modern = parse(source.read_bytes(), filename="template-2021-blank.docx").to_dict()
    assert legacy["rendering"] == "doc"
    for key in ("template", "active_disclosure", "applications", "review_litigation", "sections"):
        assert legacy[key] == modern[key], key

import io
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.parsers.document import Document, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.readers import word

FIXTURES = Path(__file__).parent / "fixtures" / "word"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def merged() -> Document:
    return word.read(fixture("merged-and-split.docx"))


def test_paragraphs_and_tables_keep_body_order(merged: Document) -> None:
    kinds = [b.text if isinstance(b, TextBlock) else "<table>" for b in merged.blocks]
    assert kinds == [
        "测试区2024年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度共收到申请15件。",
        "二、主动公开政府信息情况",
        "<table>",
        "三、收到和处理政府信息公开申请情况",
        "<table>",
        "（六）其他处理",
        "<table>",
        "<table>",
        "五、存在的主要问题及改进情况",
    ]


def test_smart_tags_insertions_and_fields_are_read_and_deletions_are_not(merged: Document) -> None:
    # python-docx's Paragraph.text gives "本年度共收到申请。" and an empty cell for these.
    assert "本年度共收到申请15件。" in merged.text().splitlines()
    assert "条" not in merged.text() and "QUOTE" not in merged.text()
    assert merged.tables()[1].rows[3][2] == "7"


def test_grid_span_repeats_the_text_and_blank_cells_stay_empty(merged: Document) -> None:
    rows = merged.tables()[0].rows
    assert rows[0] == ("第二十条第（一）项",) * 4
    # A cell holding only a full-width space is blank.
    assert rows[2] == ("规章", "1", "", "11")


def test_table_broken_with_its_row_label_repeated_is_one_table(merged: Document) -> None:
    assert merged.tables()[1].rows == (
        ("项目", "项目", "自然人", "总计"),
        ("三、本年度办理结果", "（一）予以公开", "5", "5"),
        ("三、本年度办理结果", "（二）部分公开", "3", ""),
        ("三、本年度办理结果", "（三）不予公开", "7", "7"),
        ("三、本年度办理结果", "（七）总计", "15", "15"),
    )


def test_table_broken_with_its_header_repeated_drops_the_copy(merged: Document) -> None:
    assert merged.tables()[2].rows == (("信息内容", "本年处理决定数量"), ("行政许可", "10"), ("行政处罚", "20"))


def test_next_table_of_the_same_width_without_a_repeat_stays_apart_and_grid_before_pads(merged: Document) -> None:
    assert merged.tables()[3].rows == (("备注", "无"), ("", "以上数据截至12月31日"))


def test_title_and_core_properties(merged: Document) -> None:
    assert merged.rendering == "docx"
    assert merged.title == "测试区2024年政府信息公开工作年度报告"
    assert merged.metadata["author"] == "测试区人民政府办公室"
    assert not merged.warnings


def test_blank_2021_form_has_every_template_table_in_full(corpus_dir: Path) -> None:
    document = word.read((corpus_dir / "template-2021-blank.docx").read_bytes())
    shapes = [(len(t.rows), len(t.rows[0])) for t in document.tables()]
    assert shapes == [(14, 4), (28, 10), (4, 15)]
    applications = document.tables()[1].rows
    # vMerge: the vertical group label fills every row it covers.
    assert [row[0] for row in applications[5:27]] == ["三、本年度办理结果"] * 22
    assert applications[16][1:3] == ("（四）无法提供", "2.没有现成信息需要另行制作")
    values = [cell for table in document.tables() for row in table.rows[3:] for cell in row[3:]]
    assert values and all(cell == "" for cell in values[-15:])
    assert all(cell == "" for row in applications[3:] for cell in row[3:])
    assert document.title == "政府信息公开工作年度报告格式模板"


def test_word_list_numbers_are_rendered_and_layout_tables_unwrapped() -> None:
    document = word.read(fixture("numbered-in-layout-table.docx"))
    assert [b.text if isinstance(b, TextBlock) else b.rows for b in document.blocks] == [
        "测试镇2024年政府信息公开工作年度报告",
        "一、总体情况",
        "（一）主动公开情况",
        "（二）依申请公开情况",
        "二、收到和处理政府信息公开申请情况",
        (("1.属于国家秘密", "0"), ("2.其他法律行政法规禁止公开", "2")),
        "三、存在的主要问题及改进情况",
    ]
    assert document.title == "测试镇2024年政府信息公开工作年度报告"


def test_pictures_instead_of_tables_warn_needs_ocr() -> None:
    document = word.read(fixture("pictures-only.docx"))
    assert document.tables() == ()
    assert document.text() == "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况"
    assert document.warnings == (("needs_ocr", "no tables in the text; 2 pictures or embedded objects may hold them"),)
    assert document.title == "测试乡2022年政府信息公开工作年度报告"  # from the core properties


def test_legacy_doc_without_libreoffice_is_a_clear_parse_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-soffice"
    with pytest.raises(ParseError, match=r"a\.doc is a legacy \.doc file; \.doc is unsupported without LibreOffice"):
        word.read(OLE2, url="https://x.gov.cn/a.doc", soffice=str(missing))


def test_legacy_wps_is_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"\.wps is unsupported without LibreOffice \(install libreoffice-writer"):
        word.read(OLE2, url="https://x.gov.cn/report.WPS", soffice=str(tmp_path / "soffice"))


def fake_soffice(tmp_path: Path, script: str) -> str:
    """A stand-in for the LibreOffice binary: the conversion's failure modes without LibreOffice."""
    binary = tmp_path / "soffice"
    binary.write_text(f"#!/bin/sh\n{script}\n")
    binary.chmod(0o755)
    return str(binary)


def test_conversion_that_hangs_is_killed_and_reported(tmp_path: Path) -> None:
    marker = tmp_path / "survived"
    # Like soffice, the script hands the work to a child process; the child must die with it.
    soffice = fake_soffice(tmp_path, f"(sleep 1; touch {marker}) & wait")
    with pytest.raises(ParseError, match=r"LibreOffice did not convert https://x\.gov\.cn/a\.doc within 0\.3 s"):
        word.read(OLE2, url="https://x.gov.cn/a.doc", soffice=soffice, timeout=0.3)
    time.sleep(1.5)
    assert not marker.exists()


def test_conversion_that_writes_nothing_is_a_parse_error(tmp_path: Path) -> None:
    soffice = fake_soffice(tmp_path, "exit 0")
    with pytest.raises(ParseError, match=r"LibreOffice could not convert a\.wps from \.wps"):
        word.read(OLE2, url="a.wps", soffice=soffice)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, not a document",
        fixture("merged-and-split.docx")[:5000],
        b"PK\x03\x04" + b"\x00" * 100,
    ],
    ids=["empty", "text", "truncated-docx", "zip-magic-only"],
)
def test_unreadable_bytes_are_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match=r"(not a Word document|not a readable DOCX)"):
        word.read(data, url="f.docx")


def test_zip_without_a_word_document_is_a_parse_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not word")
    with pytest.raises(ParseError, match=r"f\.docx is not a readable DOCX"):
        word.read(buffer.getvalue(), url="f.docx")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: .doc conversion cannot run here")
def test_legacy_doc_converts_through_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(fixture("merged-and-split.docx"))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    legacy = (tmp_path / "report.doc").read_bytes()
    assert legacy.startswith(OLE2[:8])
    document = word.read(legacy, url="https://x.gov.cn/report.doc")
    assert document.rendering == "doc"
    # .doc cannot keep two adjacent tables apart: the repeated-header pair comes back as one table
    # with the header inside, and must read the same as the DOCX.
    assert document.tables() == word.read(fixture("merged-and-split.docx")).tables()
    assert "三、收到和处理政府信息公开申请情况" in document.text()


def rezipped(original: bytes, part: str, mutate: Callable[[bytes], bytes]) -> bytes:
    """The package with one part changed and valid CRCs, so the damage reaches the XML parser."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, mutate(data) if item.filename == part else data)
    return buffer.getvalue()


@settings(max_examples=40, deadline=None)
@given(
    part=st.sampled_from(["word/document.xml", "word/styles.xml", "[Content_Types].xml", None]),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(list(b'<>"/=0 w:x\x00\xff'))), max_size=8),
    cut=st.integers(0, 10**6),
)
def test_damaged_docx_gives_a_document_or_a_parse_error(part: str | None, flips: list, cut: int) -> None:
    def damage(data: bytes) -> bytes:
        damaged = bytearray(data)
        for position, value in flips:
            damaged[position % len(damaged)] = value
        return bytes(damaged)

    original = fixture("numbered-in-layout-table.docx")
    data = rezipped(original, part, damage) if part else damage(original)[: max(1, cut % len(original))]
    try:
        document = word.read(data)
    except ParseError:
        return
    assert all(len(set(map(len, t.rows))) == 1 for t in document.tables())


def test_a_cover_that_names_no_report_gives_no_title_not_the_first_sentence_mentioning_the_report() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("本年度报告期内共主动公开信息12条。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert word.read(buffer.getvalue(), url="https://example.gov.cn/2024.docx").title is None

    titled = docx.Document()
    titled.add_paragraph("2024年政府信息公开工作年度报告")
    titled.add_paragraph("本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。")
    buffer = io.BytesIO()
    titled.save(buffer)
    assert (
        word.read(buffer.getvalue(), url="https://example.gov.cn/2024.docx").title == "2024年政府信息公开工作年度报告"
    )

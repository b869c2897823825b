"""Property tests: whatever the bytes, parse() returns a record or raises ParseError, and soon.

Random bytes, truncated and mutated corpus documents. Each example has a deadline (hypothesis) and
each test a timeout (pytest-timeout), so a hang fails instead of stalling CI.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.parsers import ParseError, parse
from nianbao.parsers.record import ReportRecord
from tests.conftest import CORPUS

TEXTUAL = ("shanghai-bgt-2019.html", "pingtan-2024-fragment.html", "henan-sthjt-2019.txt", "pingtan-2013.txt")
BINARY = ("huaian-2024.pdf", "template-2021-blank.docx")
# Deadlines are a hang guard, not a speed test: generous enough for a loaded 2-core CI machine.
FAST = settings(
    max_examples=200, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow], database=None
)
SLOW = settings(
    max_examples=25, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow], database=None
)


def _corpus(name: str) -> bytes:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{path} is not there (the corpus lives in ../shared/corpus)")
    return path.read_bytes()


def _outcome(data: bytes, name: str | None = None) -> None:
    try:
        record = parse(data, filename=name)
    except ParseError as exc:
        assert str(exc)
        return
    assert isinstance(record, ReportRecord)
    record.to_dict()


@pytest.mark.timeout(60)
@FAST
@given(st.binary(max_size=4096), st.sampled_from([None, "x.html", "x.txt", "x.pdf", "x.docx", "x.doc"]))
def test_random_bytes(data, name):
    _outcome(data, name)


@pytest.mark.timeout(60)
@FAST
@given(st.sampled_from(TEXTUAL), st.floats(0, 1))
def test_truncated_textual_documents(name, fraction):
    data = _corpus(name)
    _outcome(data[: int(len(data) * fraction)], name)


@pytest.mark.timeout(60)
@FAST
@given(st.sampled_from(TEXTUAL), st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=8)), min_size=1, max_size=8))
def test_mutated_textual_documents(name, edits):
    data = bytearray(_corpus(name))
    for where, replacement in edits:
        at = int(len(data) * where)
        data[at : at + len(replacement)] = replacement
    _outcome(bytes(data), name)


@pytest.mark.timeout(120)
@SLOW
@given(st.sampled_from(BINARY), st.floats(0, 1), st.booleans())
def test_truncated_or_mutated_binary_documents(name, fraction, mutate):
    data = bytearray(_corpus(name))
    at = int(len(data) * fraction)
    if mutate:
        data[at : at + 16] = bytes(16)
    else:
        del data[at:]
    _outcome(bytes(data), name)


_HTML_PIECES = (
    *("<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<p>", "</p>", "<br>", "<span>", "<!--", "-->"),
    *('<td colspan="99999">', '<td rowspan="0">', '<td rowspan="-3">', '<td colspan="x">', "<title>", "</title>"),
    *(
        "规章",
        "行政许可",
        "本年新制作数量",
        "本年制发件数",
        "自然人",
        "总计",
        "其他",
        "（七）总计",
        "结果维持",
        "行政复议",
    ),
    *("一、总体情况", "索引号：", "发布机构：", "2023年", "12", "-8", "251000元", "&nbsp;", "\t", "|", " | ", "\n"),
)


@pytest.mark.timeout(60)
@FAST
@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=300), st.sampled_from(["x.html", "x.txt"]))
def test_random_tag_soup(pieces, name):
    _outcome("".join(pieces).encode("utf-8"), name)


# OCR input: pictures with no text layer go through Tesseract. Few examples: each costs seconds.
OCR = settings(
    max_examples=6, deadline=timedelta(seconds=90), suppress_health_check=[HealthCheck.too_slow], database=None
)


def _picture_pdf(picture) -> bytes:  # type: ignore[no-untyped-def]
    import io

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842), invariant=1)
    canvas.drawImage(ImageReader(picture), 50, 400, 495, 300)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.timeout(600)
@OCR
@given(st.integers(8, 400), st.integers(8, 300), st.binary(min_size=1, max_size=2048), st.booleans())
def test_random_pictures_in_a_pdf(width, height, pixels, ruled):
    from PIL import Image, ImageDraw

    picture = Image.frombytes("L", (width, height), (pixels * (width * height // len(pixels) + 1))[: width * height])
    if ruled:  # ruling lines make the OCR path look for table cells
        draw = ImageDraw.Draw(picture)
        for x in range(0, width, max(4, width // 5)):
            draw.line((x, 0, x, height), fill=0, width=2)
        for y in range(0, height, max(4, height // 4)):
            draw.line((0, y, width, y), fill=0, width=2)
    _outcome(_picture_pdf(picture), "x.pdf")


@pytest.mark.timeout(600)
@OCR
@given(st.floats(0, 1), st.binary(min_size=1, max_size=16))
def test_mutated_picture_pdf(where, replacement):
    from nianbao.simweb.grids import Cell
    from nianbao.simweb.pictures import table_picture

    grid = [[Cell("结果维持"), Cell("结果纠正"), Cell("总计")], [Cell("1"), Cell("2"), Cell("3")]]
    data = bytearray(_picture_pdf(table_picture(grid)))
    at = int(len(data) * where)
    data[at : at + len(replacement)] = replacement
    _outcome(bytes(data), "x.pdf")


@pytest.mark.timeout(600)
@OCR
@given(st.sampled_from(["PNG", "JPEG", "TIFF", "GIF"]), st.floats(0, 1), st.binary(min_size=1, max_size=16))
def test_truncated_or_mutated_picture_files(kind, where, replacement):
    import io

    from nianbao.simweb.grids import Cell
    from nianbao.simweb.pictures import table_picture

    grid = [[Cell("结果维持"), Cell("结果纠正"), Cell("总计")], [Cell("1"), Cell("2"), Cell("3")]]
    buffer = io.BytesIO()
    table_picture(grid).save(buffer, kind)
    data = bytearray(buffer.getvalue())
    at = int(len(data) * where)
    data[at : at + len(replacement)] = replacement
    _outcome(bytes(data[: max(at, 8)] if where < 0.5 else data), f"x.{kind.lower()}")


@pytest.mark.timeout(600)
@OCR
@given(st.lists(st.tuples(st.sampled_from(["PNG", "JPEG", "junk"]), st.floats(0, 1)), min_size=1, max_size=3))
def test_a_sequence_of_pictures_some_broken_is_a_record_or_a_parse_error(pictures):
    import io

    from nianbao.parsers import parse_pictures
    from nianbao.simweb.grids import Cell
    from nianbao.simweb.pictures import table_picture

    grid = [[Cell("结果维持"), Cell("总计")], [Cell("1"), Cell("3")]]
    sequence = []
    for n, (kind, cut) in enumerate(pictures):
        buffer = io.BytesIO()
        if kind != "junk":
            table_picture(grid).save(buffer, kind)
        data = buffer.getvalue() or b"\x89PNG\r\n\x1a\n"
        sequence.append((data[: max(8, int(len(data) * cut))] if cut < 0.3 else data, f"p{n}.{kind.lower()}"))
    try:
        record = parse_pictures(sequence)
    except ParseError as exc:
        assert "none of the" in str(exc)
        return
    assert isinstance(record, ReportRecord)
    record.to_dict()

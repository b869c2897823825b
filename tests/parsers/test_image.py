"""Picture files (PNG, JPEG, multi-page TIFF) read by OCR, as scanned PDFs are.

Needs Tesseract with chi_sim and a CJK font (`infra/bootstrap --with-system-packages` installs both).
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from nianbao.parsers import ParseError, parse, parse_pictures
from nianbao.parsers.document import Method
from nianbao.parsers.readers import image
from nianbao.parsers.sniff import picture_format, rendering_of
from nianbao.simweb import documents
from nianbao.simweb.grids import review_grid
from nianbao.simweb.pictures import cjk_font, table_picture
from nianbao.simweb.world import build
from tests.parsers.test_ocr import _compare, _engine_and_font  # noqa: F401 - fails without Tesseract or a font

TABLES = ("active_disclosure", "applications", "review_litigation")


@pytest.fixture(scope="module")
def report():
    world = build(seed=5, size=4, years=(2020, 2022))
    return next(r for _, r in sorted(world.reports.items()) if r.figures and r.template == "2021")


def _pages(report) -> list[Image.Image]:
    """A scan of the report: the title printed above the first table, then a page per table."""
    tables = [table_picture(grid) for _, _, grid in documents._blocks(report) if grid is not None]
    font = cjk_font(36)
    width = max(tables[0].width, int(font.getlength(report.title)) + 80)
    first = Image.new("L", (width, tables[0].height + 120), 255)
    ImageDraw.Draw(first).text((40, 30), report.title, font=font, fill=0)
    first.paste(tables[0], (0, 120))
    return [first, *tables[1:]]


def _saved(frames: list[Image.Image], kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    frames[0].save(buffer, kind, save_all=len(frames) > 1, append_images=frames[1:], **options)
    return buffer.getvalue()


def test_a_multi_page_tiff_scan_reads_back_to_the_figures(report) -> None:
    data = _saved(_pages(report), "TIFF", compression="tiff_lzw")
    record = parse(data, url="https://x.gov.cn/2021nb.tif")
    assert record.rendering == "image"
    assert (record.year, record.template) == (2021, "2021")
    right, total, wrong = _compare({k: report.figures[k] for k in TABLES}, record.to_dict())
    assert wrong == []  # never a wrong number: what OCR cannot place is absent, with a warning
    assert right >= 0.85 * total, (right, total)
    codes = {w.code for w in record.warnings}
    assert "ocr" in codes and "needs_ocr" not in codes
    ocr_cells = [p for p in record.provenance if p.method == Method.OCR]
    assert ocr_cells and {p.page for p in ocr_cells} == {1, 2, 3}  # a frame is a page
    assert all(p.bbox is not None and 0.0 <= (p.confidence or 0.0) <= 1.0 for p in ocr_cells)


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_single_picture_of_a_table_gives_its_cells_by_ocr(report, kind: str) -> None:
    picture = table_picture(review_grid(report.figures, ""))
    document = image.read(_saved([picture], kind, **({"quality": 90} if kind == "JPEG" else {})))
    (table,) = document.tables()
    assert document.rendering == "image" and table.method is Method.OCR
    expected = [v for group in report.figures["review_litigation"].values() for v in group.values()]
    read = [int(v) if v.isdigit() else None if not v else "unreadable" for v in table.rows[3]]
    # JPEG's artefacts can cost a digit its shape: such a cell is unreadable text, never another number.
    assert all(got in (figure, "unreadable") for got, figure in zip(read, expected, strict=True)), read
    assert sum(got == figure for got, figure in zip(read, expected, strict=True)) >= 0.8 * len(expected), read


def test_a_transparent_png_is_read_on_white_paper(report) -> None:
    picture = table_picture(review_grid(report.figures, "")).convert("LA")
    (table,) = image.read(_saved([picture], "PNG")).tables()
    expected = [v for group in report.figures["review_litigation"].values() for v in group.values()]
    assert [int(v) if v else None for v in table.rows[3]] == expected


def test_a_truncated_picture_is_a_parse_error_naming_it(report) -> None:
    data = _saved([table_picture(review_grid(report.figures, ""))], "PNG")
    with pytest.raises(ParseError, match=r"^https://x\.gov\.cn/scan\.png is not a readable picture"):
        parse(data[: len(data) // 2], url="https://x.gov.cn/scan.png")


def test_a_picture_too_large_to_be_a_page_is_refused_before_decoding() -> None:
    """A PNG header claiming 100,000 x 100,000 pixels (a decompression bomb) costs nothing."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    png += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    with pytest.raises(ParseError, match=r"bomb\.png is too large to be a page of a report: .*10000000000 pixels"):
        parse(png, url="https://x.gov.cn/bomb.png")


@pytest.mark.parametrize(
    ("data", "kwargs", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(40), {}, "image"),
        (b"\xff\xd8\xff\xe0" + bytes(40), {"url": "https://x.gov.cn/a.html"}, "image"),  # bytes win
        (b"II*\x00" + bytes(40), {}, "image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", {}, "image"),
        (b"BM" + bytes(60), {"content_type": "image/bmp"}, "image"),
        (b"BM is a brand", {}, "text"),  # two letters alone are not a picture
        (b"<html><body>404</body></html>", {"content_type": "image/png"}, "html"),  # a server that lies
    ],
)
def test_pictures_are_recognised_by_their_bytes(data: bytes, kwargs: dict, expected: str) -> None:
    assert rendering_of(data, **kwargs) == expected


def test_a_saved_original_gets_its_pictures_extension() -> None:
    assert [picture_format(_saved([Image.new("L", (8, 8))], kind)) for kind in ("PNG", "JPEG", "GIF", "TIFF")] == [
        "png",
        "jpg",
        "gif",
        "tif",
    ]


def test_a_scan_fed_in_askew_is_straightened_and_its_misreads_are_flagged(report) -> None:
    frames = [page.rotate(2.5, expand=True, fillcolor=255, resample=Image.BICUBIC) for page in _pages(report)]
    record = parse(_saved(frames, "TIFF", compression="tiff_lzw"), url="https://x.gov.cn/2021nb.tif")
    assert (record.year, record.template) == (2021, "2021")
    codes = {w.code for w in record.warnings}
    assert "ocr_turned" in codes
    right, total, wrong = _compare({k: report.figures[k] for k in TABLES}, record.to_dict())
    assert right >= 0.7 * total, (right, total)  # unstraightened: not one cell
    assert not wrong or "ocr_checks_failed" in codes, wrong  # the template's checks are the verdict


def test_a_page_scanned_sideways_is_turned_upright(report) -> None:
    first = _pages(report)[0].rotate(90, expand=True)
    record = parse(_saved([first], "PNG"), url="https://x.gov.cn/sideways.png")
    assert (record.year, record.template) == (2021, "2021")  # the title, read upright
    assert record.active_disclosure == report.figures["active_disclosure"]
    assert [w.message for w in record.warnings if w.code == "ocr_turned"] == [
        "page 1 of https://x.gov.cn/sideways.png: its picture turned 90° to read it"
    ]


def test_the_pictures_of_one_report_page_are_one_document_a_table_cut_across_two_read_whole(report) -> None:
    """Table 3 cut across two pictures as a page of pictures shows it, a broken picture among them."""
    grids = documents.pictured_grids(report)
    pictures = [(_saved([table_picture(grid)], "PNG"), f"https://x.gov.cn/nb/p{n}.png") for n, grid in enumerate(grids)]
    broken = (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "https://x.gov.cn/nb/banner-missing.png")
    record = parse_pictures([*pictures[:2], broken, *pictures[2:]])
    assert record.rendering == "image"
    right, total, wrong = _compare({k: report.figures[k] for k in TABLES}, record.to_dict())
    assert wrong == [] and right >= 0.85 * total, (right, total, wrong)
    [unreadable] = [w.message for w in record.warnings if w.code == image.UNREADABLE]
    assert unreadable.startswith("picture 3 of 5: https://x.gov.cn/nb/banner-missing.png")
    # Each cell's page is its picture's position on the report page (the broken one keeps its number).
    pages = {(p.table, p.page) for p in record.provenance if p.method == Method.OCR.value}
    assert pages == {("active_disclosure", 1), ("applications", 2), ("applications", 4), ("review_litigation", 5)}


def _pictures(grids: list) -> list[tuple[bytes, str]]:
    return [(_saved([table_picture(grid)], "PNG"), f"https://x.gov.cn/nb/p{n}.png") for n, grid in enumerate(grids, 1)]


@pytest.fixture(scope="module")
def lone_rows(report):
    """Each table cut before its last row (table 4: its row of values), the row alone on its picture."""
    grids = [grid for _, _, grid in documents._blocks(report) if grid is not None]
    return parse_pictures(_pictures([part for grid in grids for part in (grid[:-1], grid[-1:])]))


def test_a_row_alone_on_the_next_picture_joins_the_table_it_was_cut_from(report, lone_rows) -> None:
    assert lone_rows.active_disclosure["fees"] == report.figures["active_disclosure"]["fees"]  # under its header
    assert lone_rows.applications["carried_forward"] == report.figures["applications"]["carried_forward"]
    assert lone_rows.review_litigation == report.figures["review_litigation"]
    right, total, wrong = _compare({k: report.figures[k] for k in TABLES}, lone_rows.to_dict())
    assert wrong == [] and right >= 0.85 * total, (right, total, wrong)
    pages = {p.page for p in lone_rows.provenance if p.table == "applications" and p.row == "carried_forward"}
    assert pages == {4}  # printed on the fourth picture, read as the table's last row


def test_a_one_row_table_of_other_columns_opening_the_next_picture_stays_apart(report) -> None:
    _active, applications, review = [grid for _, _, grid in documents._blocks(report) if grid is not None]
    head, row = image.read_sequence(_pictures([review[:3], applications[-1:]])).tables()
    assert len(head.rows) == 3 and len(head.rows[0]) == 15
    assert row.rows[0][0] == "四、结转下年度继续办理" and len(row.rows) == 1


def test_pictures_none_of_which_is_readable_are_a_parse_error_naming_each() -> None:
    with pytest.raises(ParseError, match=r"none of the 2 pictures is readable: picture 1 of 2: a\.png.*picture 2 of 2"):
        parse_pictures([(b"GIF89a", "a.png"), (b"\xff\xd8\xff", "b.jpg")])

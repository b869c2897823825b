"""OCR of pages without a text layer: the simulated web's 图片版 read back to its figures.

Needs Tesseract with chi_sim and a CJK font (`infra/bootstrap --with-system-packages` installs both).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from nianbao.parsers import parse
from nianbao.parsers.document import Document, Method, TableBlock
from nianbao.parsers.readers import ocr, pdf
from nianbao.parsers.record import Check, ReportRecord
from nianbao.parsers.verdict import ocr_verdict
from nianbao.simweb import documents
from nianbao.simweb.grids import review_grid
from nianbao.simweb.pictures import cjk_font, table_picture
from nianbao.simweb.world import build


@pytest.fixture(autouse=True, scope="module")
def _engine_and_font() -> None:
    """Fail, not skip: CI installs both, and a missing engine must not pass for a working one."""
    missing = ocr.unavailable() or ("no CJK font" if cjk_font() is None else None)
    if missing:
        pytest.fail(f"{missing}: run infra/bootstrap --with-system-packages")


@pytest.fixture(scope="module")
def world():
    return build(seed=5, size=4, years=(2020, 2022))


def _report(world, template: str):
    return next(r for _, r in sorted(world.reports.items()) if r.figures and r.template == template)


def _compare(figures: dict, record: dict) -> tuple[int, int, list]:
    """(cells read right, cells in the figures, cells read wrong: a value that is not the figure's)."""
    right = total = 0
    wrong = []
    for table, rows in figures.items():
        got = record[table] or {}
        for row, cells in rows.items():
            for column, value in cells.items():
                total += 1
                read = (got.get(row) or {}).get(column, "absent")
                if read == value:
                    right += 1
                elif read != "absent":
                    wrong.append((table, row, column, value, read))
    return right, total, wrong


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_picture_pdf_reads_back_to_the_figures(world, template: str) -> None:
    report = _report(world, template)
    record = parse(documents.image_pdf(report), filename="report.pdf").to_dict()
    figures = {k: report.figures[k] for k in ("active_disclosure", "applications", "review_litigation")}
    right, total, wrong = _compare(figures, record)
    # Never a wrong number: what OCR cannot place (a label or column head misread) is absent.
    assert wrong == []
    assert right >= 0.85 * total, (right, total)
    codes = {w["code"] for w in record["warnings"]}
    assert "ocr" in codes and "needs_ocr" not in codes
    failed = [c for c in record["checks"] if c["passed"] is False]
    assert ("ocr_checks_failed" in codes) == bool(failed)


def _picture_pdf(picture) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    width = A4[0] - 100
    height = width * picture.height / picture.width
    canvas.drawImage(ImageReader(picture), 50, A4[1] - 60 - height, width, height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_ocr_cells_carry_method_page_box_and_confidence(world) -> None:
    report = _report(world, "2021")
    document = pdf.read(_picture_pdf(table_picture(review_grid(report.figures, ""))))
    (table,) = document.tables()
    assert table.method is Method.OCR
    values = table.rows[3]
    expected = [v for group in report.figures["review_litigation"].values() for v in group.values()]
    assert [int(v) if v else None for v in values] == expected
    origins = [table.origin(3, c) for c in range(len(values))]
    assert all(o.method is Method.OCR and o.page == 1 and o.bbox is not None for o in origins)
    filled = [o.confidence for o, v in zip(origins, values, strict=True) if v]
    assert filled and all(0.0 < c <= 1.0 for c in filled)
    # The boxes are where the cells are printed: left to right across the page, in points.
    lefts = [o.bbox[0] for o in origins]
    assert lefts == sorted(lefts) and 40 < lefts[0] < lefts[-1] < A4[0] - 40


def test_the_ruling_lines_of_a_table_row_standing_alone_are_found(world) -> None:
    """A lone row is shorter than a ruling line is long: its vertical rules run from rule to rule."""
    report = _report(world, "2021")
    row = review_grid(report.figures, "")[3:]
    _, horizontal, vertical = ocr.without_rules(np.asarray(table_picture(row)), ocr.DPI / 72)
    assert len(_cluster(sorted({row for row, _, _ in horizontal}))) == 2
    assert len(_cluster(sorted({column for column, _, _ in vertical}))) == 16  # 15 cells, not a stroke of a digit


def _cluster(values: list[int]) -> list[int]:
    return [v for i, v in enumerate(values) if i == 0 or v - values[i - 1] > 3]


def test_a_level_page_is_measured_at_five_angles_and_a_tilted_one_searched_in_full(world, monkeypatch) -> None:
    report = _report(world, "2021")
    level = table_picture(documents.pictured_grids(report)[1])
    measured: list[float] = []
    sharpness = ocr._sharpness
    monkeypatch.setattr(ocr, "_sharpness", lambda ink, angle: measured.append(angle) or sharpness(ink, angle))
    assert ocr.skew(np.asarray(level)) == 0.0 and len(measured) == 5
    for tilt in (1.5, 0.3, -0.3):
        measured.clear()
        tilted = level.rotate(tilt, expand=True, fillcolor=255, resample=Image.BICUBIC)
        assert abs(ocr.skew(np.asarray(tilted)) - tilt) <= 0.1 and len(measured) > 40, tilt


def test_without_the_engine_the_pages_need_ocr_and_say_why(world, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "unavailable", lambda: "Tesseract is not installed")
    document = pdf.read(documents.image_pdf(_report(world, "2019")))
    assert document.tables() == ()
    assert document.warnings == (
        (
            "needs_ocr",
            "no text layer on any of the 3 pages (scanned or image-only PDF); "
            "not recognised: Tesseract is not installed",
        ),
    )


def test_failed_checks_on_ocr_tables_are_the_verdict() -> None:
    record = ReportRecord(
        agency="x", year=2023, title=None, template="2021", rendering="pdf", publish_date=None, sections=(),
        active_disclosure=None, applications=None, review_litigation=None,
        checks=(Check("R1", "applications.total", False, ""), Check("R2", "applications.natural_person", True, "")),
    )  # fmt: skip
    ocr_table = TableBlock((("1",),), method=Method.OCR)
    judged = ocr_verdict(Document(blocks=(ocr_table,), rendering="pdf"), record)
    assert [(w.code, w.message) for w in judged.warnings] == [
        ("ocr_checks_failed", "numbers read by OCR fail 1 checks (R1 applications.total): some are misread")
    ]
    # The same failure in a table read from a text layer is the report's own arithmetic, not a misreading.
    text_table = TableBlock((("1",),))
    assert ocr_verdict(Document(blocks=(text_table,), rendering="pdf"), record) is record

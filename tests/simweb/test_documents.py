"""Attachments carry the same tables as the manifest: PDF (read back by pdfplumber), DOCX, text, 图片版."""

import io

import docx
import pdfplumber
import pytest

from nianbao.simweb import Faults, SimWeb
from tests.simweb.http import get

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def docs_web():
    with SimWeb(seed=21, agencies=10, years=(2018, 2022), faults=Faults.none()) as web:
        yield web


def _url(web, kind, template):
    for report in web.manifest["reports"]:
        for url in report["urls"]:
            if url["kind"] == kind and report["template"] == template:
                return report, url["url"]
    pytest.fail(f"seed 21 has no {kind} rendering of a {template} report")


def _same(cells, values):
    """Printed cells against manifest values: a blank (None) prints as an empty cell or '-'."""
    values = list(values)
    return len(cells) == len(values) and all(
        (c or "") in ("", "-") if v is None else c == str(v) for c, v in zip(cells, values, strict=True)
    )


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_pdf_tables_read_back_with_pdfplumber(docs_web, template):
    report, url = _url(docs_web, "pdf", template)
    answer = get(url)
    assert answer.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(answer.body)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
    assert report["title"] in text.replace("\n", "")
    by_label = {(row[0] or "").replace("\n", ""): row for row in rows}
    received = by_label["一、本年新收政府信息公开申请数量"]
    expected = report["figures"]["applications"]["new_received"]
    # A table broken at a page loses its label columns' rulings: take every cell after the label.
    assert _same([c for c in received[1:] if c is not None], expected.values())
    review = report["figures"]["review_litigation"]
    flat = [review[g][k] for g in ("review", "litigation_direct", "litigation_after_review") for k in review[g]]
    assert any(_same(row, flat) for row in rows)


def _templated(web, kind):
    """A 2021 report with this rendering, else a 2019 one."""
    templates = {r["template"] for r in web.manifest["reports"] if any(u["kind"] == kind for u in r["urls"])}
    return _url(web, kind, "2021" if "2021" in templates else "2019")


def test_docx_tables_merge_cells_like_the_template(docs_web):
    report, url = _templated(docs_web, "docx")
    document = docx.Document(io.BytesIO(get(url).body))
    applications = document.tables[1]
    labels = [row.cells[0].text for row in applications.rows]
    assert labels.count("三、本年度办理结果") >= 20  # one merged cell spanning the result rows
    totals = next(row for row in applications.rows if row.cells[1].text == "（七）总计")
    expected = report["figures"]["applications"]["total_processed"]
    assert _same([c.text for c in totals.cells[3:]], expected.values())


def test_text_rendering_flattens_tables_with_tabs(docs_web):
    report, url = _templated(docs_web, "text")
    answer = get(url)
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    lines = answer.body.decode().splitlines()
    row = next(line.split("\t") for line in lines if "（七）总计" in line)
    expected = report["figures"]["applications"]["total_processed"]
    assert _same(row[3:], expected.values())


def test_image_pdf_has_no_text_layer(docs_web):
    for report in docs_web.world.reports.values():
        if "image-pdf" in report.renderings:
            url = docs_web.world.origin(docs_web.world.agency(report.agency).host) + docs_web.world.attachment_path(
                report, "image-pdf"
            )
            with pdfplumber.open(io.BytesIO(get(url).body)) as pdf:
                assert pdf.pages and all(not (page.extract_text() or "").strip() for page in pdf.pages)
                assert all(page.images for page in pdf.pages)
            return
    pytest.fail("seed 21 has no 图片版")


def test_renderings_are_deterministic_across_webs(docs_web):
    _report, url = _url(docs_web, "pdf", "2019")
    with SimWeb(seed=21, agencies=10, years=(2018, 2022), faults=Faults.none()) as again:
        same = url.replace(f":{docs_web.port}/", f":{again.port}/")
        assert get(same).headers["etag"] == get(url).headers["etag"]

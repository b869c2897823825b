"""The pdfium reader reads the same cells as the pdfplumber reader it replaced, on every PDF fixture.

Two proofs: each fixture's golden (`fixtures/pdf/<name>.expected.json`, written by the pdfplumber
reader before the switch: title, blocks in order, tables cell for cell), and a live comparison with
pdfplumber's own table extraction, cell box by cell box, on the fixtures and the corpus PDF.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import random
from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, edges_to_intersections, intersections_to_cells, merge_edges

from nianbao.parsers.document import Document, TableBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.readers import pdf, pdf_objects

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
PDFS = sorted(FIXTURES.glob("*.pdf"))
# The corpus PDF is third-party text: its golden is a digest of the pdfplumber reader's blocks.
HUAIAN_BLOCKS_SHA256 = "7af5f54d2acea7bc37ceb63495425516a5e6ccb6922713156573a00c143e8b7c"


def _blocks(document: Document) -> list[dict]:
    return [
        {"table": [list(row) for row in block.rows]} if isinstance(block, TableBlock) else {"text": block.text}
        for block in document.blocks
    ]


def test_every_pdf_fixture_has_a_golden() -> None:
    assert {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")} == {p.stem for p in PDFS}


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_fixture_reads_as_its_golden(path: Path) -> None:
    golden = json.loads(path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    if golden.get("error"):
        with pytest.raises(ParseError):
            pdf.read(path.read_bytes())
        return
    document = pdf.read(path.read_bytes())
    assert _blocks(document) == golden["blocks"]
    assert document.title == golden["title"]
    assert sorted({code for code, _ in document.warnings}) == golden["warning_codes"]


def test_corpus_pdf_reads_as_the_pdfplumber_reader_did(corpus_dir: Path) -> None:
    document = pdf.read((corpus_dir / "huaian-2024.pdf").read_bytes())
    digest = hashlib.sha256(json.dumps(_blocks(document), ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    assert digest == HUAIAN_BLOCKS_SHA256


def _pdfplumber_cells(data: bytes) -> dict[tuple[int, tuple[int, ...]], str]:
    """(page, rounded cell box) -> cell text, as pdfplumber's own table extraction reads them."""
    cells = {}
    with pdfplumber.open(io.BytesIO(data)) as document:
        for number, page in enumerate(document.pages, start=1):
            for table in page.find_tables():
                if max(len(row.cells) for row in table.rows) < 2:
                    continue  # a frame around a paragraph, not a table (both readers skip it)
                for row, texts in zip(table.rows, table.extract(), strict=True):
                    for box, text in zip(row.cells, texts, strict=True):
                        if box is not None:
                            cells[(number, tuple(round(v) for v in box))] = pdf._unwrap(text or "")
    return cells


def _our_cells(document: Document) -> dict[tuple[int, tuple[int, ...]], str]:
    cells = {}
    for table in document.tables():
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                origin = table.origin(r, c)
                assert origin.page is not None and origin.bbox is not None
                cells[(origin.page, tuple(round(v) for v in origin.bbox))] = text
    return cells


def _near(key: tuple[int, tuple[int, ...]], keys: dict) -> tuple[int, tuple[int, ...]] | None:
    page, box = key
    return next(
        (k for k in keys if k[0] == page and all(abs(a - b) <= 1 for a, b in zip(k[1], box, strict=True))), None
    )


# broken-page.pdf is left out: pdfplumber raises on its broken page.
@pytest.mark.parametrize("name", ["split-table.pdf", "two-tables.pdf", "huaian-2024.pdf"])
def test_every_cell_equals_pdfplumbers_reading_of_the_same_box(name: str, corpus_dir: Path) -> None:
    data = (corpus_dir / name if name.startswith("huaian") else FIXTURES / name).read_bytes()
    theirs = _pdfplumber_cells(data)
    ours = _our_cells(pdf.read(data))
    assert theirs and ours
    unmatched = []
    for key, text in ours.items():
        match = _near(key, theirs)
        # A label cut by the page break is glued: the first half's box holds the whole label.
        if match is None or not (text == theirs[match] or (theirs[match] and text.startswith(theirs[match]))):
            unmatched.append((key, text, match and theirs[match]))
    assert unmatched == []
    # What we do not show is the continuation of a cut label or a header row repeated on the next page.
    missing = [(k, t) for k, t in theirs.items() if _near(k, ours) is None]
    shown = set(ours.values())
    assert all(text in shown or any(text and s.endswith(text) for s in shown) or not text for _, text in missing)


def _ruled_grid(rng: random.Random) -> list[dict]:
    """Edges of a ruled grid with random column widths and row heights, some inner segments left out
    (merged cells), some sides drawn in pieces and a stray short line."""
    xs = [0.0]
    for _ in range(rng.randint(1, 9)):
        xs.append(xs[-1] + rng.choice((20.0, 35.5, 60.0, 90.25)))
    ys = [0.0]
    for _ in range(rng.randint(1, 14)):
        ys.append(ys[-1] + rng.choice((12.0, 18.5, 30.0)))
    edges = []
    for i, y in enumerate(ys):
        for x0, x1 in itertools.pairwise(xs):
            if 0 < i < len(ys) - 1 and rng.random() < 0.15:
                continue  # a merged cell: no line between two rows here
            edges.append(pdf_objects._edge(x0, y, x1, y))
    for j, x in enumerate(xs):
        for y0, y1 in itertools.pairwise(ys):
            if 0 < j < len(xs) - 1 and rng.random() < 0.15:
                continue
            edges.append(pdf_objects._edge(x, y0, x, y1))
    edges.append(pdf_objects._edge(xs[0] + 3, ys[-1] + 20, xs[0] + 40, ys[-1] + 20))
    return [e for e in edges if e is not None]


@pytest.mark.parametrize("seed", range(60))
def test_the_cell_search_finds_pdfplumbers_cells_in_its_order(seed: int) -> None:
    """Our cell search against pdfplumber's own `intersections_to_cells` on ruled grids with merged
    cells and broken lines: the same cells, in the same order."""
    edges = _ruled_grid(random.Random(seed))
    intersections = edges_to_intersections(merge_edges(edges, 3, 3, 3, 3), 3, 3)
    assert pdf_objects._cells(intersections) == intersections_to_cells(intersections)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_tables_found_on_every_fixture_page_equal_pdfplumbers_table_finder(path: Path) -> None:
    try:
        document = pdf_objects.open_document(path.read_bytes())
    except Exception:  # the encrypted and truncated fixtures: nothing to compare
        return
    for index in range(len(document)):
        try:
            objects = pdf_objects.read_page(document[index], max_drawn=100_000)
        except Exception:
            continue
        page = pdf_objects._EdgePage(objects.edges, objects.width, objects.height)
        theirs = TableFinder(page).tables if objects.edges else []  # type: ignore[arg-type]
        ours = pdf_objects.find_tables(objects.edges, objects.width, objects.height)
        assert [t.cells for t in ours] == [t.cells for t in theirs]

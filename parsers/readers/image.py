"""Pictures of a report (PNG, JPEG, TIFF, GIF, WebP): each frame a page, read by OCR.

Agencies publish scans as picture files too, not only as image-only PDFs. Rather than a second OCR
path, every frame becomes a page of an in-memory PDF declared at the OCR resolution (so the PDF
reader renders it back pixel for pixel) and the PDF reader reads it: the same ruling lines, cells,
confidences, checks verdict and provenance (page = frame, bbox in points at that resolution) as a
scanned PDF.

A report published as several pictures (one `<img>` per page on its web page) is read by
`read_sequence` as one document, its pictures in the page's order: a table cut across two pictures
is rejoined as across PDF pages, and each cell's page is the position of its picture in that order.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image, ImageSequence, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from nianbao.parsers.document import CellOrigin, Document, TableBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import check_document_size
from nianbao.parsers.readers import ocr, pdf

RENDERING = "image"
RESOLUTION = ocr.DPI  # declared, so the PDF reader renders each frame back at its own pixels
MAX_FRAME_PIXELS = 50_000_000  # a scanned A4 page at 600 dpi is 35 M; more is a bomb, not a scan
MARGIN = 48  # pixels of white around a frame: a picture cropped to its table's outer ruling lines
_PDF_MODES = ("1", "L", "RGB", "CMYK")
UNREADABLE = "picture_unreadable"  # the warning code of a picture of a sequence that could not be read


def read(data: bytes, *, url: str | None = None, max_pages: int = pdf.MAX_PAGES, ocr: bool = True) -> Document:
    """Read a picture file; ParseError when it is not a readable picture or is too large to be a page.
    `ocr=False`: the frames are left unread with an `ocr_deferred` warning (see the PDF reader)."""
    where = url or "the picture"
    document = pdf.read(_as_pdf(data, where, max_pages), url=url, max_pages=max_pages, ocr=ocr)
    return replace(document, rendering=RENDERING)


def read_sequence(
    pictures: Sequence[tuple[bytes, str]], *, max_pages: int = pdf.MAX_PAGES, ocr: bool = True
) -> Document:
    """Read the pictures of one report, each given as (bytes, where: its URL or name), as one document
    in the order given. A picture that cannot be read is an `picture_unreadable` warning naming it and
    the others are read; ParseError only when none is readable. Each cell's page is the 1-based position
    of its picture in the sequence (every frame of a multi-frame picture is that picture's page)."""
    if not pictures:
        raise ParseError("no pictures to read")
    pages: list[Image.Image] = []
    page_of: list[int] = []  # the picture (1-based) each page of the PDF came from
    warnings: list[tuple[str, str]] = []
    for number, (data, where) in enumerate(pictures, start=1):
        try:
            check_document_size(data, where)
            frames = _decoded(data, where, max_pages - len(pages))
        except ParseError as exc:
            warnings.append((UNREADABLE, f"picture {number} of {len(pictures)}: {exc}"))
            continue
        pages += frames
        page_of += [number] * len(frames)
        if len(pages) >= max_pages:
            break
    if not pages:
        reasons = "; ".join(message for _, message in warnings)
        raise ParseError(f"none of the {len(pictures)} pictures is readable: {reasons}")
    document = pdf.read(_pdf_of(pages), url=pictures[0][1], max_pages=max_pages, ocr=ocr)
    blocks = tuple(_on_pictures(b, page_of) if isinstance(b, TableBlock) else b for b in document.blocks)
    return replace(document, blocks=blocks, rendering=RENDERING, warnings=(*warnings, *document.warnings))


def _on_pictures(table: TableBlock, page_of: list[int]) -> TableBlock:
    """The table with each cell's page renumbered from the PDF's pages to the pictures they came from."""
    if table.origins is None:
        return table
    origins = tuple(tuple(_moved(origin, page_of) for origin in row) for row in table.origins)
    return replace(table, origins=origins)


def _moved(origin: CellOrigin, page_of: list[int]) -> CellOrigin:
    return origin if origin.page is None else replace(origin, page=page_of[origin.page - 1])


def _as_pdf(data: bytes, where: str, max_pages: int) -> bytes:
    return _pdf_of(_decoded(data, where, max_pages))


def _decoded(data: bytes, where: str, max_pages: int) -> list[Image.Image]:
    """The picture's frames as pages; ParseError when it is not a readable picture or too large."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return [_page(frame) for frame in _frames(picture, where, max_pages)]
    except Image.DecompressionBombError as exc:  # Pillow's own guard, from the header alone
        raise ParseError(f"{where} is too large to be a page of a report: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ParseError(f"{where} is not a readable picture (corrupt, truncated or unsupported): {exc}") from exc


def _pdf_of(frames: list[Image.Image]) -> bytes:
    """The frames as the pages of a PDF at RESOLUTION. ReportLab, not Pillow: Pillow's PDF writer
    re-encodes every picture as JPEG, whose artefacts around thin digits cost OCR whole numbers."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    for frame in frames:
        size = (frame.width * 72 / RESOLUTION, frame.height * 72 / RESOLUTION)
        canvas.setPageSize(size)
        canvas.drawImage(ImageReader(frame), 0, 0, *size)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frames(picture: Image.Image, where: str, max_pages: int) -> list[Image.Image]:
    frames = []
    for number, frame in enumerate(ImageSequence.Iterator(picture), start=1):
        if number > max_pages:
            break
        width, height = frame.size
        if width * height > MAX_FRAME_PIXELS:  # checked from the header, before any pixel is decoded
            raise ParseError(
                f"{where}: frame {number} is {width}x{height} pixels; a page is at most {MAX_FRAME_PIXELS:,} pixels"
            )
        frames.append(frame.copy())
    return frames


def _page(frame: Image.Image) -> Image.Image:
    """The frame in a mode a PDF holds, on white paper with a margin."""
    picture = _opaque(frame)
    paper = Image.new(picture.mode, (picture.width + 2 * MARGIN, picture.height + 2 * MARGIN), "white")
    paper.paste(picture, (MARGIN, MARGIN))
    return paper


def _opaque(frame: Image.Image) -> Image.Image:
    """The frame in a mode a PDF holds; transparency laid on white paper."""
    if frame.mode in _PDF_MODES:
        return frame
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        paper = Image.new("RGB", frame.size, "white")
        paper.paste(frame.convert("RGBA"), mask=frame.convert("RGBA").getchannel("A"))
        return paper
    if frame.mode.startswith("I") or frame.mode == "F":  # 16-bit or float greys (some scanners' TIFF)
        return frame.point(lambda value: value / 256).convert("L")
    return frame.convert("RGB")

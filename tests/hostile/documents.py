"""Hostile documents, built here (never committed): each is small on the wire and enormous to read.

Each builder returns (file name, content type, bytes). The sizes are those a crawler meets: a few KB to
about a MB.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
TITLE = "2024年政府信息公开工作年度报告"


def _docx(body: bytes | Callable[[], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        document = body() if callable(body) else body
        package.writestr("word/document.xml", document)
    return out.getvalue()


def _document_xml(inner: str) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
    return (head + f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>" + inner + "</w:body></w:document>").encode()


def docx_huge_span() -> tuple[str, str, bytes]:
    """One cell spanning twenty million grid columns (about 1 KB)."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="20000000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    rows = "".join(f"<w:tr>{cell}</w:tr>" for _ in range(3))
    return "huge-span.docx", DOCX, _docx(_document_xml(f"<w:tbl>{rows}</w:tbl>"))


def docx_many_cells(megabytes: int = 40) -> tuple[str, str, bytes]:
    """A table of millions of small cells: well compressed, and under a naive unpack limit of 200 MB."""
    cell = "<w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc>"
    row = "<w:tr>" + cell * 20 + "</w:tr>"
    count = megabytes * (1 << 20) // len(row)
    return "many-cells.docx", DOCX, _docx(lambda: _document_xml("<w:tbl>" + row * count + "</w:tbl>"))


def docx_lying_sizes() -> tuple[str, str, bytes]:
    """A package whose zip index claims its XML is 1 KB while it inflates to 40 MB."""
    _, kind, data = docx_many_cells(40)
    claimed = 1024
    out = bytearray(data)
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:  # central directory entries: uncompressed size at +24
        struct.pack_into("<I", out, at + 24, claimed)
        at += 4
    at = 0
    while (at := out.find(b"PK\x03\x04", at)) >= 0:  # local headers: uncompressed size at +22
        struct.pack_into("<I", out, at + 22, claimed)
        at += 4
    return "lying-sizes.docx", kind, bytes(out)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1-based numbering, object 1 the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_many_glyphs(glyphs: int = 250_000) -> tuple[str, str, bytes]:
    """One page drawing a quarter of a million glyphs from a content stream of about 1 KB compressed."""
    line = b"(" + b"8" * 100 + b") Tj\n"
    content = b"BT /F1 1 Tf 10 10 Td\n" + line * (glyphs // 100) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(content),
        _FONT,
    ]
    return "many-glyphs.pdf", "application/pdf", _pdf(objects)


def pdf_stream_bomb(megabytes: int = 512) -> tuple[str, str, bytes]:
    """A page whose content stream is about 0.5 MB compressed and inflates to `megabytes` MB."""
    packed = _spaces_deflated(megabytes)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream,
    ]
    return "stream-bomb.pdf", "application/pdf", _pdf(objects)


def _spaces_deflated(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of spaces, built in milliseconds: after a full flush deflate starts
    afresh, so one compressed megabyte can be repeated; the checksum is computed over the whole."""
    spaces = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(spaces) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(spaces, checksum)
    return b"\x78\xda" + block * megabytes + packer.flush() + struct.pack(">I", checksum)


def pdf_many_pages(pages: int = 100_000) -> tuple[str, str, bytes]:
    """A page tree of 100,000 pages, all the same page object."""
    kids = b" ".join([b"3 0 R"] * pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(f"BT /F1 12 Tf 72 720 Td ({'2024'}) Tj ET".encode()),
        _FONT,
    ]
    return "many-pages.pdf", "application/pdf", _pdf(objects)


def html_big_table(megabytes: int = 24) -> tuple[str, str, bytes]:
    """A report page with a table of millions of cells."""
    row = "<tr>" + "<td>1</td>" * 20 + "</tr>"
    body = row * (megabytes * (1 << 20) // len(row))
    html = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><table>{body}</table></body></html>"
    return "big-table.html", "text/html; charset=utf-8", html.encode()


def html_deep_nesting(depth: int = 30_000) -> tuple[str, str, bytes]:
    """A report page keeping 30,000 elements open, each stray end tag after them closing none: an HTML5
    parser walks every open element at each of those tags: seconds for these 400 KB, hours for 16 MB."""
    body = f"{'<span>' * depth}<p>{TITLE}</p>{'</x>' * depth}"
    html = f"<html><head><title>{TITLE}</title></head><body>{body}</body></html>"
    return "deep-nesting.html", "text/html; charset=utf-8", html.encode()


HOSTILE: dict[str, Callable[[], tuple[str, str, bytes]]] = {
    "docx_huge_span": docx_huge_span,
    "docx_many_cells": docx_many_cells,
    "docx_lying_sizes": docx_lying_sizes,
    "pdf_many_glyphs": pdf_many_glyphs,
    "pdf_stream_bomb": pdf_stream_bomb,
    "pdf_many_pages": pdf_many_pages,
    "html_big_table": html_big_table,
    "html_deep_nesting": html_deep_nesting,
}

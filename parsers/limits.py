"""How much work one document may ask of the readers, and the checks that stop it early.

The values sit far above any real report (5-40 pages, a few tables of at most a few hundred cells,
a DOCX whose XML is a few MB) and far below what a hostile file asks for (a 1 KB DOCX spanning one cell
over twenty million columns, a PDF page of 250,000 glyphs, a 1 MB stream inflating to 2 GB). Each
check raises ParseError naming the document and the limit, before the work, not at the end of memory.
The flows also parse each document in a process with a wall-time and memory cap; these limits make
a hostile document fail in milliseconds instead of at that cap.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from nianbao.parsers.errors import ParseError

MAX_DOCUMENT_BYTES = 64 << 20
"""A report is at most a few MB; a scanned one with images some tens."""
MAX_SPAN = 50
"""Columns or rows one table cell may span (gridSpan, colspan, rowspan); real reports stay under 25."""
MAX_TABLE_ROWS = 5_000
MAX_TABLE_CELLS = 100_000
"""Cells of one table once spans are expanded; the largest real report table has a few hundred."""
MAX_DOCX_XML_BYTES = 32 << 20
"""The XML parts of a DOCX, inflated; a report's document.xml is a few MB."""
MAX_DOCX_UNPACKED_BYTES = 200 << 20
"""All parts of a DOCX, inflated (pictures included)."""
MAX_PDF_PAGES = 2_000
"""Pages a PDF may declare; the reader reads at most its first MAX_PAGES of them."""
MAX_PDF_GLYPHS_PER_PAGE = 30_000
"""A dense page of small Chinese type holds about 3,000."""
MAX_PDF_STREAM_BYTES = 128 << 20
"""One PDF stream, inflated; a full-page scan stored losslessly is some tens of MB."""
MAX_HTML_BYTES = 16 << 20
"""A report page is well under 1 MB of HTML; one with inline pictures a few MB."""
MAX_HTML_NESTING = 2_000
"""Elements a page may keep open at once; real pages stay under 100. An HTML5 parser walks the open elements
at many tags (an end tag matching none of them, a block opening inside others), so a page of many
unclosed elements costs it the square of their number: a 1 MB page of them, half a minute."""
_NESTING_CHECKED_FROM = 15_000
"""Tags (counted as `<`); a page of fewer costs the parser under a second however it nests them (a
walk over the open elements at each tag: 15,000 squared steps of a few nanoseconds)."""

_CHUNK = 1 << 20


def check_document_size(data: bytes, where: str) -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"{where} is {len(data) >> 20} MB; a report is at most {MAX_DOCUMENT_BYTES >> 20} MB")


def check_span(span: int, where: str) -> int:
    if span > MAX_SPAN:
        raise ParseError(f"{where}: a table cell spans {span} columns or rows; at most {MAX_SPAN} are read")
    return span


def check_table(rows: int, cells: int, where: str) -> None:
    if rows > MAX_TABLE_ROWS or cells > MAX_TABLE_CELLS:
        raise ParseError(
            f"{where}: a table of {rows} rows and {cells} cells; at most {MAX_TABLE_ROWS} rows "
            f"and {MAX_TABLE_CELLS} cells are read"
        )


def check_docx_package(data: bytes, where: str) -> None:
    """Inflate every part of the package, counting the bytes that come out (the zip index's sizes are
    the file's own claim, and a hostile file lies), and stop at the first limit crossed."""
    total = xml = 0
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for entry in package.infolist():
            is_xml = entry.filename.endswith((".xml", ".rels"))
            with package.open(entry) as part:
                while chunk := part.read(_CHUNK):
                    total += len(chunk)
                    xml += len(chunk) if is_xml else 0
                    if xml > MAX_DOCX_XML_BYTES or total > MAX_DOCX_UNPACKED_BYTES:
                        raise ParseError(
                            f"{where} inflates beyond {MAX_DOCX_XML_BYTES >> 20} MB of XML or "
                            f"{MAX_DOCX_UNPACKED_BYTES >> 20} MB in all (at {entry.filename}); a report is a few MB"
                        )


_STREAM = re.compile(rb"stream\r?\n")
_DEFLATE_RATIO = 1032
"""Deflate's largest expansion (RFC 1951): a 258-byte match coded in two 1-bit codes is 1032 bytes out
per byte in. A stream can take in at most the bytes from its start to the end of the file, so one
starting within MAX_PDF_STREAM_BYTES / 1032 bytes (124 KB) of the end cannot cross the limit in one
stage."""
_FEED = 64 << 10  # input handed to the inflater at a time: what it copies aside as unused after a stream ends


def check_pdf_streams(data: bytes, where: str) -> None:
    """Inflate each zlib-compressed stream, counting what comes out, before pdfium inflates it whole:
    a 1 MB stream can stand for gigabytes. A stream whose inflated bytes are zlib data again (a filter
    listed twice, /Filter [/FlateDecode /FlateDecode]) is inflated through each stage, each counted."""
    view = memoryview(data)  # slices of a view are not copies
    for match in _STREAM.finditer(data):
        if data.startswith(b"end", match.start() - 3, match.start()):
            continue  # `endstream` closes a stream; the bytes after it are no stream's data
        start = match.end()
        if start + 2 > len(data) or not _zlib_header(data[start], data[start + 1]):
            continue  # not zlib (an image, another filter, or 'stream' in text): not ours to judge
        # A stream too short to inflate beyond the limit in one stage is let through unless its first
        # inflated bytes open zlib data again (the one way a short stream grows further).
        if (len(data) - start) * _DEFLATE_RATIO <= MAX_PDF_STREAM_BYTES and not _may_inflate_to_zlib(view, start):
            continue
        chain = _Chain(where, start)
        try:
            chain.inflate(view, start + 2)
        except zlib.error:
            continue  # not zlib after all: not ours to judge


def _may_inflate_to_zlib(view: memoryview, start: int) -> bool:
    """Whether the stream's first two inflated bytes may be a zlib header: False only when they are
    seen and are not (empty blocks first could otherwise hide a chain)."""
    try:
        head = zlib.decompressobj(-zlib.MAX_WBITS).decompress(view[start + 2 : start + 2 + _PEEK], 2)
    except zlib.error:
        return False  # not zlib: not ours to judge
    return len(head) < 2 or _zlib_header(head[0], head[1])


_PEEK = 4096  # input enough for a deflate block's code tables and its first bytes


class _Stage:
    """One FlateDecode of a chain: its inflater, what it gave so far, and its first output bytes until
    they tell whether the next stage inflates them (None once told)."""

    __slots__ = ("head", "inflater", "produced")

    def __init__(self) -> None:
        self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw: the zlib header is read by the caller
        self.produced = 0
        self.head: bytes | None = b""


class _Chain:
    """The FlateDecode stages of one stream, each inflating raw what the one before it gives (after its
    zlib header), at most _MAX_STAGES; every stage's output counted against the limit. A later stage
    whose input turns out not to be zlib data is dropped, the stages before it still counted: pdfium
    would stop there too."""

    def __init__(self, where: str, at: int) -> None:
        self.where, self.at = where, at
        self.stages = [_Stage()]

    def inflate(self, view: memoryview, offset: int) -> None:
        """Feed the file's bytes from `offset` to the first stage until it ends or the file does."""
        first = self.stages[0].inflater
        while offset < len(view) and not first.eof:
            pending = view[offset : offset + _FEED]
            offset += len(pending)
            self._feed(0, pending)

    def _feed(self, level: int, data: bytes | memoryview) -> None:
        inflater = self.stages[level].inflater
        while data and not inflater.eof:
            out = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            if out:
                self._produced(level, out)

    def _produced(self, level: int, out: bytes) -> None:
        stage = self.stages[level]
        stage.produced += len(out)
        if stage.produced > MAX_PDF_STREAM_BYTES:
            raise ParseError(
                f"{self.where}: a stream at byte {self.at} inflates beyond {MAX_PDF_STREAM_BYTES >> 20} MB"
            )
        if stage.head is not None:  # the next stage not told yet
            head = stage.head + out
            if len(head) < 2:
                stage.head = head
                return
            stage.head = None
            if level + 1 >= _MAX_STAGES or not _zlib_header(head[0], head[1]):
                return
            self.stages.append(_Stage())
            out = head[2:]
        if level + 1 < len(self.stages):
            try:
                self._feed(level + 1, out)
            except zlib.error:  # the next stage's input is no zlib data: it and the stages after it go
                del self.stages[level + 1 :]


_MAX_STAGES = 4  # FlateDecode listed up to four times; each can multiply the size by up to 1032


def _zlib_header(method: int, flags: int) -> bool:
    """RFC 1950's two bytes as zlib accepts them: deflate, a window of at most 32 KB, the check
    bits right, and no preset dictionary (zlib would stop for one it is not given)."""
    return method & 0x0F == 8 and method >> 4 <= 7 and (method << 8 | flags) % 31 == 0 and not flags & 0x20


def check_pdf_pages(pages: int, where: str) -> None:
    """The page count pdfium read from the document, before any page is read."""
    if pages > MAX_PDF_PAGES:
        raise ParseError(f"{where} declares {pages} pages; a report has at most {MAX_PDF_PAGES}")


def check_pdf_glyphs(glyphs: int, number: int, where: str) -> None:
    """A page's glyphs, counted by pdfium (in C) before the reader builds a Python object for each."""
    if glyphs > MAX_PDF_GLYPHS_PER_PAGE:
        raise ParseError(
            f"{where}: page {number} draws {glyphs} glyphs; a page of a report holds at most {MAX_PDF_GLYPHS_PER_PAGE}"
        )


def check_html_nesting(text: str, where: str) -> None:
    """Refuses a page keeping more than MAX_HTML_NESTING elements open at once, before it is parsed.

    The open elements are counted as an HTML5 parser would keep them, roughly: an end tag closes its
    element and the ones opened after it, or nothing if none of its name is open; void elements and
    those a parser closes by itself (p, li, td, tr, option …) are not counted, so the count stays under
    the parser's own on a sloppy page."""
    if text.count("<") < _NESTING_CHECKED_FROM:
        return
    stack: list[str] = []
    open_by_name: dict[str, int] = {}
    deepest = 0
    for closing, name in _HTML_TAG.findall(text):
        name = name.lower()
        if name in _NOT_NESTING:
            continue
        if not closing:
            stack.append(name)
            open_by_name[name] = open_by_name.get(name, 0) + 1
            deepest = max(deepest, len(stack))
            continue
        if open_by_name.get(name):
            while True:  # each element is popped once: no quadratic walk here
                popped = stack.pop()
                open_by_name[popped] -= 1
                if popped == name:
                    break
    if deepest > MAX_HTML_NESTING:
        raise ParseError(
            f"{where} keeps {deepest} HTML elements open at once; a report page keeps under 100, "
            f"at most {MAX_HTML_NESTING} are read"
        )


_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)")
# Void elements (no end) and elements an HTML5 parser closes when a sibling opens: never deep on their own.
_NOT_NESTING = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
     "p", "li", "dd", "dt", "td", "th", "tr", "option", "optgroup", "rb", "rt", "rp", "thead", "tbody", "tfoot"}
)  # fmt: skip


def check_html_size(data: bytes, where: str) -> None:
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"{where} is {len(data) >> 20} MB of HTML; a report page is at most {MAX_HTML_BYTES >> 20} MB")

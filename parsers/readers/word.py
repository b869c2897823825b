"""Word reader: DOCX paragraphs and tables in body order; legacy .doc/.wps through LibreOffice.

Tables are expanded from the XML (gridBefore, gridSpan, vMerge) rather than through python-docx's
cell API, which is quadratic in the row count and hides how a row starts. A table that Word (or the
author) broke in two at a page, with its header or its row label repeated, is joined back.

Warnings: `needs_ocr` (no table in the XML but pictures or embedded objects that may hold them).
ParseError: not a Word file, a broken package, a legacy file without LibreOffice or one it cannot
convert in time.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from lxml.etree import XMLSyntaxError, XPath, _Element

from nianbao.parsers.document import Block, Document, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.identity import names_a_report
from nianbao.parsers.limits import check_docx_package, check_span, check_table
from nianbao.parsers.readers.word_numbering import Numbering

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CONVERT_TIMEOUT = 120.0
"""Seconds for one LibreOffice conversion; a .doc report converts in ~2 s, a cold start takes ~10."""

# What python-docx lets escape on broken packages: its own error, zip and XML errors, and the plain
# errors of its element classes meeting XML they did not expect.
_BROKEN = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    zlib.error,
    XMLSyntaxError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    EOFError,
)
# Compiled once: python-docx's element.xpath() compiles its expression on every call, which made
# XPath most of the reading time.
_PICTURES = XPath(".//w:drawing | .//w:pict | .//w:object", namespaces=nsmap)
_TABLE_CELLS = XPath("./w:tr/w:tc", namespaces=nsmap)
_NESTED_TABLES = XPath("./w:tr/w:tc/w:tbl", namespaces=nsmap)
_ROWS = XPath("./w:tr | ./w:sdt/w:sdtContent/w:tr", namespaces=nsmap)
_CELLS = XPath("./w:tc | ./w:sdt/w:sdtContent/w:tc", namespaces=nsmap)
_GRID_BEFORE = XPath("./w:trPr/w:gridBefore/@w:val", namespaces=nsmap)
_T, _TAB = qn("w:t"), qn("w:tab")
_BREAKS = {qn("w:br"), qn("w:cr")}
# Property elements hold no text; the rest are text that is not shown.
_INVISIBLE = {qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:moveFrom"), qn("w:instrText"), qn("w:sdtPr")}
_INVISIBLE |= {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_TITLE_STYLES = {"Title", "标题"}
_TITLE_LENGTH = 60
_SENTENCE = re.compile(r"[。；;]|^本报告")


def read(
    data: bytes,
    *,
    url: str | None = None,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
) -> Document:
    """Read a DOCX, or a legacy .doc/.wps when LibreOffice is available.

    `soffice` is the LibreOffice binary for legacy files; by default the first of `soffice` and
    `libreoffice` found on PATH.
    """
    where = url or "the Word file"
    if data.startswith(OLE2_MAGIC):
        binary = soffice or shutil.which("soffice") or shutil.which("libreoffice")
        converted = _convert_legacy(data, where, _legacy_suffix(url), binary, timeout)
        document = _read_docx(converted, where)
        return replace(document, rendering="doc")
    if not data.startswith(ZIP_MAGIC):
        raise ParseError(f"{where} is not a Word document (neither DOCX nor .doc/.wps)")
    return _read_docx(data, where)


def _legacy_suffix(url: str | None) -> str:
    return ".wps" if url and url.lower().split("?")[0].endswith(".wps") else ".doc"


def _convert_legacy(data: bytes, where: str, suffix: str, binary: str | None, timeout: float) -> bytes:
    """.doc/.wps → DOCX with LibreOffice headless, in a private profile (shared ones fail silently)."""
    unsupported = f"{where} is a legacy {suffix} file; {suffix} is unsupported without LibreOffice"
    if binary is None or shutil.which(binary) is None:
        raise ParseError(f"{unsupported} (install libreoffice-writer; no soffice at {binary or 'PATH'})")
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as scratch:
        work = Path(scratch)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            _run(command, timeout)
        except subprocess.TimeoutExpired as exc:
            raise ParseError(f"LibreOffice did not convert {where} within {timeout:g} s") from exc
        except OSError as exc:
            raise ParseError(f"{unsupported} (cannot run {binary}: {exc})") from exc
        result = work / "out" / "report.docx"
        if not result.is_file():
            raise ParseError(f"LibreOffice could not convert {where} from {suffix} (corrupt or not a Word file)")
        return result.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    """Run LibreOffice in its own process group: `soffice` is a wrapper script, and killing only the
    wrapper on a timeout would leave soffice.bin running."""
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    ) as process:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


def _read_docx(data: bytes, where: str) -> Document:
    try:
        check_docx_package(data, where)
        word = docx.Document(io.BytesIO(data))
        items = list(_body_blocks(word.element.body, Numbering(word), where))
        blocks = tuple(_join_split_tables(items))
        return Document(
            blocks=blocks,
            rendering="docx",
            title=_title(word, blocks),
            metadata=_metadata(word),
            warnings=_warnings(blocks, sum(isinstance(item, _Picture) for item in items)),
        )
    except _BROKEN as exc:
        raise ParseError(f"{where} is not a readable DOCX (corrupt or truncated): {exc}") from exc


@dataclass(frozen=True)
class _Picture:
    """A paragraph holding only a picture or an embedded object: it may be a table as an image."""


def _body_blocks(container: _Element, numbering: Numbering, where: str) -> Iterator[Block | _Picture]:
    """Paragraphs and tables in document order, looking inside content controls (w:sdt) and
    unwrapping layout tables (one column whose cells hold the real tables)."""
    for element in container.iterchildren():
        if element.tag == qn("w:p"):
            text = _paragraph_text(element, numbering)
            if text:
                yield TextBlock(text)
            elif _PICTURES(element):
                yield _Picture()
        elif element.tag == qn("w:tbl") and _is_layout(element):
            for cell in _TABLE_CELLS(element):
                yield from _body_blocks(cell, numbering, where)
        elif element.tag == qn("w:tbl"):
            yield TableBlock(_grid(element, numbering, where))
        elif element.tag == qn("w:sdt"):
            for content in element.iterchildren(qn("w:sdtContent")):
                yield from _body_blocks(content, numbering, where)


def _paragraph_text(paragraph: _Element, numbering: Numbering) -> str:
    prefix = numbering.prefix(paragraph)  # counted even when empty: Word numbers empty items too
    text = _run_text(paragraph).strip()
    return prefix + text if text else ""


def _run_text(element: _Element) -> str:
    """The visible text under a paragraph, in order.

    python-docx reads only runs that are direct children of the paragraph or of a hyperlink; text in
    smart tags (Chinese Word wraps numbers with units in them: <w:smartTag w:element="chmetcnv">),
    tracked insertions, inline content controls and fields would be lost. Deleted text, field codes
    and the fallback copy of a text box are not visible.
    """
    parts: list[str] = []
    for child in element.iterchildren():
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n" if child.get(qn("w:type")) in (None, "textWrapping") else "")
        elif tag not in _INVISIBLE and isinstance(tag, str):
            parts.append(_run_text(child))
    return "".join(parts)


def _is_layout(table: _Element) -> bool:
    widths = {len(row.findall(qn("w:tc"))) for row in table.iterchildren(qn("w:tr"))}
    return widths == {1} and bool(_NESTED_TABLES(table))


def _grid(table: _Element, numbering: Numbering, where: str) -> tuple[tuple[str, ...], ...]:
    """The table as a dense grid: spans repeated, vMerge continuations take the text above."""
    rows: list[list[tuple[str, bool]]] = []
    width = 0
    for tr in _ROWS(table):
        row: list[tuple[str, bool]] = [("", False)] * check_span(_grid_before(tr), where)
        for tc in _CELLS(tr):
            span = check_span(max(1, tc.grid_span), where)
            continues = tc.vMerge == "continue"
            row.extend([(_cell_text(tc, numbering), continues)] * span)
        rows.append(row)
        width = max(width, len(row))
        check_table(len(rows), len(rows) * width, where)  # the padded grid, before it is built
    grid: list[tuple[str, ...]] = []
    for row in rows:
        padded = row + [("", False)] * (width - len(row))
        above = grid[-1] if grid else ("",) * width
        grid.append(tuple(above[col] if continues else text for col, (text, continues) in enumerate(padded)))
    return tuple(grid)


def _grid_before(tr: _Element) -> int:
    values = _GRID_BEFORE(tr)
    return int(values[0]) if values and str(values[0]).isdigit() else 0


def _cell_text(tc: _Element, numbering: Numbering) -> str:
    """The cell's paragraphs one a line; a table nested in the cell gives its cells' lines."""
    lines = []
    for child in tc.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_paragraph_text(child, numbering))
        elif child.tag == qn("w:tbl"):
            lines.extend(_cell_text(cell, numbering) for cell in _TABLE_CELLS(child))
    return "\n".join(line for line in lines if line)


def _join_split_tables(items: list[Block | _Picture]) -> Iterator[Block]:
    """Join a table to the previous one when only empty paragraphs separate them and the second
    repeats the first's header row or carries on the row label of its last row."""
    pending: TableBlock | None = None
    for block in items:
        if not isinstance(block, TableBlock):
            if pending is not None:
                yield pending
                pending = None
            if isinstance(block, TextBlock):
                yield block
            continue
        if pending is not None and _continues(pending, block):
            pending = TableBlock(pending.rows + block.rows)
            continue
        if pending is not None:
            yield _without_repeated_header(pending)
        pending = block
    if pending is not None:
        yield _without_repeated_header(pending)


def _continues(first: TableBlock, second: TableBlock) -> bool:
    if not first.rows or not second.rows or len(first.rows[0]) != len(second.rows[0]):
        return False
    repeated_header = second.rows[0] == first.rows[0] and len(second.rows) > 1
    repeated_label = bool(second.rows[0][0]) and second.rows[0][0] == first.rows[-1][0]
    return repeated_header or repeated_label


def _without_repeated_header(table: TableBlock) -> TableBlock:
    """Drop copies of the header row further down: a "repeat header row" table broken at a page,
    whether it arrives as two tables or, after a .doc round trip, as one."""
    header = table.rows[0] if table.rows else ()
    if not any(header):
        return table
    return TableBlock((header, *(row for row in table.rows[1:] if row != header)))


def _warnings(blocks: tuple[Block, ...], pictures: int) -> tuple[tuple[str, str], ...]:
    if pictures and not any(isinstance(block, TableBlock) for block in blocks):
        return (("needs_ocr", f"no tables in the text; {pictures} pictures or embedded objects may hold them"),)
    return ()


def _title(word: docx.document.Document, blocks: tuple[Block, ...]) -> str | None:
    """The centred or Title-styled paragraphs that open the document, else an opening paragraph
    that names a report (the whole body may sit in a layout table), else the document's title
    property when it names one."""
    lines: list[str] = []
    for paragraph in word.paragraphs[:20]:
        text = _run_text(paragraph._p).strip()
        if not text:
            if lines:
                break
            continue
        centred = paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        if not centred and paragraph.style.name not in _TITLE_STYLES:
            break
        lines.append(text)
    if lines:
        return "".join(lines)
    candidates = [block.text for block in blocks[:3] if isinstance(block, TextBlock)]
    candidates.append((word.core_properties.title or "").strip())  # last resort: the file's properties
    return next((text for text in candidates if _names_a_report(text)), None)


def _names_a_report(text: str) -> bool:
    """A title, not a sentence about the report: 本报告所列数据… mentions 报告 but ends in 。"""
    return names_a_report(text) and len(text) <= _TITLE_LENGTH and not _SENTENCE.search(text)


def _metadata(word: docx.document.Document) -> dict[str, str]:
    properties = word.core_properties
    values = {
        "title": properties.title,
        "author": properties.author,
        "created": properties.created.isoformat() if properties.created else None,
    }
    return {key: value.strip() for key, value in values.items() if value and value.strip()}

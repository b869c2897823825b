"""Which reader a document needs: from its bytes first, then its content type, then its name.

Bytes are the only thing that cannot lie, so magic numbers win; a server's content type and a URL's
extension only decide between the renderings that have no magic (HTML and plain text).
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

RENDERINGS = ("pdf", "docx", "doc", "html", "text")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|table|p|div|span|br|td|tr)\b", re.I)
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "doc",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".jsp": "html",
    ".php": "html",
    ".aspx": "html",
    ".txt": "text",
}
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.ms-works": "doc",
    "application/kswps": "doc",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def rendering_of(
    data: bytes, *, url: str | None = None, content_type: str | None = None, filename: str | None = None
) -> str:
    """One of RENDERINGS. Never fails: anything unrecognised is read as text (which may then be empty)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE2):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "text"
    declared = _declared(url, content_type, filename)
    if declared in ("html", "text"):
        return declared
    if _HTML_MARKERS.search(data[:4096]):
        return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def _declared(url: str | None, content_type: str | None, filename: str | None) -> str | None:
    """The rendering a server or a name claims, for bytes that carry no magic number."""
    if content_type:
        kind = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    for name in (filename, urlsplit(url).path if url else None):
        if name:
            match = re.search(r"\.[A-Za-z]{2,5}$", name)
            if match and match.group(0).lower() in _EXTENSIONS:
                return _EXTENSIONS[match.group(0).lower()]
    return None

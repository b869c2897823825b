"""Which reader a document needs: from its bytes first, then its content type, then its name.

Bytes are the only thing that cannot lie, so magic numbers win; a server's content type and a URL's
extension only decide between the renderings that have no magic (HTML and plain text).
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

RENDERINGS = ("pdf", "docx", "doc", "html", "text", "image")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Picture formats by magic number -> the extension a saved original gets. A picture is recognised by
# its bytes only (BMP, whose two-letter magic would catch text, also needs its type or name): a server
# that calls an error page image/png is not believed.
_PICTURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"II*\x00": "tif",
    b"MM\x00*": "tif",
}
_HTML_MARKERS = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|table|p|div|span|br|td|tr)\b", re.I)
_EXTENSION = re.compile(r"\.[A-Za-z]{2,5}$")
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
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".gif": "image",
    ".bmp": "image",
    ".webp": "image",
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
    if picture_format(data):
        return "image"
    declared = _declared(url, content_type, filename)
    if declared in ("html", "text"):
        return declared
    if declared == "image" and data.startswith(b"BM"):  # a BMP: its only magic is too short to trust alone
        return "image"
    if _HTML_MARKERS.search(data[:4096]):
        return "html"
    return "text"


def picture_format(data: bytes) -> str | None:
    """The file extension of a picture recognised by its magic number (png, jpg, gif, tif, webp)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((name for magic, name in _PICTURES.items() if data.startswith(magic)), None)


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def _declared(url: str | None, content_type: str | None, filename: str | None) -> str | None:
    """The rendering a server or a name claims, for bytes that carry no magic number."""
    if content_type:
        media = content_type.split(";")[0].strip().lower()
        kind = _CONTENT_TYPES.get(media) or ("image" if media.startswith("image/") else None)
        if kind:
            return kind
    for name in (filename, urlsplit(url).path if url else None):
        if name:
            match = _EXTENSION.search(name)
            if match and match.group(0).lower() in _EXTENSIONS:
                return _EXTENSIONS[match.group(0).lower()]
    return None

"""Readers: one module per rendering, each turning bytes into a `Document`.

Every reader module exposes `read(data: bytes, *, url: str | None = None) -> Document` and raises
only `ParseError` for bytes it cannot read. The readers of undeclared-encoding renderings (HTML, text)
also take `content_type=`, whose charset they honour. Tables come out as dense grids (spans expanded, each covered
cell holding the merged cell's text); nothing after a reader knows which rendering a document had.

Adding a rendering: write `parsers/readers/<name>.py` with that `read`, add it to `READER_MODULES`,
and teach `parsers/sniff.py` to recognise its bytes.
"""

from __future__ import annotations

import importlib

from nianbao.parsers.document import Document
from nianbao.parsers.errors import ParseError

# Rendering (from parsers.sniff) -> reader module. Imported lazily: PDF and Word pull heavy libraries.
READER_MODULES = {
    "pdf": "nianbao.parsers.readers.pdf",
    "docx": "nianbao.parsers.readers.word",
    "doc": "nianbao.parsers.readers.word",
    "html": "nianbao.parsers.readers.html",
    "text": "nianbao.parsers.readers.text",
    "image": "nianbao.parsers.readers.image",
}


_CHARSET_READERS = ("html", "text")


_OCR_READERS = ("pdf", "image")


def read(
    rendering: str, data: bytes, *, url: str | None = None, content_type: str | None = None, ocr: bool = True
) -> Document:
    """Read `data` with the reader for `rendering`; `ocr=False`: recognise no pictures (see parsers.parse)."""
    try:
        module = importlib.import_module(READER_MODULES[rendering])
    except KeyError:
        raise ParseError(f"no reader for rendering {rendering!r} (known: {', '.join(READER_MODULES)})") from None
    except ImportError as exc:
        raise ParseError(f"the {rendering} reader is not available: {exc}") from exc
    if rendering in _CHARSET_READERS:
        return module.read(data, url=url, content_type=content_type)
    if rendering in _OCR_READERS:
        return module.read(data, url=url, ocr=ocr)
    return module.read(data, url=url)

"""Decoding the bytes of an HTML page or a text file.

Order: byte-order mark, then the declared charset (HTTP header, then <meta> or the XML declaration),
then strict UTF-8, then charset-normalizer's guess. GB2312 and GBK are read as GB18030, their superset:
pages declared GB2312 routinely contain GBK-only characters.

beautifulsoup4's `EncodingDetector` finds the byte-order mark and the declared charset (every form of
<meta>, the XML declaration). Its `UnicodeDammit` is not used for the decode itself: on a declaration
that fails it falls back to windows-1252 and returns mojibake without saying so, and it does not read
GB2312 as GB18030; the order above decodes strictly and warns when it had to guess.
"""

from __future__ import annotations

import re

import charset_normalizer
from bs4.dammit import EncodingDetector

from nianbao.parsers.errors import ParseError

_DECLARATION_WINDOW = 8192  # where a <meta> charset may sit: after a long <head> of scripts and styles
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def decode(data: bytes, *, content_type: str | None = None) -> tuple[str, str | None]:
    """The text, and a warning message when the encoding had to be guessed; ParseError for binary bytes."""
    stripped, encoding = EncodingDetector.strip_byte_order_mark(data)
    if encoding:
        return stripped.decode(encoding, errors="replace"), None
    for declared in _declared(data, content_type):
        try:
            return data.decode(declared), None
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ParseError("the bytes are not text in any known encoding (binary or corrupt)")
    encoding = _superset(best.encoding)
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        encoding, text = "gb18030", data.decode("gb18030", errors="replace")
    return text, f"no usable charset declared; decoded as {encoding} (guessed from the bytes)"


def _declared(data: bytes, content_type: str | None) -> list[str]:
    found = []
    if content_type and (match := _HEADER.search(content_type)):
        found.append(match.group(1))
    if declared := EncodingDetector.find_declared_encoding(
        data[:_DECLARATION_WINDOW], is_html=True, search_entire_document=True
    ):
        found.append(declared)
    return [_superset(name) for name in found]


def _superset(name: str) -> str:
    lowered = name.lower()
    return _SUPERSETS.get(lowered, lowered)

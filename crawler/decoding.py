"""Bytes of a page → text, for GB2312/GBK pages with or without a declared charset.

GB2312 and GBK are decoded as GB18030 (their superset); a page whose declared charset does not decode
(a header saying utf-8 over a GBK body) falls back to the other common encodings before guessing.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset named by the Content-Type header, else by a <meta> tag in the first 4 KB."""
    match = _HEADER_CHARSET.search(content_type or "") or _META_CHARSET.search(body[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore") if isinstance(match.group(1), bytes) else match.group(1)
    return _canonical(name)


def decode_page(body: bytes, content_type: str | None = None) -> str:
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    declared = declared_charset(body, content_type)
    for encoding in dict.fromkeys(e for e in (declared, "utf-8", "gb18030") if e):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = from_bytes(body).best()
    return str(guess) if guess is not None else body.decode("gb18030", "replace")


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)

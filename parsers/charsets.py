"""Decoding the bytes of an HTML page or a text file.

Order: byte-order mark, then the declared charset (HTTP header, then <meta> or the XML declaration),
then strict UTF-8, then GB18030 or BIG5 where the bytes read as a report in one of them only, then
charset-normalizer's guess. GB2312 and GBK are read as GB18030, their superset:
pages declared GB2312 routinely contain GBK-only characters.

beautifulsoup4's `EncodingDetector` finds the byte-order mark and the declared charset (every form of
<meta>, the XML declaration). Its `UnicodeDammit` is not used for the decode itself: on a declaration
that fails it falls back to windows-1252 and returns mojibake without saying so, and it does not read
GB2312 as GB18030; the order above decodes strictly and warns when it had to guess.

GBK and BIG5 bytes decode in each other's codec without an error (both are pairs of high bytes), so a
page that declares the wrong one of the two would silently read as nonsense. A declared GB18030 or BIG5
decode is therefore weighed against the other: the words every report uses (政府, 信息, 公开, 年度,
报告, in either script) show up in the right decode and only by chance in the wrong one.
"""

from __future__ import annotations

import re

import charset_normalizer
from bs4.dammit import EncodingDetector

from nianbao.parsers.errors import ParseError

_DECLARATION_WINDOW = 8192  # where a <meta> charset may sit: after a long <head> of scripts and styles
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
# The legacy Chinese codecs that read each other's bytes without an error, by the name decode uses.
_RIVALS = {"gb18030": "big5", "big5": "gb18030", "big5-hkscs": "gb18030", "cp950": "gb18030"}
# Frequent characters of reports in both scripts: counted to tell a right decode from a wrong one.
_COMMON = re.compile(
    "[的是不了在和年月日政府信息公开開报報告工作申请請人民县縣机機关關数數件依法行复復议議诉訴讼訟总總计計资資讯訊]"
)
_WEIGHED = 20_000  # characters weighed: enough for a verdict, bounded on a huge page
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def decode(data: bytes, *, content_type: str | None = None) -> tuple[str, str | None]:
    """The text, and a warning message when the encoding had to be guessed; ParseError for binary bytes."""
    stripped, encoding = EncodingDetector.strip_byte_order_mark(data)
    if encoding:
        return stripped.decode(encoding, errors="replace"), None
    for declared in _declared(data, content_type):
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            continue
        return _rival(data, declared, text) or (text, None)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    legacy = _legacy_chinese(data)
    if legacy:
        text, encoding = legacy
        return text, f"no usable charset declared; decoded as {encoding} (guessed from the bytes)"
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ParseError("the bytes are not text in any known encoding (binary or corrupt)")
    encoding = _superset(best.encoding)
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        encoding, text = "gb18030", data.decode("gb18030", errors="replace")
    return text, f"no usable charset declared; decoded as {encoding} (guessed from the bytes)"


def _legacy_chinese(data: bytes) -> tuple[str, str] | None:
    """Undeclared bytes that decode without an error as GB18030 or as BIG5 and read as a report in one of
    them only (the words every report uses, weighed as `_rival` weighs a declaration), with that encoding.
    charset-normalizer's guess costs a hundred times as much and knows no more of Chinese reports; it
    stays for bytes this does not settle."""
    weights: dict[str, tuple[int, str]] = {}
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        weights[encoding] = (len(_COMMON.findall(text, 0, _WEIGHED)), text)
    for encoding, (found, text) in weights.items():
        rival = weights.get(_RIVALS[encoding], (0, ""))[0]
        if found >= 10 and found > 3 * rival:
            return text, encoding
    return None


def _rival(data: bytes, declared: str, text: str) -> tuple[str, str] | None:
    """The other legacy Chinese decode, with a warning, when the bytes read far better in it."""
    rival = _RIVALS.get(declared)
    if rival is None:
        return None
    try:
        other = data.decode(rival)
    except UnicodeDecodeError:
        return None
    found, instead = len(_COMMON.findall(text, 0, _WEIGHED)), len(_COMMON.findall(other, 0, _WEIGHED))
    if instead >= 10 and instead > 3 * found:
        return other, f"the page declares {declared} but its bytes read as {rival}; decoded as {rival}"
    return None


def _declared(data: bytes, content_type: str | None) -> list[str]:
    found = []
    if content_type and (match := _HEADER.search(content_type)):
        found.append(match.group(1))
    window = data[:_DECLARATION_WINDOW]
    # Both declarations (<?xml … encoding=…?>, <meta … charset=…>) open with `<`: a text file has none.
    if b"<" in window and (
        declared := EncodingDetector.find_declared_encoding(window, is_html=True, search_entire_document=True)
    ):
        found.append(declared)
    return [_superset(name) for name in found]


def _superset(name: str) -> str:
    lowered = name.lower()
    return _SUPERSETS.get(lowered, lowered)

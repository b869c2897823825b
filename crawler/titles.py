"""What link texts and URLs say: an annual report (with its year), a report column, a way into one.

Titles vary (see the spec): `XX2023年政府信息公开工作年度报告`, `XX2024年度政府信息公开年报`,
`XX政府信息公开工作2022年度报告`, `XX2016年政务信息公开年度报告`, scrambled ones
(`政府信息公开 工作告年度报》`). Non-reports share the column (`关于2014年政府信息公开工作要点落实情况的函`).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_REPORT = re.compile(
    r"(信息公开|政务公开).{0,14}?(年度报告|年度工作报告|年报|工作报告)"
    r"|(信息公开|政务公开).{0,8}?\d{4}年度?报告"
)
# Scrambled titles keep the characters of 年度报告 but not their order.
_SCRAMBLED = re.compile(r"(信息公开|政务公开)(?P<tail>.{0,12})")
_NOT_REPORT = re.compile(
    r"要点|通知|编制|考核|测评|评估|评议|指南|目录|实施方案|办法|规定|制度|培训|会议|检查|征集|意见|申请表|统计表模板"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_BARE_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")

_COLUMN_TEXT = re.compile(r"(信息公开|政务公开|公开)?(工作)?(年度报告|年报)(专栏)?$|^(部门|区县|乡镇|街道)?年报$")
_COLUMN_SEGMENT = re.compile(r"^(zfxxgk|xxgk|zwgk|gk|bm|qx|zfxxgkgz)?_?(nb|ndbg|gknb|ndgzbg)(\d{4})?$")
_INDEX_FILE = re.compile(r"^(index|default|list)(_\d+)?\.(s?html?|jsp|aspx?|php)$", re.I)
_GATEWAY_TEXT = re.compile(
    r"^((政府)?信息公开|政务公开|(政府)?信息公开目录|公开目录|法定主动公开(内容)?|政务公开专栏)$"
)
_GATEWAY_SEGMENT = re.compile(r"^(zfxxgk|xxgk|zwgk|gkml|xxgkml|zfxxgkml|gongkai|public|openness)$")


def normalise(text: str) -> str:
    """NFKC without whitespace: what title matching looks at."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def is_report_title(text: str) -> bool:
    title = normalise(text)
    if not title or _NOT_REPORT.search(title):
        return False
    if _REPORT.search(title):
        return True
    scrambled = _SCRAMBLED.search(title)
    return bool(scrambled) and all(char in scrambled.group("tail") for char in "年报告")


def report_year(text: str) -> int | None:
    """The report year a title names (the first year followed by 年), or None."""
    title = normalise(text)
    match = _YEAR.search(title)
    if match:
        return int(match.group(1))
    chinese = _CN_YEAR.search(title)
    if chinese:
        return int(chinese.group(1).translate(_CN_DIGITS))
    bare = _BARE_YEAR.search(title)
    return int(bare.group(1)) if bare else None


def is_directory_like(url: str) -> bool:
    """A URL that names a column rather than a document: `/x/`, `/x/index.html`, `/col/col12/index.html`."""
    segments = _segments(url)
    return not segments or urlsplit(url).path.endswith("/") or bool(_INDEX_FILE.match(segments[-1]))


def is_report_link(text: str, url: str) -> bool:
    """A link to a report: its title says so; a yearless 年报 title on a column URL is the column."""
    return is_report_title(text) and not (report_year(text) is None and is_directory_like(url))


def is_column_link(text: str, url: str) -> bool:
    """A link into a report column: 年报 wording without a year, or a path like /zfxxgknb/."""
    title = normalise(text)
    if title and _COLUMN_TEXT.search(title) and not _YEAR.search(title) and is_directory_like(url):
        return True
    segments = _segments(url)
    if segments and _INDEX_FILE.match(segments[-1]):
        segments = segments[:-1]
    elif segments and "." in segments[-1]:
        return False  # a detail page inside a column, not the column
    return bool(segments) and bool(_COLUMN_SEGMENT.match(segments[-1].lower()))


def is_gateway_link(text: str, url: str) -> bool:
    """A link toward the information-disclosure section, where report columns usually sit."""
    title = normalise(text)
    if title and _GATEWAY_TEXT.match(title):
        return True
    segments = _segments(url)
    if segments and _INDEX_FILE.match(segments[-1]):
        segments = segments[:-1]
    return bool(segments) and is_directory_like(url) and bool(_GATEWAY_SEGMENT.match(segments[-1].lower()))


def year_label(text: str) -> int | None:
    """A sub-column named by a year only: `2023年`, `2023年度`, `2023`."""
    match = re.fullmatch(r"((?:19|20)\d{2})(年度?)?", normalise(text))
    return int(match.group(1)) if match else None


def _segments(url: str) -> list[str]:
    return [segment for segment in unquote(urlsplit(url).path).split("/") if segment]

"""Who issued a report, for which year, and when it was published.

Fallbacks follow the spec: year from the title (or a year line split off it), then the 统计期限
sentence, then the publish date minus one; issuing body from the title, then the page's metadata
block (发布机构 …), then the caller's hint (the registry entry of the site it was found on).

A title in Traditional characters (a mirror site's conversion: 北坡鎮人民政府2022年政府資訊公開工作年度報告)
is read in Simplified, and its issuing body is given in Simplified (北坡镇人民政府), the agency's own name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nianbao.parsers.labels import simplified

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LONE_YEAR = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
_REPORT_WORD = re.compile(r"报告|年报|(?:政府|政务)信息公开.*报")  # the last for scrambled titles: …公开 工作告年度报》
_SPACES = re.compile(r"\s+")
_YEAR_TOKEN = re.compile(r"(?:19|20)\d{2}\s*年度?")
_REPORT_TAIL = re.compile(r"(?:的)?(?:政府|政务)(?:信息)?公开.*$|(?:年度)?(?:工作)?(?:年度)?(?:报告|年报).*$")
# The report a notice publishes, named between book-title marks: 关于印发《某局2022年度…报告》的通知.
_QUOTED_REPORT = re.compile(r"《([^《》]*(?:报告|年报)[^《》]*)》")
_PERIOD = re.compile(
    r"统计期限[^。；]{0,12}?((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日"
    r"|((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日(?:起)?\s*(?:至|到|-|—)\s*(?:(?:19|20)\d{2}\s*年\s*)?12\s*月\s*31\s*日"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})")
_COMPACT_DATE = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")
_NOT_A_BODY = re.compile(r"^(我|本)(局|镇|乡|委|办|厅|院|机关|单位|街道|区|县|市)$|报告|年报")
_AGENCY_KEYS = ("发布机构", "发文机关", "发文单位", "信息来源", "来源")
_DATE_KEYS = ("发布日期", "发布时间", "公开日期", "成文日期", "生成日期")
_EDGE_PUNCTUATION = " 　:：-—_|·•,，、《》<>「」【】()（）"


def names_a_report(title: str | None) -> bool:
    """Whether a title names a report; only such a title speaks for it (not `首页 - 某区人民政府`)."""
    return bool(title and _REPORT_WORD.search(simplified(title)))


def title_year(title: str | None) -> int | None:
    if not names_a_report(title):
        return None
    match = _YEAR.search(title or "")
    return int(match.group(1)) if match else None


def split_off_year(text: str) -> int | None:
    """A year printed on its own line near the top, split off the title: `（2021年度）`."""
    for line in text.splitlines()[:6]:
        match = _LONE_YEAR.match(line.strip())
        if match:
            return int(match.group(1))
    return None


def period_year(text: str) -> int | None:
    match = _PERIOD.search(text)
    return int(match.group(1) or match.group(2)) if match else None


@lru_cache(maxsize=1024)  # a title is read again with its report (another rendering, the same page fetched again)
def title_agency(title: str | None) -> str | None:
    """`2019年上海市人民政府办公厅政府信息公开工作年度报告` -> 上海市人民政府办公厅."""
    if not names_a_report(title):
        return None
    title = simplified(title or "")
    if quoted := _QUOTED_REPORT.search(title):
        title = quoted.group(1)
    body = _REPORT_TAIL.sub("", _SPACES.sub("", _YEAR_TOKEN.sub("", title))).strip(_EDGE_PUNCTUATION)
    body = body.removeprefix("关于").removesuffix("关于")  # 关于2022年… or 某局关于2022年…
    if body.endswith("人民"):  # 北京市人民政府信息公开… shares 政府 between the body and the phrase
        body += "政府"
    return body if len(body) >= 2 and not _NOT_A_BODY.search(body) else None


def metadata_agency(metadata: dict[str, str]) -> str | None:
    for key in _AGENCY_KEYS:
        value = (metadata.get(key) or "").strip(_EDGE_PUNCTUATION)
        if 2 <= len(value) <= 40 and not _NOT_A_BODY.search(value):
            return value
    return None


def publish_date(metadata: dict[str, str]) -> str | None:
    for key in _DATE_KEYS:
        value = metadata.get(key)
        if value and (date := iso_date(value)):  # a key absent or empty reads no date: not parsed
            return date
    return None


def iso_date(text: str) -> str | None:
    """`2020-01-31`, `2020年1月31日`, `2020/1/31 10:00`, `20200131` -> 2020-01-31; anything ambiguous -> None."""
    text = text.strip()
    match = _DATE.search(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"

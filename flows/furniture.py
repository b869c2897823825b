"""Page furniture: what a web page carries around a report that is not the report.

View counters, font-size switches, print/close links, share buttons, breadcrumbs and site footers
change between visits or between sites; identity (near-duplicate detection) and versioning compare
report text only after `normalise_text` has removed them.
"""

from __future__ import annotations

import re
import unicodedata

# Whole lines that are furniture wherever they appear.
_FURNITURE_LINE = re.compile(
    r"【?字体[:：]|字号[:：]|打印本页|【打印】|关闭窗口|【关闭】|分享到[:：]?|扫一扫|收藏本页|返回顶部|"
    r"网站地图|主办单位|承办单位|版权所有|ICP备|网站标识码|公网安备|当前位置|您的位置|技术支持|"
    r"^\s*(发布时间|发布日期|信息来源|来源)[:：]"
)
# Counters glued into a line, e.g. "发布时间：2024-01-30 浏览次数：1234". The colon is required:
# report text itself says "网站访问量1234万人次", which is content.
_COUNTER = re.compile(r"(浏览|访问|阅读|点击)(次数|量|数)\s*[:：]\s*\d+\s*次?")
_SPACE = re.compile(r"\s+")

FURNITURE_METADATA = re.compile(r"浏览|访问|点击|阅读|字号|字体|打印|分享")


def normalise_text(text: str) -> str:
    """Report text with furniture, width variants and all whitespace removed (PDF wraps, nbsp)."""
    text = unicodedata.normalize("NFKC", text)
    lines = (_COUNTER.sub("", line) for line in text.splitlines() if not _FURNITURE_LINE.search(line))
    return _SPACE.sub("", "".join(lines))


def is_furniture_field(name: str) -> bool:
    """A metadata field (索引号, 发布机构, 浏览次数 ...) that describes the page, not the report."""
    return bool(FURNITURE_METADATA.search(name))

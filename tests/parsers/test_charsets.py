"""One charset detector for the project (parsers.charsets, beautifulsoup4 + charset-normalizer): pages
in the encodings Chinese government sites use, undeclared or wrongly declared, read right; a guess says so."""

from __future__ import annotations

import pytest

from nianbao.parsers.readers.html import read

SIMPLIFIED = "南山县民政局2023年政府信息公开工作年度报告"
TRADITIONAL = "南山縣民政局2023年政府資訊公開工作年度報告"
BODY = {
    "utf-8": "本机关坚持以公开为常态、不公开为例外，持续深化政务公开工作。",
    "gbk": "本机关坚持以公开为常态、不公开为例外，持续深化政务公开工作。",
    "gb18030": "本机关坚持以公开为常态、不公开为例外，持续深化政务公开工作（䶮）。",  # 䶮: GB18030 only
    "big5": "本機關堅持以公開為常態、不公開為例外，持續深化政務公開工作。",
}
# (bytes' encoding, declaration in <meta> or None, whether the reader must say it guessed)
CASES = [
    ("utf-8", None, False),
    ("gbk", None, True),
    ("gb18030", None, True),
    ("big5", None, True),
    ("gbk", "utf-8", True),  # a template's utf-8 over a GBK body: the declaration does not decode
    ("gb18030", "utf-8", True),
    ("big5", "utf-8", True),
    ("utf-8", "gb2312", False),  # a gb2312 declaration over UTF-8 bytes that do not decode as GB18030
    ("gbk", "gb2312", False),  # GB2312 declared, GBK-only characters printed: read as GB18030
    ("gbk", "big5", True),  # the wrong one of the two legacy codecs: both decode without an error
    ("big5", "gbk", True),
    ("big5", "big5", False),
    ("gbk", "gbk", False),
]


def page(encoding: str, declared: str | None) -> tuple[bytes, str]:
    title = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    meta = f'<meta charset="{declared}">' if declared else ""
    html = f"<html><head>{meta}</head><body><h1>{title}</h1><p>{BODY[encoding] * 3}</p></body></html>"
    return html.encode(encoding), title


@pytest.mark.parametrize(("encoding", "declared", "guessed"), CASES)
def test_page_reads_right_whatever_its_declaration(encoding, declared, guessed):
    data, title = page(encoding, declared)
    document = read(data)
    assert title in document.text()
    assert BODY[encoding] in document.text()
    assert ("charset_guessed" in [code for code, _ in document.warnings]) is guessed


def test_the_http_header_is_a_declaration_too():
    data, title = page("gbk", None)
    document = read(data, content_type="text/html; charset=GB2312")
    assert title in document.text() and document.warnings == ()

"""One charset detector for the project (parsers.charsets, beautifulsoup4 + charset-normalizer): pages
in the encodings Chinese government sites use, undeclared or wrongly declared, read right; a guess says so."""

from __future__ import annotations

import pytest

from nianbao.parsers import charsets
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


@pytest.mark.parametrize(("encoding", "named"), [("gbk", "gb18030"), ("gb18030", "gb18030"), ("big5", "big5")])
def test_undeclared_chinese_bytes_are_weighed_without_a_statistical_guess(monkeypatch, encoding, named):
    """Bytes that read as a report in GB18030 or in BIG5 only are settled by the report's own words; the
    statistical detector is never asked (it would cost a hundred times as much)."""
    monkeypatch.setattr(charsets.charset_normalizer, "from_bytes", _never_asked)
    title = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    text, warning = charsets.decode(f"{title}\n{BODY[encoding]}\n".encode(encoding))
    assert text.startswith(title)
    assert warning == f"no usable charset declared; decoded as {named} (guessed from the bytes)"


def test_bytes_that_read_as_no_chinese_report_go_to_the_statistical_guess(monkeypatch):
    asked = []
    guess = charsets.charset_normalizer.from_bytes
    monkeypatch.setattr(charsets.charset_normalizer, "from_bytes", lambda data: asked.append(data) or guess(data))
    latin = "Rapport annuel: café, résumé, naïve, déjà vu, garçon, señor, über.\n" * 20
    text, warning = charsets.decode(latin.encode("cp1252"))
    assert len(asked) == 1  # neither GB18030 nor BIG5 reads report words in it: charset-normalizer decides
    assert text.startswith("Rapport annuel: caf") and warning is not None and "guessed from the bytes" in warning


def _never_asked(*args, **kwargs):
    raise AssertionError("charset-normalizer asked for bytes the report's own words settle")

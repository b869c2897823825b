import io
import zipfile

import pytest

from nianbao.parsers.sniff import rendering_of


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kwargs", "expected"),
    [
        (b"%PDF-1.7\n...", {"filename": "report.html"}, "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), {}, "doc"),
        (_zip(["word/document.xml", "[Content_Types].xml"]), {"filename": "x.zip"}, "docx"),
        (_zip(["xl/workbook.xml"]), {}, "text"),
        (b"<p>\xe8\xa7\x84\xe7\xab\xa0</p>", {}, "html"),
        (b"plain words", {"content_type": "text/html; charset=gbk"}, "html"),
        (b"<p>not html really</p>", {"url": "https://x.gov.cn/a/report.txt"}, "text"),
        (b"\xe4\xb8\x80\xe3\x80\x81", {}, "text"),
    ],
)
def test_rendering_from_magic_then_declarations_then_content(data, kwargs, expected):
    assert rendering_of(data, **kwargs) == expected

"""A real crawl keeps what a WARC record of each answer needs: HTTP version, server address, header
lines in order with repeats, and the status of every redirect hop."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.archive import connect
from nianbao.crawler.run import crawl
from tests.crawler.test_politeness import FAST, listing, registry
from tests.crawler.webserver import Page, Site, serve

pytestmark = pytest.mark.integration


def test_captures_keep_protocol_address_header_lines_and_redirect_statuses(tmp_path: Path) -> None:
    site = Site(
        {
            "/nb/": listing({"/nb/old.html": "本地局2024年政府信息公开工作年度报告"}),
            "/nb/old.html": Page(b"", status=301, headers={"Location": "/nb/t2024.html"}),
            "/nb/t2024.html": Page("<html><body>本地局2024年报告</body></html>".encode()),
        }
    )
    with serve(site) as base:
        crawl(registry(tmp_path, base), str(tmp_path / "archive"), settings_overrides=FAST)
    captures = {c.url: c for _, c in connect(str(tmp_path / "archive")).captures("local")}
    report = captures[f"{base}/nb/old.html"]
    assert (report.status, report.final_url) == (200, f"{base}/nb/t2024.html")
    assert report.redirects == (f"{base}/nb/old.html",)
    assert report.redirect_statuses == (301,)
    assert report.protocol == "HTTP/1.0"  # what http.server answers with: as received, not assumed
    assert report.ip_address == "127.0.0.1"
    names = [name.lower() for name, _ in report.header_lines]
    assert "content-type" in names
    assert dict((k.lower(), v) for k, v in report.header_lines)["content-type"] == report.content_type

"""The crawl API started from any working directory with a relative registry and archive."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nianbao.archive import connect
from nianbao.crawler.run import crawl
from tests.crawler.webserver import Page, Site, serve


@pytest.mark.integration
def test_relative_registry_and_archive_reach_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = Site(
        {
            "/nb/": Page('<html><a href="/nb/t1.html">甲局2024年政府信息公开工作年度报告</a></html>'.encode()),
            "/nb/t1.html": Page(b"<html>report</html>"),
        }
    )
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with serve(site) as base:
        entries = [{"id": "jia", "name": "甲局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True}]
        Path("reg.yaml").write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
        summary = crawl("reg.yaml", "data", settings_overrides={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False})
    assert summary.to_dict()["reports_found"] == 1
    urls = {capture.url for _, capture in connect(str(work / "data")).captures("jia")}
    assert f"{base}/nb/t1.html" in urls

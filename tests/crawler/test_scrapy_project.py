"""The crawler as a Scrapy project: `scrapy crawl` from the command line, the pipeline built by
`from_crawler` from settings, the archive chosen by URL scheme, counters in the crawl's stats."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from scrapy.utils.test import get_crawler

from nianbao.archive import connect
from nianbao.crawler.errors import CrawlAborted
from nianbao.crawler.pipelines import ArchivePipeline
from nianbao.crawler.sink import open_sink
from nianbao.simweb import Faults, SimWeb

ROOT = Path(__file__).resolve().parents[2]


def shelf_archive(url: str):
    """An opener for a made-up `shelf://` scheme: a local archive at the URL's path."""
    return connect(urlparse(url).path)


def test_the_pipeline_opens_the_archive_its_settings_name_by_scheme(tmp_path: Path) -> None:
    url = f"shelf://{tmp_path}/archive"
    crawler = get_crawler(
        settings_dict={
            "NIANBAO_ARCHIVE": url,
            "NIANBAO_ARCHIVE_SCHEMES": {"shelf": f"{__name__}.shelf_archive"},
        }
    )
    pipeline = ArchivePipeline.from_crawler(crawler)
    sha256 = pipeline.sink.put_raw(b"<html>report</html>", "text/html")
    assert connect(str(tmp_path / "archive")).get_raw(sha256) == b"<html>report</html>"


def test_an_archive_url_of_an_unknown_scheme_is_refused_with_the_known_ones() -> None:
    with pytest.raises(
        CrawlAborted, match=r"'ftp://archive.example/x': no store for scheme 'ftp' \(known: file://, s3://\)"
    ):
        open_sink("ftp://archive.example/x")


@pytest.mark.integration
def test_scrapy_crawl_writes_captures_and_counts_them_in_its_stats(tmp_path: Path) -> None:
    registry, archive = tmp_path / "registry.yaml", tmp_path / "archive"
    with SimWeb(seed=3, agencies=3, years=(2023, 2024), faults=Faults.none()) as web:
        web.write_registry(registry)
        done = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "annual_reports",
                "-a", f"registry={registry}", "-a", f"archive={archive}", "-a", "years=2024",
                "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO",
            ],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        reports_2024 = {
            u["url"] for r in web.manifest["reports"] if r["year"] == 2024 for u in r["urls"] if not u["repost"]
        }
        agencies = {entry["id"] for entry in web.registry["agencies"]}
    assert done.returncode == 0, done.stderr[-2000:]
    stats = {name: int(n) for name, n in re.findall(r"'(nianbao/[a-z_/]+)': (\d+)", done.stderr)}
    captures = [capture for _, capture in connect(str(archive)).captures()]
    downloaded = [c for c in captures if c.status == 200 and c.sha256]
    assert stats["nianbao/captures"] == len(captures) > 0
    assert stats["nianbao/captures/downloaded"] == len(downloaded)
    assert {c.agency for c in captures} == agencies
    assert reports_2024 <= {c.url for c in downloaded}, "every 2024 report was fetched"
    assert {c.year for c in downloaded if c.kind == "report"} == {2024}

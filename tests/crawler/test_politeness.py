"""Politeness, failures and incremental fetching, counted at a real loopback server by a real crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nianbao.archive import connect
from nianbao.crawler.run import crawl
from tests.crawler.webserver import Page, Site, serve

pytestmark = pytest.mark.integration

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "NIANBAO_RETRY_BACKOFF": 0.2, "DOWNLOAD_TIMEOUT": 1}


def listing(links: dict[str, str]) -> Page:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    return Page(f"<html><body><ul>{items}</ul></body></html>".encode())


def registry(tmp_path: Path, base: str, **extra: object) -> Path:
    path = tmp_path / "registry.yaml"
    entry = {"id": "local", "name": "本地局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True, **extra}
    path.write_text(yaml.safe_dump({"agencies": [entry]}, allow_unicode=True), encoding="utf-8")
    return path


def report_site(count: int, delay: float) -> Site:
    links = {f"/nb/t{year}.html": f"本地局{year}年政府信息公开工作年度报告" for year in range(2010, 2010 + count)}
    pages = {"/nb/": listing(links)}
    pages.update({href: Page(f"<html><body>{text}</body></html>".encode()) for href, text in links.items()})
    return Site(pages, delay=delay)


@pytest.mark.parametrize(("concurrency", "expected_peak"), [(None, 2), (1, 1)])
def test_simultaneous_requests_per_host_stay_within_the_limit_with_delays_off(
    tmp_path: Path, concurrency: int | None, expected_peak: int
) -> None:
    site = report_site(count=12, delay=0.15)
    extra = {"concurrency": concurrency} if concurrency else {}
    with serve(site) as base:
        summary = crawl(registry(tmp_path, base, **extra), str(tmp_path / "archive"), settings_overrides=FAST)
    assert summary.total("downloaded") == 13  # the listing and 12 reports
    assert site.peak == expected_peak  # never more; and the crawl did use the parallelism it may


def test_failures_are_recorded_with_their_reason_and_transient_ones_retried(tmp_path: Path) -> None:
    elsewhere = Site({"/x.html": Page(b"<html>mirror</html>")})
    with serve(elsewhere, host="127.0.0.2") as other:
        links = {
            "/internal/t2018.html": "本地局2018年政府信息公开工作年度报告",
            "/nb/t2019.html": "本地局2019年政府信息公开工作年度报告",
            "/nb/t2020.html": "本地局2020年政府信息公开工作年度报告",
            "/nb/t2021.html": "本地局2021年政府信息公开工作年度报告",
            "/nb/loop-a.html": "本地局2022年政府信息公开工作年度报告",
            "/nb/slow.html": "本地局2023年政府信息公开工作年度报告",
            "/nb/away.html": "本地局2024年政府信息公开工作年度报告",
            "/nb/gone.html": "本地局2017年政府信息公开工作年度报告",
            f"{other}/x.html": "本地局2016年政府信息公开工作年度报告（镜像）",
        }
        site = Site(
            {
                "/robots.txt": Page(b"User-agent: *\nDisallow: /internal/\n", "text/plain"),
                "/nb/": listing(links),
                "/internal/t2018.html": Page(b"<html>draft</html>"),
                "/nb/t2019.html": Page(b"<html>2019</html>", failures=[503, 503]),
                "/nb/t2020.html": Page(b"<html>2020</html>", failures=[500, 500, 500]),
                "/nb/t2021.html": Page("<html><body><h1>页面不存在</h1></body></html>".encode()),
                "/nb/loop-a.html": Page(b"", status=302, headers={"Location": "/nb/loop-b.html"}),
                "/nb/loop-b.html": Page(b"", status=302, headers={"Location": "/nb/loop-a.html"}),
                "/nb/slow.html": Page(b"<html>late</html>", sleep=1.5),
                "/nb/away.html": Page(b"", status=301, headers={"Location": f"{other}/x.html"}),
            }
        )
        with serve(site) as base:
            archive = tmp_path / "archive"
            summary = crawl(registry(tmp_path, base), str(archive), settings_overrides=FAST)
    reasons = {failure.url.removeprefix(base): failure.error for failure in summary.agencies[0].failures}
    assert reasons == {
        "/internal/t2018.html": "robots.txt forbids this URL",
        "/nb/t2020.html": "HTTP 500",
        "/nb/t2021.html": "soft 404: the page answers 200 but says 页面不存在",
        "/nb/loop-a.html": "redirect loop: more than 8 redirects",
        "/nb/slow.html": "timeout after 1s",
        "/nb/away.html": f"off-site refused: {other} is not an origin of agency local",
        "/nb/gone.html": "HTTP 404",
    }
    requested = [path for path, _ in site.log]
    assert "/internal/t2018.html" not in requested
    assert requested.count("/nb/t2019.html") == 3  # two 503s, then the body
    assert requested.count("/nb/gone.html") == 1  # a 404 is not transient: no retry
    assert elsewhere.log == []  # neither the mirror link nor the off-site redirect was followed
    user_agent = site.log[0][1]["User-Agent"]
    assert user_agent.startswith("nianbao/") and "+https://" in user_agent
    captures = [capture for _, capture in connect(str(archive)).captures("local")]
    failed = {c.url.removeprefix(base): c.error for c in captures if c.error}
    assert failed == reasons  # every failure is a capture too
    assert any(c.url.endswith("/nb/t2019.html") and c.status == 200 and c.sha256 for c in captures)


def test_second_crawl_revalidates_and_downloads_nothing(tmp_path: Path) -> None:
    site = report_site(count=3, delay=0)
    site.pages["/nb/t2010.html"] = Page(b"<html>2010 <a href='/files/2010.pdf'>pdf</a></html>")
    site.pages["/files/2010.pdf"] = Page(b"%PDF-1.4 2010", "application/pdf")
    archive = tmp_path / "archive"
    with serve(site) as base:
        first = crawl(registry(tmp_path, base), str(archive), settings_overrides=FAST)
        raw_before = sorted(archive.joinpath("raw").rglob("*"))
        site.log.clear()
        second = crawl(registry(tmp_path, base), str(archive), settings_overrides=FAST)
        raw_after = sorted(archive.joinpath("raw").rglob("*"))
        site.pages["/nb/t2011.html"] = Page("<html>2011 更正</html>".encode())  # corrected in place
        site.log.clear()
        third = crawl(registry(tmp_path, base), str(archive), settings_overrides=FAST)
    assert first.total("downloaded") == 5 and first.total("unchanged") == 0
    assert second.total("downloaded") == 0 and second.total("unchanged") == 5
    assert raw_after == raw_before
    assert third.total("downloaded") == 1 and third.total("unchanged") == 4
    by_agency = {capture.url.removeprefix(base): capture for _, capture in connect(str(archive)).captures("local")}
    assert by_agency  # captures exist for every URL
    assert all("If-None-Match" in headers for path, headers in site.log if path != "/robots.txt")


def test_registry_hints_and_a_recorded_robots_override(tmp_path: Path) -> None:
    # Pages 2+ exist only by the hinted pattern (no link to them); the report selector skips the sidebar.
    sidebar = '<div class="side"><a href="/nb/other.html">外单位2015年政府信息公开工作年度报告</a></div>'

    def page(year: int) -> Page:
        item = f'<ul class="list"><li><a href="/internal/t{year}.html">本地局{year}年政府信息公开年报</a></li></ul>'
        return Page(f"<html><body>{sidebar}{item}</body></html>".encode())

    site = Site(
        {
            "/robots.txt": Page(b"User-agent: *\nDisallow: /internal/\n", "text/plain"),
            "/nb/": page(2024),
            "/nb/list_1.html": page(2023),
            "/nb/list_2.html": page(2022),
            **{f"/internal/t{year}.html": Page(b"<html>report</html>") for year in (2022, 2023, 2024)},
        }
    )
    hints = {"pagination": "list_{n}.html", "report_selector": "ul.list a"}
    reason = "the office asked us to fetch its reports, 2026-01"
    with serve(site) as base:
        path = registry(tmp_path, base, hints=hints, obey_robots=False, robots_override_reason=reason)
        summary = crawl(path, str(tmp_path / "archive"), settings_overrides=FAST)
    agency = summary.agencies[0]
    assert agency.reports_found == 3 and agency.robots_override == reason
    requested = {path for path, _ in site.log}
    assert {"/internal/t2022.html", "/internal/t2023.html", "/internal/t2024.html", "/nb/list_3.html"} <= requested
    assert "/nb/other.html" not in requested and "/nb/list_4.html" not in requested  # stops at the 404


def test_year_filter_and_registry_entries_given_as_mappings(tmp_path: Path) -> None:
    site = report_site(count=3, delay=0)
    with serve(site) as base:
        entries = [{"id": "local", "name": "本地局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True}]
        summary = crawl(entries, str(tmp_path / "archive"), years=[2011], settings_overrides=FAST)
    assert summary.agencies[0].reports_found == 1
    assert sorted(path for path, _ in site.log if path.startswith("/nb/t")) == ["/nb/t2011.html"]


def test_a_report_published_as_pictures_is_kept_picture_by_picture(tmp_path: Path) -> None:
    site = report_site(count=1, delay=0)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the bytes are kept as fetched; reading them is the parser's
    site.pages["/nb/t2010.html"] = Page(
        '<html><body><img src="/img/site_logo.png"><h1>本地局2010年政府信息公开工作年度报告</h1>'
        '<p><img src="/files/p1.png"></p><p><img src="/files/p2.png"></p></body></html>'.encode()
    )
    site.pages["/files/p1.png"] = Page(png + b"1", "image/png")
    site.pages["/files/p2.png"] = Page(png + b"2", "image/png")
    archive = tmp_path / "archive"
    with serve(site) as base:
        crawl(registry(tmp_path, base), str(archive), settings_overrides=FAST)
    captures = {c.url.removeprefix(base): c for _, c in connect(str(archive)).captures("local")}
    pictures = {
        url: (c.kind, c.referrer.removeprefix(base)) for url, c in captures.items() if url.startswith("/files/")
    }
    assert pictures == {
        "/files/p1.png": ("attachment", "/nb/t2010.html"),
        "/files/p2.png": ("attachment", "/nb/t2010.html"),
    }
    assert "/img/site_logo.png" not in captures
    assert connect(str(archive)).get_raw(captures["/files/p2.png"].sha256) == png + b"2"

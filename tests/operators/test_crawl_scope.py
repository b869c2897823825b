"""Crawler scope and politeness at real loopback servers: ports, robots.txt 5xx, long URLs, link caps,
private addresses, and the revisit crawl keeping each agency's registry settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nianbao.crawler.agencies import load_registry, parse_registry
from nianbao.crawler.links import MAX_LINKS_PER_PAGE
from nianbao.crawler.run import crawl
from tests.crawler.webserver import Page, Site, serve

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "NIANBAO_RETRY_BACKOFF": 0.1, "DOWNLOAD_TIMEOUT": 2}
REPORT = "本地局{}年政府信息公开工作年度报告"


def listing(links: dict[str, str], filler: int = 0) -> Page:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    items += "".join(f'<li><a href="/news/{n}.html">新闻{n}</a></li>' for n in range(filler))
    return Page(f"<html><body><ul>{items}</ul></body></html>".encode())


def write_registry(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_scope_is_scheme_host_and_port() -> None:
    (agency,) = parse_registry(
        {"agencies": [{"id": "a", "name": "甲", "start_urls": ["http://a.example.gov.cn:8080/nb/"]}]}, "<test>"
    ).agencies
    assert agency.allows("http://a.example.gov.cn:8080/nb/t1.html")
    assert agency.allows("https://a.example.gov.cn/nb/t1.html")  # the scheme's own port
    assert not agency.allows("http://a.example.gov.cn:9090/nb/t1.html")  # another server on the host
    assert not agency.allows("http://a.example.gov.cn:443/x")


def test_a_registry_entry_round_trips_with_its_settings() -> None:
    entry = {
        "id": "a",
        "name": "甲",
        "start_urls": ["https://a.example.gov.cn/nb/"],
        "allowed_domains": ["example.gov.cn"],
        "download_delay": 3,
        "concurrency": 1,
        "obey_robots": False,
        "robots_override_reason": "written permission",
        "allow_private_addresses": True,
    }
    (agency,) = parse_registry({"agencies": [entry]}, "<test>").agencies
    again = agency.entry(start_urls=["https://files.example.gov.cn/r.pdf"])
    (revisit,) = parse_registry({"agencies": [again]}, "<revisit>").agencies
    assert revisit.start_urls == ("https://files.example.gov.cn/r.pdf",)
    assert (revisit.allowed_domains, revisit.download_delay, revisit.concurrency) == (("example.gov.cn",), 3.0, 1)
    assert (revisit.obey_robots, revisit.allow_private_addresses) == (False, True)


@pytest.mark.integration
def test_every_found_url_is_fetched_or_recorded(tmp_path: Path) -> None:
    other = Site({"/x.html": Page(b"<html>other server</html>")})
    with serve(other) as other_base:
        long_url = "/nb/" + "a" * 5000 + ".html"
        links = {
            "/nb/t2024.html": REPORT.format(2024),
            long_url: REPORT.format(2023),
            f"{other_base}/x.html": REPORT.format(2022),  # the same host, another port: not followed
            "/nb/away.html": REPORT.format(2021),  # redirects there: refused, recorded
        }
        pages = {
            "/nb/": listing(links, filler=MAX_LINKS_PER_PAGE + 500),
            "/nb/t2024.html": Page(b"<html>r</html>"),
            "/nb/away.html": Page(b"", status=301, headers={"Location": f"{other_base}/x.html"}),
        }
        site = Site(pages)
        with serve(site) as base:
            entry = {"id": "local", "name": "本地局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True}
            summary = crawl(write_registry(tmp_path, [entry]), str(tmp_path / "archive"), settings_overrides=FAST)
    (agency,) = summary.agencies
    reasons = {failure.url.removeprefix(base): failure.error for failure in agency.failures}
    assert len(f"{base}{long_url}") > 5000
    assert "over URLLENGTH_LIMIT" in reasons[long_url]
    assert reasons["/nb/away.html"] == f"off-site refused: {other_base} is not an origin of agency local"
    assert other.log == []
    assert any(f"more than {MAX_LINKS_PER_PAGE} links" in problem for problem in agency.problems)
    assert agency.reports_found == 3 and agency.downloaded >= 2  # the other port's link is not one of ours


@pytest.mark.integration
def test_a_robots_txt_answering_503_disallows_the_host(tmp_path: Path) -> None:
    site = Site(
        {
            "/robots.txt": Page(b"<html>Service Unavailable</html>", status=503),
            "/nb/": listing({"/nb/t2024.html": REPORT.format(2024)}),
            "/nb/t2024.html": Page(b"<html>r</html>"),
        }
    )
    with serve(site) as base:
        entry = {"id": "local", "name": "本地局", "start_urls": [f"{base}/nb/"], "allow_private_addresses": True}
        summary = crawl(write_registry(tmp_path, [entry]), str(tmp_path / "archive"), settings_overrides=FAST)
    requested = {path for path, _ in site.log}
    assert requested == {"/robots.txt"}
    (failure,) = summary.agencies[0].failures
    assert failure.error.startswith("robots.txt answered HTTP 503")


@pytest.mark.integration
def test_a_private_address_is_refused_unless_the_registry_allows_it(tmp_path: Path) -> None:
    site = Site({"/nb/": listing({"/nb/t2024.html": REPORT.format(2024)}), "/nb/t2024.html": Page(b"<html>r</html>")})
    with serve(site) as base:
        entry = {"id": "local", "name": "本地局", "start_urls": [f"{base}/nb/"]}
        summary = crawl(write_registry(tmp_path, [entry]), str(tmp_path / "archive"), settings_overrides=FAST)
    assert site.log == []
    (failure,) = summary.agencies[0].failures
    assert failure.error.startswith("address refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address")


def test_the_simulated_web_allows_its_loopback_addresses(tmp_path: Path) -> None:
    from nianbao.simweb import Faults, SimWeb

    web = SimWeb(seed=3, agencies=2, years=(2023, 2024), faults=Faults.none())
    path = tmp_path / "registry.yaml"
    with web:
        web.write_registry(path)
    assert all(agency.allow_private_addresses for agency in load_registry(path).agencies)

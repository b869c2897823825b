"""Each fault behaves as the manifest says it does."""

import http.client
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.simweb.conftest import TEST_FAULTS
from tests.simweb.http import get

pytestmark = pytest.mark.integration


def _fault(web, kind):
    return next(f for f in web.manifest["faults"] if f["kind"] == kind)


def _listed(web, url):
    """Whether some listing page of the URL's host links it (faults are reachable, not just served)."""
    host = urlsplit(url).hostname
    agency = next(a for a in web.world.agencies if a.host == host)
    path = urlsplit(url).path
    layout = web.world.layout(agency)
    return any(
        path in get(web.base_url(agency.id) + layout.listing(n)).body.decode("gb18030", "replace") for n in range(6)
    )


def test_robots_disallows_a_section_whose_fetches_are_counted(web):
    rule = next(f for f in web.manifest["forbidden_urls"] if f["reason"] == "robots")
    origin = rule["url"].rsplit("/internal/", 1)[0]
    robots = get(origin + "/robots.txt").body.decode()
    assert "Disallow: /internal/" in robots
    agency = next(a for a in web.world.agencies if a.host == urlsplit(origin).hostname)
    listing = get(web.start_urls(agency.id)[0]).body.decode("gb18030", "replace")
    layout = web.world.layout(agency)
    pages = "".join(
        get(web.base_url(agency.id) + layout.listing(n)).body.decode("gb18030", "replace") for n in range(6)
    )
    assert "/internal/draft_" in listing + pages
    before = len(web.forbidden_hits)
    draft = origin + f"/internal/draft_{900000 + agency.index}.html"
    assert get(draft).status == 200
    assert web.forbidden_hits[before:] == [draft]
    clean = next(a for a in web.world.agencies if "robots" not in a.faults)
    assert get(web.base_url(clean.id) + "/robots.txt").body == b"User-agent: *\nDisallow:\n"


def test_not_found_and_permanent_server_errors(web):
    missing = _fault(web, "not_found")["url"]
    assert get(missing).status == 404 and _listed(web, missing)
    broken = _fault(web, "server_error")["url"]
    assert [get(broken).status for _ in range(3)] == [500, 500, 500]
    assert get(web.base_url("sim-0000") + "/no/such/page.html").status == 404


def test_transient_errors_fail_n_times_then_succeed(web):
    fault = _fault(web, "transient_error")
    assert fault["failures"] == TEST_FAULTS.transient_failures
    statuses = [get(fault["url"]).status for _ in range(fault["failures"] + 2)]
    assert statuses == [500] * fault["failures"] + [200, 200]
    assert any(fault["url"] == u["url"] for r in web.manifest["reports"] for u in r["urls"])


def test_slow_pages_answer_after_the_delay(web):
    fault = _fault(web, "slow")
    started = time.monotonic()
    answer = get(fault["url"])
    assert answer.status in (200, 500)
    assert time.monotonic() - started >= fault["seconds"] * 0.9


def test_hanging_pages_time_out_then_close(web):
    fault = _fault(web, "timeout")
    with pytest.raises(TimeoutError):
        get(fault["url"], timeout=0.5)
    started = time.monotonic()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        get(fault["url"], timeout=10)
    assert fault["seconds"] * 0.9 <= time.monotonic() - started < fault["seconds"] + 2


def test_redirect_loop(web):
    start = _fault(web, "redirect_loop")["url"]
    first = get(start)
    assert first.status == 302
    second = get(first.headers["location"])
    assert second.status == 302 and second.headers["location"] == start


def test_calendar_trap_always_links_the_next_month(web):
    rule = next(f for f in web.manifest["forbidden_urls"] if f["reason"] == "trap")
    url = rule["url"] + "?month=2030-11"
    for expected in ("2030-12", "2031-01", "2031-02"):
        body = get(url).body.decode()
        assert f"/calendar?month={expected}" in body
        url = rule["url"] + f"?month={expected}"


def test_soft_404_is_a_200_that_says_page_not_found(web):
    fault = _fault(web, "soft_404")
    answer = get(fault["url"])
    assert answer.status == 200 and "页面不存在" in answer.body.decode()


def test_oversized_file_declares_a_huge_length_and_streams_lazily(web):
    fault = _fault(web, "oversized")
    parts = urlsplit(fault["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    assert int(response.headers["Content-Length"]) == fault["content_length"] == TEST_FAULTS.oversize_bytes
    assert response.read(1024).startswith(b"%PDF")
    connection.close()


def test_truncated_download_ends_before_its_content_length(web):
    fault = _fault(web, "truncated")
    parts = urlsplit(fault["url"])
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    assert body.startswith(b"%PDF") and 0 < len(body) < length


def test_mirror_hosts_are_forbidden_and_counted(web):
    hosts = web.manifest["forbidden_hosts"]
    assert hosts
    agency_hosts = {a.host for a in web.world.agencies}
    assert not set(hosts) & agency_hosts
    links = [r for r in web.world.reports.values() if "mirrors" in r.extras]
    assert links
    report = links[0]
    page = web.world.origin(web.world.agency(report.agency).host) + web.world.page_path(report)
    answer = get(page)
    while answer.status == 500:  # the same report may carry the transient-error fault
        answer = get(page)
    body = answer.body.decode("gb18030", "replace")
    mirror_url = next(f"http://{h}:{web.port}/mirror/" for h in hosts if f"http://{h}:{web.port}/mirror/" in body)
    assert web.hits(urlsplit(mirror_url).hostname) == 0
    assert get(mirror_url + f"{report.agency}/{report.year}.html").status == 200
    assert web.hits(urlsplit(mirror_url).hostname) == 1
    assert web.forbidden_hits[-1].startswith(mirror_url)


def test_faults_switch_off():
    from nianbao.simweb import Faults, SimWeb

    with SimWeb(seed=3, agencies=6, faults=Faults.none()) as clean:
        manifest = clean.manifest
        assert manifest["faults"] == [] and manifest["forbidden_urls"] == [] and manifest["forbidden_hosts"] == []
        assert manifest["non_reports"] == []
        for agency in clean.world.agencies:
            assert get(clean.base_url(agency.id) + "/robots.txt").body == b"User-agent: *\nDisallow:\n"

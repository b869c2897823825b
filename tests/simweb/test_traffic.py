"""What the server records for tests: hits per host, simultaneous requests per host, the request log."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from tests.simweb.http import get

pytestmark = pytest.mark.integration


def test_peak_concurrency_counts_simultaneous_requests_per_host(web):
    slow = next(f for f in web.manifest["faults"] if f["kind"] == "slow")["url"]
    host = urlsplit(slow).hostname
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: get(slow), range(3)))
    assert web.peak_concurrency(host) == 3
    other = next(a.host for a in web.world.agencies if a.host != host)
    assert web.peak_concurrency(other) <= 1


def test_request_log_and_reset(web):
    url = web.start_urls("sim-0001")[0]
    web.reset_traffic()
    assert web.hits() == 0
    get(url)
    get(url)
    assert web.hits() == 2 and web.hits(urlsplit(url).hostname) == 2
    assert [(r.url, r.method, r.status) for r in web.traffic.requests] == [(url, "GET", 200)] * 2


def test_a_crawl_of_every_site_leaves_no_server_errors(web):
    from tests.simweb.crawl import crawl

    # Downloads that fail by design (truncated, oversized) are tested in test_faults.
    failing = frozenset(f["url"] for f in web.manifest["faults"] if f["kind"] in ("truncated", "oversized"))
    for entry in web.registry["agencies"]:
        crawl(entry["start_urls"], entry.get("hints"), limit=60, skip=failing)
    assert web.traffic.errors == []

"""Epochs move the web exactly as the manifest's `changes` say; conditional requests get 304."""

import re

import pytest

from nianbao.simweb import Faults, SimWeb
from tests.simweb.crawl import decode
from tests.simweb.http import get

pytestmark = pytest.mark.integration


@pytest.fixture
def small():
    with SimWeb(seed=11, agencies=12, years=(2019, 2023), faults=Faults.none()) as web:
        yield web


def _ok(url):
    return get(url).status == 200


def test_conditional_requests_get_304(small):
    report = small.manifest["reports"][0]
    url = report["urls"][0]["url"]
    first = get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert get(url).headers["etag"] == etag
    assert get(url, {"If-None-Match": etag}).status == 304
    assert get(url, {"If-None-Match": '"other"'}).status == 200
    assert get(url, {"If-Modified-Since": modified}).status == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    assert get(url, method="HEAD").body == b""


def test_a_revalidation_past_the_body_cache_renders_nothing(small):
    """A web larger than the body cache: the ETag of an evicted body still answers a conditional
    request (304) without rendering the body again; an unconditional one renders it, same ETag."""
    urls = [u["url"] for r in small.manifest["reports"][:6] for u in r["urls"]]
    etags = {url: get(url).headers["etag"] for url in urls}
    small._cache._limit = 1  # keeps one body: the next one rendered evicts every other
    small._cache.get(("another", "body"), lambda: b"x")
    rendered = small._cache.renders
    assert all(get(url, {"If-None-Match": etag}).status == 304 for url, etag in etags.items())
    assert small._cache.renders == rendered
    again = get(urls[-1])
    assert again.status == 200 and again.headers["etag"] == etags[urls[-1]]
    assert small._cache.renders == rendered + 1


def test_advance_epoch_adds_corrects_withdraws_and_redesigns(small):
    before = small.manifest
    etags = {u["url"]: get(u["url"]).headers["etag"] for r in before["reports"] for u in r["urls"]}
    changes = small.advance_epoch()
    after = small.manifest
    assert small.epoch == after["epoch"] == 1 and after["changes"] == changes
    keys = lambda m: {(r["agency"], r["year"]) for r in m["reports"]}  # noqa: E731

    added = {(c["agency"], c["year"]) for c in changes["added"]}
    withdrawn = {(c["agency"], c["year"]) for c in changes["withdrawn"]}
    assert added and withdrawn
    assert keys(after) == (keys(before) | added) - withdrawn
    for change in changes["added"]:
        assert all(_ok(url) for url in change["urls"])
    for change in changes["withdrawn"]:
        assert all(get(url).status == 404 for url in change["urls"])

    for change in changes["corrected"]:
        report = next(r for r in after["reports"] if (r["agency"], r["year"]) == (change["agency"], change["year"]))
        old = next(r for r in before["reports"] if (r["agency"], r["year"]) == (change["agency"], change["year"]))
        assert report["version"] == old["version"] + 1
        for cell in change["cells"]:
            assert old["figures"][cell["table"]][cell["row"]][cell["column"]] == cell["old"]
            assert report["figures"][cell["table"]][cell["row"]][cell["column"]] == cell["new"]
        page = change["urls"][0]
        if page in etags:
            assert get(page, {"If-None-Match": etags[page]}).status == 200

    redesign = changes["redesigned"][0]
    assert redesign["old_start_url"] != redesign["new_start_url"]
    moved = get(redesign["old_start_url"])
    assert moved.status == 301 and moved.headers["location"] == redesign["new_start_url"]
    assert _ok(redesign["new_start_url"])
    for move in redesign["moved"]:
        assert get(move["old"]).status == 404 and _ok(move["new"])

    untouched = set(etags) - {u for c in changes["corrected"] for u in c["urls"]} - set(changes["furniture_only"])
    untouched -= {m["old"] for m in redesign["moved"]} | {u for c in changes["withdrawn"] for u in c["urls"]}
    assert untouched
    for url in untouched:
        assert get(url, {"If-None-Match": etags[url]}).status == 304, url
    for url in changes["furniture_only"]:
        if url in etags:
            assert get(url, {"If-None-Match": etags[url]}).status == 200


def test_furniture_changes_leave_the_report_alone(small):
    small.advance_epoch()
    furnished = [r for r in small.world.reports.values() if r.furniture and r.full_page]
    pages = [small.world.origin(small.world.agency(r.agency).host) + small.world.page_path(r) for r in furnished]
    before = {url: _text(url) for url in pages}
    changes = small.advance_epoch()
    assert set(changes["furniture_only"]) & set(pages)
    for url in set(changes["furniture_only"]) & set(pages):
        now = _text(url)
        assert now != before[url]
        assert _without_counter(now) == _without_counter(before[url])


def _text(url):
    answer = get(url)
    return decode(answer.body, answer.headers["content-type"])


def _without_counter(text):
    return re.sub(r"浏览次数：\d+", "", text)


def test_epoch_on_start_equals_advancing():
    with SimWeb(seed=11, agencies=6, faults=Faults.none(), epoch=2) as direct:
        expected = direct.manifest
    with SimWeb(seed=11, agencies=6, faults=Faults.none(), port=0) as moved:
        moved.advance_epoch()
        moved.advance_epoch()
        got = moved.manifest
    for manifest in (expected, got):
        manifest.pop("port")
    assert _strip_port(got) == _strip_port(expected)


def _strip_port(manifest):
    import json
    import re

    return re.sub(r":\d+/", ":PORT/", json.dumps(manifest, ensure_ascii=False))


def test_a_changed_listing_is_never_answered_304(small):
    starts = [url for entry in small.registry["agencies"] for url in entry["start_urls"]]
    before = {url: get(url) for url in starts}
    small.advance_epoch()
    changed = 0
    for url, old in before.items():
        now = get(url)
        if now.status == 200 and now.body != old.body:
            changed += 1
            assert get(url, {"If-Modified-Since": old.headers["last-modified"]}).status == 200, url
            assert get(url, {"If-None-Match": old.headers["etag"]}).status == 200, url
        elif now.status == 200:
            assert get(url, {"If-None-Match": old.headers["etag"]}).status == 304, url
    assert changed


def test_a_site_redesigned_twice_still_redirects_its_first_start_url():
    with SimWeb(seed=2, agencies=1, years=(2021, 2023), faults=Faults.none()) as web:
        first = web.start_urls("sim-0000")[0]
        web.advance_epoch()
        web.advance_epoch()
        current = web.start_urls("sim-0000")[0]
        assert web.world.layout_versions["sim-0000"] == 2
        answer = get(first)
        if first == current:  # the family's paths came back: the listing itself answers
            assert answer.status == 200
        else:
            assert answer.status == 301 and answer.headers["location"] == current
        assert all(get(u["url"]).status == 200 for r in web.manifest["reports"] for u in r["urls"])

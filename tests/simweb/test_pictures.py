"""Reports published as a page of pictures: a seeded share, the rest of the world untouched, the page
holding only its table pictures (and furniture) in order."""

from __future__ import annotations

import dataclasses
import io
from urllib.parse import urljoin

import pytest
from PIL import Image

from nianbao.crawler.pages import read_report
from nianbao.simweb import Faults, SimWeb
from nianbao.simweb.world import build
from tests.simweb.http import get

SHARE = 0.05


def test_a_seeded_share_of_reports_is_pictured_and_the_others_are_as_without() -> None:
    some = dataclasses.replace(Faults.none(), picture_pages=SHARE)
    plain = build(seed=3, size=40, years=(2019, 2024), faults=Faults.none())
    pictured = build(seed=3, size=40, years=(2019, 2024), faults=some)
    assert plain.reports.keys() == pictured.reports.keys()
    changed = [key for key, report in pictured.reports.items() if report != plain.reports[key]]
    assert all(pictured.reports[key].pictured and plain.reports[key].figures is not None for key in changed)
    templated = sum(1 for r in plain.reports.values() if r.figures is not None)
    assert 0 < len(changed) < 3 * SHARE * templated
    again = build(seed=3, size=40, years=(2019, 2024), faults=some)
    assert [k for k, r in again.reports.items() if r.pictured] == [k for k, r in pictured.reports.items() if r.pictured]


@pytest.mark.integration
def test_a_pictured_page_shows_its_table_pictures_in_order_and_nothing_else_the_crawler_takes() -> None:
    faults = dataclasses.replace(Faults.none(), picture_pages=1.0)
    with SimWeb(seed=4, agencies=2, years=(2023, 2023), faults=faults) as web:
        report = next(r for r in web.manifest["reports"] if r["figures"] is not None)
        [page] = [u["url"] for u in report["urls"] if u["kind"] == "cover"]
        pictures = [u["url"] for u in report["urls"] if u["kind"] == "picture"]
        answer = get(page)
        found = read_report(answer.body, page, answer.headers.get("content-type"))
        assert [link.url for link in found.attachments] == pictures and len(pictures) == 4
        for url in pictures:
            served = get(url)
            assert served.headers["content-type"] == "image/png"
            assert Image.open(io.BytesIO(served.body)).size[0] > 300
        assert b"site_logo.png" in answer.body and b'class="ewm"' in answer.body
        for furniture in ("/images/site_logo.png", "/images/wx_code.png"):
            assert get(urljoin(page, furniture)).status == 200

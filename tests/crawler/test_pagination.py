"""Pagination patterns of real portals: TRS scripts, numbered files, query pages, /N.html."""

from __future__ import annotations

import pytest

from nianbao.crawler.links import Link
from nianbao.crawler.pagination import hinted_page, is_sibling_page, trs_pages


@pytest.mark.parametrize(
    "script",
    [
        'createPageHTML(3, 0, "index", "html");',
        "createPageHTML('page_div', 3, 1, 'index', 'html', 45);",
        "createPageHTML(3,0,'index','html')",
    ],
)
def test_trs_scripts_announce_every_page(script: str) -> None:
    assert trs_pages(f"<script>{script}</script>", "http://h/zfxxgknb/index_1.html") == [
        "http://h/zfxxgknb/index.html",
        "http://h/zfxxgknb/index_1.html",
        "http://h/zfxxgknb/index_2.html",
    ]


@pytest.mark.parametrize(
    ("page", "link", "text"),
    [
        ("http://h/nb/index.html", "http://h/nb/index_3.html", ""),
        ("http://h/nb/list.shtml", "http://h/nb/list_2.shtml", ""),
        ("http://h/col/col1/index.html", "http://h/col/col1/index.html?pageNo=2", "2"),
        ("http://h/list.jsp?cat=nb", "http://h/list.jsp?cat=nb&PageIndex=4", ""),
        ("http://h/nb/", "http://h/nb/2.html", ""),
        ("http://h/nb/index.html", "http://h/nb/more.html", "下一页"),
    ],
)
def test_sibling_pages_are_recognised(page: str, link: str, text: str) -> None:
    assert is_sibling_page(page, Link(link, text, "a"))


@pytest.mark.parametrize(
    ("page", "link", "text"),
    [
        ("http://h/nb/index.html", "http://h/nb/202401/t20240131_1.html", ""),  # a detail page
        ("http://h/list.jsp?cat=nb", "http://h/list.jsp?cat=other&page=2", ""),  # another listing
        ("http://h/nb/index.html", "http://other/nb/index_2.html", ""),  # another host
        ("http://h/nb/index.html", "http://h/calendar?month=2025-02", "下一月"),  # the calendar trap
    ],
)
def test_other_links_are_not_pages(page: str, link: str, text: str) -> None:
    assert not is_sibling_page(page, Link(link, text, "a"))


def test_hinted_pattern() -> None:
    assert hinted_page("http://h/nb/index.html", "index_{n}.html", 2) == "http://h/nb/index_2.html"

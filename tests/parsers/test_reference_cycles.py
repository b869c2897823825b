"""The readers leave no reference cycles: what they build is freed as soon as a document is read."""

from __future__ import annotations

import gc
from pathlib import Path

import lxml.etree
import pytest

from nianbao.parsers import parse
from tests.conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures"


def _pages() -> list[Path]:
    return sorted(FIXTURES.glob("*.html")) + sorted(CORPUS.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))[:4]


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_reading_a_page_leaves_no_reference_cycles(path: Path) -> None:
    """What a reader builds is freed by reference counting alone: no element of the page's tree waits
    for the collector (a page's nodes holding their children and their parents kept every page's tree
    alive until the next collection). Other threads of the test process may leave garbage of their own
    meanwhile: only the tree's elements are looked for."""
    data = path.read_bytes()
    parse(data, filename=path.name)  # memos filled: what stays in them is no garbage
    was, flags = gc.isenabled(), gc.get_debug()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept in gc.garbage to look at
    try:
        parse(data, filename=path.name)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, lxml.etree._Element | lxml.etree._ElementTree)]
        assert left == [], f"{len(left)} elements of {path.name} were freed only by the garbage collector"
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_the_memos_keep_no_element_of_a_page_read() -> None:
    """An attribute's value as XPath gives it holds its element, and through it the whole page: the
    memos it is looked up in must keep a plain copy, or each page with a new value stays in memory."""
    page = b'<html><body><table><tr><td rowspan="2" class="nav">a</td><td>b</td></tr><tr><td>c</td></tr></table>'
    parse(page + b"</body></html>", filename="page.html")
    gc.collect()
    values = [o for o in gc.get_objects() if isinstance(o, str) and type(o) is not str and hasattr(o, "getparent")]
    assert [value for value in values if getattr(value.getparent(), "tag", None) == "td"] == []

"""The HTML and text readers leave no reference cycles: what they build is freed as soon as a document is
read, and no memo keeps a page's tree."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from nianbao.parsers import parse
from tests.conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own: no other thread makes garbage there while a page is read, so every object
# the collector finds unreachable is the parse's.
_GARBAGE_PER_PAGE = """
import gc, json, sys
from pathlib import Path
from nianbao.parsers import parse
found = {}
for name in sys.argv[1:]:
    data = Path(name).read_bytes()
    parse(data, filename=name)  # memos filled: what stays in them is no garbage
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept in gc.garbage to look at
    parse(data, filename=name)
    gc.collect()
    found[Path(name).name] = sorted({type(o).__qualname__ for o in gc.garbage})
    gc.set_debug(0)
    gc.garbage.clear()
    gc.enable()
print(json.dumps(found))
"""


def _pages() -> list[Path]:
    return sorted(FIXTURES.glob("*.html")) + sorted(CORPUS.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))


def test_reading_a_page_leaves_nothing_for_the_garbage_collector() -> None:
    """What the HTML and text readers and the mapping build is freed by reference counting alone (a
    page's nodes holding their children and their parents kept every page's tree alive until the next
    collection)."""
    pages = _pages()
    run = subprocess.run(
        [sys.executable, "-c", _GARBAGE_PER_PAGE, *map(str, pages)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    found = json.loads(run.stdout)
    assert len(found) == len(pages)
    assert {name: kinds for name, kinds in found.items() if kinds} == {}


def test_the_memos_keep_no_node_of_a_page_read() -> None:
    """A node holds its parser, and through it the whole page: the memos an attribute's value or a cell's
    text is looked up in keep plain strings, so nothing of a page read stays in memory."""
    page = b'<html><body><table><tr><td rowspan="2" class="nav">a</td><td>b</td></tr><tr><td>c</td></tr></table>'
    parse(page + b"</body></html>", filename="page.html")
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, LexborNode | LexborHTMLParser)] == []

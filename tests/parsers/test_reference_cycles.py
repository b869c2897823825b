"""The readers leave no reference cycles: what they build is freed as soon as a document is read."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from nianbao.parsers import parse
from tests.conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures"


def _pages() -> list[Path]:
    return sorted(FIXTURES.glob("*.html")) + sorted(CORPUS.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))[:4]


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_reading_a_page_leaves_no_reference_cycles(path: Path) -> None:
    """What a reader builds is freed by reference counting alone: nothing waits for the collector
    (a page's nodes holding their children and their parents kept every page's tree alive until the
    next collection)."""
    data = path.read_bytes()
    parse(data, filename=path.name)  # memos filled: what stays in them is no garbage
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        parse(data, filename=path.name)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()

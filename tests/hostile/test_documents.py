"""Each hostile document fails fast with its reason, stopped by a reader's limit (not the process cap)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nianbao.flows.parse_worker import ParseBounds, parse_bounded
from nianbao.parsers import parse
from nianbao.parsers.errors import ParseError
from tests.hostile.documents import HOSTILE

# The phrase each document's error must hold: the limit that stopped it.
REASONS = {
    "docx_huge_span": "spans 20000000 columns",
    "docx_many_cells": "inflates beyond",
    "docx_lying_sizes": "not a readable DOCX",  # the zip's own check: the bytes disagree with the index
    "pdf_many_glyphs": "draws 250000 glyphs",
    "pdf_stream_bomb": "inflates beyond",
    "pdf_many_pages": "declares 100000 pages",
    "html_big_table": "MB of HTML",
    "html_deep_nesting": "HTML elements open at once",
}
# Generous for a loaded 2-core machine; before the limits these took 20 s to minutes, or gigabytes.
BOUNDS = ParseBounds(seconds=60, memory_bytes=1 << 30)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_document_fails_fast_with_its_reason(kind: str) -> None:
    name, content_type, data = HOSTILE[kind]()
    started = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        parse_bounded(data, url=f"http://127.0.0.1/{name}", content_type=content_type, agency=None, bounds=BOUNDS)
    seconds = time.perf_counter() - started
    assert REASONS[kind] in str(caught.value)
    assert f"/{name}" in str(caught.value)
    assert seconds < 10, f"{kind} took {seconds:.1f} s"


def test_the_worker_stops_a_parse_at_its_wall_time() -> None:
    _, content_type, data = HOSTILE["html_big_table"]()
    data = data[: 15 << 20]  # under the HTML size limit: a parse of seconds
    with pytest.raises(ParseError, match=r"longer than 0\.5 s"):
        parse_bounded(data, url="http://x/t.html", content_type=content_type, agency=None, bounds=ParseBounds(0.5))


def test_the_worker_stops_a_parse_at_its_memory_limit() -> None:
    _, content_type, data = HOSTILE["html_big_table"]()
    data = data[: 15 << 20]
    with pytest.raises(ParseError, match=r"more than 300 MB|out of memory"):
        parse_bounded(
            data, url="http://x/t.html", content_type=content_type, agency=None, bounds=ParseBounds(60, 300 << 20)
        )


def test_a_good_report_parses_the_same_in_the_worker() -> None:

    from tests.conftest import SHARED  # noqa: F401 - the fixtures beside the parser tests are ours

    html = (Path(__file__).resolve().parents[1] / "parsers" / "fixtures" / "blank-form-2021.html").read_bytes()
    direct = parse(html, url="http://x/r.html").to_dict()
    assert parse_bounded(html, url="http://x/r.html", content_type=None, agency=None) == direct

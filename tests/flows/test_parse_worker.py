"""The bounded parse worker: its children, started from a process whose main module is not ours, and a
thread's worker kept for its next document and replaced after a stop."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nianbao.flows.parse_worker import BOUNDS, ParseBounds, parse_bounded
from nianbao.parsers.errors import ParseError
from tests.hostile.documents import HOSTILE

# A main module run with `python -m`, as `prefect.engine` is in a flow run a worker starts: it notes each
# time it is imported under another name (multiprocessing's `__mp_main__`), then parses one document.
MAIN = """
import os, sys
if __name__ != "__main__":
    with open(os.environ["IMPORTS"], "a") as imports:
        imports.write(__name__ + "\\n")
else:
    from nianbao.flows.parse_worker import parse_bounded
    record = parse_bounded(sys.stdin.buffer.read(), url="http://x/r.html", content_type="text/html", agency=None)
    print(record["title"])
"""
REPORT = "<html><head><title>青山市2024年政府信息公开工作年度报告</title></head><body><p>一、总体情况</p></body></html>"


def test_a_parse_child_does_not_import_the_parents_main_module(tmp_path: Path) -> None:
    (tmp_path / "flowrun.py").write_text(MAIN, encoding="utf-8")
    imports = tmp_path / "imports.txt"
    done = subprocess.run(
        [sys.executable, "-m", "flowrun"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "IMPORTS": str(imports)},
        input=REPORT.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert "年度报告" in done.stdout.decode("utf-8")
    assert not imports.exists(), f"the parse child imported the parent's main module as {imports.read_text()!r}"


def _parse_workers() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.name == "nianbao-parse"}


def test_a_thread_keeps_its_worker_for_the_next_document_and_replaces_it_after_a_stop() -> None:
    def parse_one(data: bytes, bounds: ParseBounds = BOUNDS) -> dict:
        return parse_bounded(data, url="http://x/r.html", content_type="text/html", agency=None, bounds=bounds)

    def in_a_thread() -> tuple[set[int], set[int], set[int], str]:
        others = _parse_workers()  # other threads' workers, idle
        first = parse_one(REPORT.encode("utf-8"))
        one = _parse_workers() - others
        parse_one(REPORT.replace("2024", "2023").encode("utf-8"))
        same = _parse_workers() - others
        huge = HOSTILE["html_big_table"]()[2][: 15 << 20]  # under the HTML size limit: a parse of seconds
        with pytest.raises(ParseError, match=r"longer than 0\.2 s"):
            parse_one(huge, ParseBounds(0.2))
        again = parse_one(REPORT.encode("utf-8"))
        assert again == first  # a fresh worker reads it as the first did
        return one, same, _parse_workers() - others, first["title"]

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: its worker is not another test's
        one, same, after, title = pool.submit(in_a_thread).result(timeout=300)
    assert "年度报告" in title
    assert len(one) == 1 and same == one  # the second document went to the same process
    assert len(after) == 1 and after != one  # the stopped worker was replaced

"""Report versions kept in the archive (decided by flows.versioning), on both backends."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from nianbao import archive
from nianbao.archive import keys
from nianbao.archive import reports as shelves
from nianbao.flows.versioning import diff, ingest, mark_withdrawn
from nianbao.parsers.record import ReportRecord
from tests.archive.reports_fixtures import TEXT, capture, record

URL = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.html"
ROOT = Path(__file__).resolve().parents[2]


def test_cosmetic_change_is_an_observation_not_a_version(archive_url: str) -> None:
    store = archive.connect(archive_url)
    first = ingest(
        store,
        "sthjj",
        2024,
        record(),
        [(capture("sthjj", URL, "2025-01-21T00:00:00Z"), "page")],
        "2025-01-21T00:00:00Z",
    )
    assert (first.kind, first.version) == ("new", 1)
    cosmetic = record(
        text="浏览次数：4821\n【字体：大 中 小】\n" + TEXT.replace("，", "， ") + "打印本页 关闭窗口\n",
        metadata={"索引号": "000-2025-0001", "发布机构": "某某市生态环境局", "浏览次数": "4821"},
    )
    again = ingest(
        store,
        "sthjj",
        2024,
        cosmetic,
        [(capture("sthjj", URL, "2025-03-01T00:00:00Z", b"<html>x</html>"), "page")],
        "2025-03-01T00:00:00Z",
    )
    assert (again.kind, again.version, again.diff) == ("unchanged", 1, ())
    assert list(store.store.list(keys.report_prefix("sthjj", 2024) + "versions/")) == [
        keys.version_key("sthjj", 2024, 1)
    ]
    assert shelves.get_head(store.store, "sthjj", 2024) == shelves.Head(1, "current", "2025-03-01T00:00:00Z")
    [observation] = shelves.iter_observations(store.store, "sthjj", 2024)
    assert observation.seen_at == "2025-03-01T00:00:00Z"


def test_changed_table_value_is_a_new_version_with_its_diff(archive_url: str) -> None:
    store = archive.connect(archive_url)
    ingest(
        store,
        "sthjj",
        2024,
        record(),
        [(capture("sthjj", URL, "2025-01-21T00:00:00Z"), "page")],
        "2025-01-21T00:00:00Z",
    )
    corrected = record(new_received__total=9, granted__natural_person=None)
    result = ingest(
        store,
        "sthjj",
        2024,
        corrected,
        [(capture("sthjj", URL, "2025-02-01T00:00:00Z", b"v2"), "page")],
        "2025-02-01T00:00:00Z",
    )
    assert (result.kind, result.version) == ("changed", 2)
    assert list(result.diff) == [
        {"path": "applications.granted.natural_person", "old": 1, "new": None, "kind": "cell"},
        {"path": "applications.new_received.total", "old": 1, "new": 9, "kind": "cell"},
    ]
    kept = shelves.get_version(store.store, "sthjj", 2024, 2)
    assert kept.record == corrected
    assert kept.previous_last_seen == "2025-01-21T00:00:00Z"
    assert [link.sha256 for link in kept.captures] == [capture("sthjj", URL, "x", b"v2").sha256]


def test_withdrawn_report_is_marked_and_its_copies_kept(archive_url: str) -> None:
    store = archive.connect(archive_url)
    body = b"<html>the report</html>"
    sha = store.put_raw(body)
    page = capture("sthjj", URL, "2025-01-21T00:00:00Z", body)
    store.add_capture(page)
    ingest(store, "sthjj", 2024, record(), [(page, "page")], "2025-01-21T00:00:00Z")
    gone = capture("sthjj", URL, "2025-06-01T00:00:00Z", None, status=404)
    store.add_capture(gone)
    result = mark_withdrawn(store, "sthjj", 2024, gone, "2025-06-01T00:00:00Z")
    assert (result.kind, result.version) == ("withdrawn", 2)
    assert mark_withdrawn(store, "sthjj", 2024, gone, "2025-06-02T00:00:00Z").kind == "already_withdrawn"
    withdrawn = shelves.get_version(store.store, "sthjj", 2024, 2)
    assert withdrawn.kind == "withdrawn"
    assert withdrawn.evidence == {"url": URL, "status": 404, "error": None}
    assert [link.role for link in withdrawn.captures] == ["evidence"]
    assert shelves.get_head(store.store, "sthjj", 2024).state == "withdrawn"
    assert shelves.get_version(store.store, "sthjj", 2024, 1).record == record()
    assert store.get_raw(sha) == body
    back = ingest(store, "sthjj", 2024, record(), [(page, "page")], "2025-07-01T00:00:00Z")
    assert (back.kind, back.version, back.diff) == ("changed", 3, ())


def _check_chain(url: str, results: list[tuple[str, int]]) -> None:
    store = archive.connect(url).store
    versions = list(shelves.iter_versions(store, "sthjj", 2024))
    numbers = [v.number for v in versions]
    assert numbers == list(range(1, len(numbers) + 1)), "a gap or a duplicate in the chain"
    created = sorted(n for kind, n in results if kind in ("new", "changed"))
    assert created == numbers, "every version created by exactly one writer"
    for previous, current in itertools.pairwise(versions):
        assert previous.content_hash != current.content_hash
        assert list(current.diff) == diff(previous.record, current.record)
    assert shelves.get_head(store, "sthjj", 2024).version == numbers[-1]


def _variants() -> list[ReportRecord]:
    return [record(new_received__total=value) for value in (1, 2, 3)]


def test_concurrent_writer_threads_keep_one_consistent_chain(archive_url: str) -> None:
    store = archive.connect(archive_url)
    results: list[tuple[str, int]] = []
    lock = threading.Lock()

    def writer(worker: int) -> None:
        for i in range(6):
            variant = _variants()[(worker + i) % 3]
            seen = f"2025-02-0{worker + 1}T00:00:{i:02d}Z"
            outcome = ingest(store, "sthjj", 2024, variant, [(capture("sthjj", URL, seen), "page")], seen)
            with lock:
                results.append((outcome.kind, outcome.version))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 24
    _check_chain(archive_url, results)


_WRITER = """
import json, sys
from nianbao import archive
from nianbao.flows.versioning import ingest
from tests.archive.reports_fixtures import capture, record

url, worker = sys.argv[1], int(sys.argv[2])
store = archive.connect(url)
for i in range(5):
    seen = f"2025-02-0{worker + 1}T00:00:{i:02d}Z"
    variant = record(new_received__total=(worker + i) % 3)
    result = ingest(store, "sthjj", 2024, variant, [(capture("sthjj", "https://x.gov.cn/r", seen), "page")], seen)
    print(json.dumps([result.kind, result.version]), flush=True)
"""


def test_concurrent_writer_processes_keep_one_consistent_chain(archive_url: str) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_WRITER), archive_url, str(w)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        for w in range(3)
    ]
    results = []
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        results.extend(tuple(json.loads(line)) for line in out.splitlines())
    assert len(results) == 15
    _check_chain(archive_url, results)

"""A real harvest of a site serving hostile documents beside good reports: the good ones settle, each
hostile one is a recorded failure, and the harvest stays within 1 GB and twice the time without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from nianbao.simweb import documents
from nianbao.simweb.world import build
from tests.crawler.webserver import Page, Site, serve
from tests.hostile.documents import DOCX, HOSTILE

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
GOOD_YEARS = (2021, 2024)
# Hostile documents take the years before the good ones, one each, so each failure has its own year.
HOSTILE_YEARS = dict(zip(sorted(HOSTILE), range(GOOD_YEARS[0] - len(HOSTILE), GOOD_YEARS[0]), strict=True))


def site_and_registry(tmp_path: Path, hostile: bool) -> tuple[Site, str, list[int]]:
    world = build(5, 1, GOOD_YEARS)
    (agency,) = world.agencies
    links, pages = {}, {}
    for (_, year), report in sorted(world.reports.items()):
        path = f"/nb/{year}.docx"
        links[path] = report.title
        pages[path] = Page(documents.docx(report), DOCX)
    if hostile:
        for kind, year in HOSTILE_YEARS.items():
            name, content_type, data = HOSTILE[kind]()
            path = f"/nb/{year}-{name}"
            links[path] = f"{agency.name}{year}年政府信息公开工作年度报告"
            pages[path] = Page(data, content_type)
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    pages["/nb/"] = Page(f"<html><body><ul>{items}</ul></body></html>".encode())
    return Site(pages), agency.name, sorted(year for _, year in world.reports)


class TreeMemory:
    """The peak of the summed resident memory of a process and all its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(5)
        return self.peak

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 0


def harvest(tmp_path: Path, prefect_api: str, hostile: bool) -> tuple[dict, float, int, Site]:
    site, name, _ = site_and_registry(tmp_path, hostile)
    with serve(site) as base:
        entry = {"id": "local", "name": name, "start_urls": [f"{base}/nb/"], "allow_private_addresses": True}
        registry = tmp_path / f"registry-{hostile}.yaml"
        registry.write_text(yaml.safe_dump({"agencies": [entry]}, allow_unicode=True), encoding="utf-8")
        years = f"{min(HOSTILE_YEARS.values())}-{GOOD_YEARS[1]}"
        command = [sys.executable, "-m", "nianbao", "harvest", "--registry", str(registry)]
        command += ["--archive", str(tmp_path / f"archive-{hostile}"), "--year", years, "--delay", "0", "--json"]
        env = {**os.environ, "PREFECT_API_URL": prefect_api}
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        memory = TreeMemory(child.pid)
        out, err = child.communicate(timeout=600)
        seconds = time.perf_counter() - started
        peak = memory.stop()
    assert child.returncode in (0, 1), err[-3000:]
    return json.loads(out.splitlines()[-1]), seconds, peak, site


@pytest.mark.timeout(900)
def test_hostile_documents_cost_one_failure_each(tmp_path: Path, prefect_api: str) -> None:
    clean, clean_seconds, clean_peak, _ = harvest(tmp_path, prefect_api, hostile=False)
    summary, seconds, peak, _site = harvest(tmp_path, prefect_api, hostile=True)
    print(
        f"\nwithout hostile documents: {clean_seconds:.1f} s, peak {clean_peak >> 20} MB; "
        f"with them: {seconds:.1f} s, peak {peak >> 20} MB"
    )
    _, _, good_years = site_and_registry(tmp_path, hostile=False)
    assert clean["reports_found"] == len(good_years) and clean["failures"] == 0
    assert summary["reports_found"] == len(good_years)  # every good report settled, beside the hostile ones
    assert summary["failures"] == len(HOSTILE)  # each hostile document: one recorded failure
    assert peak < 1 << 30
    assert seconds < 2 * clean_seconds

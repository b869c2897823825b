"""The Python API the flows call: one crawl in a fresh process, its summary back as an object.

from nianbao.crawler.run import crawl
summary = crawl("registry.yaml", "file:///data/archive", agencies=["henan-sthjt"], years=[2024])
summary.to_dict()["downloaded"]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from nianbao.archive.stores import absolute_url
from nianbao.crawler.agencies import load_registry, parse_registry
from nianbao.crawler.errors import CrawlAborted
from nianbao.crawler.summary import CrawlSummary


def crawl(
    registry: str | Path | Sequence[Mapping[str, Any]],
    archive_url: str,
    agencies: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    run_id: str | None = None,
) -> CrawlSummary:
    """Crawl a registry (a file, or entries as mappings) into the archive at `archive_url`.

    The registry is validated here first (RegistryError); the crawl itself runs in a subprocess
    (`python -m nianbao.crawler.process`); its stderr progress lines go to `progress` (default: our stderr).
    CrawlAborted when the process fails or the archive stopped accepting writes.
    """
    report = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(prefix="nianbao-crawl-") as scratch:
        path = _registry_file(registry, Path(scratch))
        load_registry(path).select(list(agencies) if agencies else None)
        summary_path = Path(scratch) / "summary.json"
        command = [
            sys.executable, "-m", "nianbao.crawler.process",
            "--registry", str(path.resolve()), "--archive", absolute_url(archive_url),
            "--settings", json.dumps(dict(settings_overrides or {})),
            "--summary-out", str(summary_path),
        ]  # fmt: skip
        for agency in agencies or ():
            command += ["--agency", agency]
        for year in years or ():
            command += ["--year", str(year)]
        if run_id:
            command += ["--run-id", run_id]
        tail: deque[str] = deque(maxlen=20)
        with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as child:
            assert child.stderr is not None
            for line in child.stderr:
                tail.append(line.rstrip("\n"))
                report(line.rstrip("\n"))
        if not summary_path.exists():
            raise CrawlAborted(f"the crawl process exited with status {child.returncode}: {' | '.join(tail)[-2000:]}")
        summary = CrawlSummary.from_dict(json.loads(summary_path.read_text(encoding="utf-8")))
    if summary.aborted:
        raise CrawlAborted(f"the crawl stopped early: {summary.aborted}")
    return summary


def _registry_file(registry: str | Path | Sequence[Mapping[str, Any]], scratch: Path) -> Path:
    if isinstance(registry, str | Path):
        return Path(registry)
    entries = [dict(entry) for entry in registry]
    parse_registry({"agencies": entries}, "<entries>")
    path = scratch / "registry.yaml"
    path.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    return path

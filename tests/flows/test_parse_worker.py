"""The bounded parse worker's children, started from a process whose main module is not ours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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

"""A parse error is as cheap as a parse: the one-line error path imports none of the other packages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import contextlib, io, json, sys
from nianbao.flows.cli import main
with contextlib.redirect_stderr(io.StringIO()) as err:
    status = main(["parse", sys.argv[1]])
heavy = sorted(m for m in ("pyarrow", "boto3", "botocore", "prefect", "scrapy", "duckdb") if m in sys.modules)
print(json.dumps({"status": status, "stderr": err.getvalue(), "heavy": heavy}))
"""


def test_a_parse_error_is_one_line_and_imports_no_other_package(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\njunk junk")
    result = subprocess.run([sys.executable, "-c", PROBE, str(bad)], capture_output=True, text=True, timeout=120)
    answer = json.loads(result.stdout)
    assert answer["status"] == 2
    assert answer["stderr"].count("\n") == 1 and "not a readable PDF" in answer["stderr"]
    assert answer["heavy"] == []

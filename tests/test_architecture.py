"""The import arrows of docs/architecture: each package imports only the packages it may.

parsers -> nothing of ours; archive -> parsers; crawler -> archive; simweb -> parsers; flows -> all.
Walks every module's imports with ast (including lazy imports inside functions).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("parsers", "archive", "crawler", "flows", "simweb")
ALLOWED = {
    "parsers": set(),
    "archive": {"parsers"},
    "crawler": {"archive"},
    "simweb": {"parsers"},
    "flows": set(OURS),
}
# parsers is pure: no network, storage, clock, Scrapy or Prefect.
FORBIDDEN_IN_PARSERS = ("scrapy", "prefect", "boto3", "botocore", "requests", "urllib.request", "http", "socket")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package):
    if not (ROOT / package).is_dir():
        pytest.skip(f"{package}/ is not on this branch")
    wrong = []
    for path in _modules(package):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in OURS and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_parsers_read_no_clock():
    """A record depends on the bytes alone: reparsing the same bytes tomorrow gives the same record."""
    clock = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}
    wrong = []
    for path in _modules("parsers"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in clock:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {node.func.attr}()")
    assert wrong == []


def test_parsers_touch_no_network_storage_or_orchestration():
    wrong = []
    for path in _modules("parsers"):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_PARSERS):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []

"""The import arrows of docs/architecture: each package imports only the packages it may.

parsers -> nothing of ours; archive -> parsers; crawler -> archive; simweb -> parsers; flows -> all.
Walks every module's imports with ast (including lazy imports inside functions). Everything is imported
as `nianbao.<package>`; a bare `import archive` would pick up whatever folder of that name a user has.
Also: the built wheel installs `nianbao` and nothing else.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
import zipfile
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
            parts = name.split(".")
            if parts[0] in OURS:
                wrong.append(f"{path.relative_to(ROOT)} imports {name} outside the nianbao namespace")
            elif parts[0] == "nianbao" and len(parts) > 1:
                target = parts[1]
                if target in OURS and target != package and target not in ALLOWED[package]:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_flows_reach_the_archive_through_its_api_not_its_store():
    """The archive owns its shelves: flows read holdings and commit decisions through `Archive`, never
    through the store underneath (nor archive/raw.py, archive/pointers.py, archive/stores.py)."""
    wrong = []
    for path in _modules("flows"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .store")
        inner = {"nianbao.archive.raw", "nianbao.archive.pointers", "nianbao.archive.stores", "nianbao.archive.keys"}
        wrong += [f"{path.relative_to(ROOT)} imports {name}" for name in _imports(path) & inner]
    assert wrong == []


@pytest.mark.parametrize("tree", ["tests", "benchmarks", "nianbao"])
def test_tests_and_benchmarks_import_through_the_namespace(tree):
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / tree).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in OURS
    ]
    assert wrong == []


def _declared_packages() -> dict[str, str]:
    """Installed package name -> directory, from pyproject.toml's setuptools table."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    dirs = table["package-dir"]
    found = {}
    for name in table["packages"]:
        top = ".".join(name.split(".")[:2])
        found[name] = str(Path(dirs[top], *name.split(".")[2:]))
    return found


def test_every_package_directory_is_installed():
    on_disk = {
        str(init.parent.relative_to(ROOT))
        for package in (*OURS, "nianbao")
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk == set(_declared_packages().values())


def test_the_wheel_installs_only_nianbao(tmp_path):
    """Build the wheel from the sources, install it into a folder beside look-alikes of our subpackages'
    old top-level names, and import from there: ours must win, and nothing else is installed."""
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes((ROOT / name).read_bytes())
    for package in (*OURS, "nianbao"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    build = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", build, str(wheels)], cwd=source, check=True, capture_output=True)
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as zipped:
        names = zipped.namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"nianbao", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}
    for package in OURS:
        assert f"nianbao/{package}/__init__.py" in names
    assert "nianbao/py.typed" in names
    assert "nianbao/crawler/registry/agencies.yaml" in names

    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zipped:
        zipped.extractall(site)
    user = tmp_path / "user"
    for package in OURS:
        (user / package).mkdir(parents=True)
        (user / package / "__init__.py").write_text("raise ImportError('the user folder was imported')\n")
    (user / "flows.py").write_text("raise ImportError('the user module was imported')\n")
    code = "import nianbao.flows.cli, nianbao.archive, nianbao.parsers; print(nianbao.archive.__file__)"
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = ['', {str(site)!r}]; {code}"],
        cwd=user, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(site))


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

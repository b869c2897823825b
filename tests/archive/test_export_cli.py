"""`nianbao catalog` and `nianbao export`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from nianbao import archive
from nianbao.archive.catalog import TABLES
from nianbao.flows.versioning import ingest
from tests.archive.reports_fixtures import capture, record

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("codebook.csv", "datapackage.json")


def _nianbao(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def _archive(path: Path) -> str:
    store = archive.connect(str(path))
    for agency, year in (("sthjj", 2023), ("sthjj", 2024), ("jyj", 2024)):
        page = capture(agency, f"https://{agency}.example.gov.cn/{year}.html", f"{year + 1}-01-21T08:09:10.123456Z")
        store.add_capture(page)
        ingest(store, agency, year, record(year=year), [(page, "page")], page.fetched_at)
    return str(path)


def test_catalog_then_export_each_format(tmp_path: Path) -> None:
    url = _archive(tmp_path / "archive")
    built = _nianbao("catalog", "--archive", url)
    assert built.returncode == 0, built.stderr
    assert "reports\t3" in built.stdout.splitlines()

    out = tmp_path / "csv"
    done = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(out), "--year", "2024")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{t}.csv" for t in TABLES), *SHIPPED])
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(reports.agency) == ["jyj", "sthjj"]
    assert reports.title.str.contains("政府信息公开工作年度报告").all()
    captures = pd.read_csv(out / "captures.csv", encoding="utf-8-sig")
    assert set(captures.fetched_at) == {"2025-01-21T08:09:10.123456Z"}

    out = tmp_path / "xlsx"
    assert (
        _nianbao("export", "--archive", url, "--format", "xlsx", "--out", str(out), "--agency", "sthjj").returncode == 0
    )
    book = openpyxl.load_workbook(out / "nianbao.xlsx")
    assert book.sheetnames == list(TABLES)
    sheet = book["cells"]
    assert sheet.max_row == 1 + 2 * 175
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == (
        "A2",
        f"A1:{sheet.cell(1, sheet.max_column).column_letter}351",
    )
    assert sheet.column_dimensions["A"].width >= len("agency")

    out = tmp_path / "parquet"
    assert _nianbao("export", "--archive", url, "--format", "parquet", "--out", str(out)).returncode == 0
    assert pq.read_table(out / "versions.parquet").num_rows == 3


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = _nianbao("export", "--archive", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "has no catalog" in result.stderr and "nianbao catalog --archive" in result.stderr


def test_help_explains_with_an_example() -> None:
    for command in ("export", "catalog"):
        result = _nianbao(command, "--help")
        assert result.returncode == 0 and "examples:" in result.stdout


def test_export_takes_several_agencies_and_year_ranges_and_refuses_an_unknown_agency(tmp_path: Path) -> None:
    url = _archive(tmp_path / "archive")
    assert _nianbao("catalog", "--archive", url).returncode == 0
    out = tmp_path / "both"
    done = _nianbao(
        "export", "--archive", url, "--format", "csv", "--out", str(out), "--agency", "sthjj", "--agency", "jyj",
        "--year", "2023-2024",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(zip(reports.agency, reports.year, strict=True)) == [("jyj", 2024), ("sthjj", 2023), ("sthjj", 2024)]
    only = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(tmp_path / "y"), "--year", "2023")
    assert only.returncode == 0, only.stderr
    assert list(pd.read_csv(tmp_path / "y" / "reports.csv", encoding="utf-8-sig").agency) == ["sthjj"]

    unknown = _nianbao("export", "--archive", url, "--format", "csv", "--out", str(tmp_path / "u"), "--agency", "nope")
    assert unknown.returncode == 2 and "nope" in unknown.stderr and "Traceback" not in unknown.stderr
    assert not (tmp_path / "u" / "reports.csv").exists()


def test_every_export_ships_the_codebook_and_a_datapackage_describing_its_files(tmp_path: Path) -> None:
    from nianbao.parsers.templates import TEMPLATES

    url = _archive(tmp_path / "archive")
    assert _nianbao("catalog", "--archive", url).returncode == 0
    out = tmp_path / "csv"
    assert _nianbao("export", "--archive", url, "--format", "csv", "--out", str(out)).returncode == 0

    codebook = pd.read_csv(out / "codebook.csv", encoding="utf-8-sig", keep_default_na=False)
    keys = {
        (table.key, row.key, column): name
        for name, template in TEMPLATES.items()
        for table in template.tables
        for row in table.rows
        for column in row.columns
    }
    assert set(zip(codebook.table, codebook.row, codebook.column, strict=True)) == set(keys)
    [granted] = codebook[(codebook.row == "granted") & (codebook.column == "total")].to_dict("records")
    assert (granted["row_label"], granted["column_label"], granted["unit"], granted["templates"]) == (
        "（一）予以公开", "总计", "件", "2019;2021",
    )  # fmt: skip
    [fees] = codebook[codebook.column == "amount_wan_yuan"].query("row == 'fees'").to_dict("records")
    assert (fees["unit"], fees["templates"]) == ("万元", "2021")

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        header = pd.read_csv(out / resource["path"], encoding="utf-8-sig", nrows=0).columns
        assert [f["name"] for f in resource["schema"]["fields"]] == list(header), resource["name"]
    assert {r["name"] for r in package["resources"]} == {*TABLES, "codebook"}


def test_no_doc_points_outside_the_repository_for_key_meanings() -> None:
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        assert "shared/spec" not in doc.read_text(encoding="utf-8"), doc.name


def test_catalog_keeps_a_registry_given_and_names_the_agencies_from_it(tmp_path: Path) -> None:
    url = _archive(tmp_path / "archive")
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "agencies:\n"
        "  - {id: sthjj, name: 某某市生态环境局, level: department, region_code: '440305', start_urls: ['https://s/']}\n"
        "  - {id: jyj, name: 某某市教育局, level: department, region_code: '440305', start_urls: ['https://j/']}\n",
        encoding="utf-8",
    )
    built = _nianbao("catalog", "--archive", url, "--registry", str(registry))
    assert built.returncode == 0, built.stderr
    reports = archive.open(url).reports().to_pylist()
    assert {(r["agency"], r["agency_name"], r["level"]) for r in reports} == {
        ("sthjj", "某某市生态环境局", "department"),
        ("jyj", "某某市教育局", "department"),
    }
    agencies = archive.open(url).table("agencies").to_pylist()
    assert {a["province"] for a in agencies} == {"广东省"}

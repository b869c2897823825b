"""The registry: valid entries load; every error names the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nianbao.crawler.agencies import load_registry
from nianbao.crawler.errors import RegistryError
from nianbao.crawler.registry import STARTER_REGISTRY

MINIMAL = {"id": "bj-czj", "name": "北京市财政局", "start_urls": ["https://czj.beijing.gov.cn/"]}


def write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_minimal_entry_loads_with_polite_defaults(tmp_path: Path) -> None:
    (agency,) = load_registry(write(tmp_path, [MINIMAL])).agencies
    assert agency.obey_robots and not agency.verified
    assert agency.hosts() == ("czj.beijing.gov.cn",)
    assert agency.allows("https://czj.beijing.gov.cn/xxgk/") and not agency.allows("https://mirror.example.com/")


def test_full_entry_loads(tmp_path: Path) -> None:
    entry = {
        **MINIMAL,
        "region_code": 110000,
        "level": "department",
        "allowed_domains": ["beijing.gov.cn"],
        "download_delay": 2,
        "concurrency": 1,
        "obey_robots": False,
        "robots_override_reason": "written permission, 2026-01",
        "hints": {"pagination": "index_{n}.html", "api": "https://czj.beijing.gov.cn/api?page={page}"},
    }
    (agency,) = load_registry(write(tmp_path, [entry])).agencies
    assert agency.region_code == "110000" and agency.download_delay == 2.0
    assert agency.allows("https://www.beijing.gov.cn/x")
    assert agency.hints.api is not None and agency.hints.api.page_url(3) == "https://czj.beijing.gov.cn/api?page=3"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_urls": "ftp://x"}, "start_urls"),
        ({"start_urls": []}, "start_urls"),
        ({"id": "北京"}, "id"),
        ({"name": None}, "name"),
        ({"level": "galaxy"}, "level"),
        ({"region_code": "11"}, "region_code"),
        ({"concurrency": 50}, "concurrency"),
        ({"download_delay": "slow"}, "download_delay"),
        ({"obey_robots": False}, "robots_override_reason"),
        ({"allowed_domains": ["example.com"]}, "allowed_domains"),
        ({"start_url": ["https://x.gov.cn/"]}, "start_url"),
        ({"parent": "nobody"}, "parent"),
        ({"hints": {"pagination": "index.html"}}, "pagination"),
        ({"hints": {"api": {"url": "https://x.gov.cn/api"}}}, "url"),
    ],
)
def test_errors_name_file_entry_and_field(tmp_path: Path, change: dict, field: str) -> None:
    path = write(tmp_path, [{"id": "ok", "name": "好", "start_urls": ["https://ok.gov.cn/"]}, {**MINIMAL, **change}])
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    message = str(error.value)
    assert str(path) in message and "agencies[1]" in message and f"field {field!r}" in message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"agencies\[1\].*duplicate id"):
        load_registry(write(tmp_path, [MINIMAL, MINIMAL]))


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "absent.yaml")
    (tmp_path / "bad.yaml").write_text("agencies: [\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not a valid YAML"):
        load_registry(tmp_path / "bad.yaml")
    (tmp_path / "list.yaml").write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="top-level 'agencies:' list"):
        load_registry(tmp_path / "list.yaml")


def test_unknown_agency_selection_is_an_error(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, [MINIMAL]))
    assert registry.select(["bj-czj"])[0].id == "bj-czj"
    with pytest.raises(RegistryError, match="no agency with id 'nope'"):
        registry.select(["nope"])


def test_starter_registry_covers_every_province_and_is_unverified() -> None:
    registry = load_registry(STARTER_REGISTRY)
    provinces = [agency for agency in registry.agencies if agency.level == "province"]
    assert len(provinces) == 31
    assert len({agency.region_code for agency in provinces}) == 31
    assert any(agency.level == "department" for agency in registry.agencies)
    assert not any(agency.verified for agency in registry.agencies)
    assert all(agency.start_urls[0].split("/")[2].endswith(".gov.cn") for agency in registry.agencies)

"""Registry YAML read strictly: a key given twice is an error naming it; an alias bomb is refused quickly."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from nianbao.crawler.agencies import load_registry
from nianbao.crawler.errors import RegistryError

ENTRY = "  - id: {id}\n    name: 局{id}\n    start_urls: [https://{id}.example.gov.cn/]\n"


def test_a_second_agencies_block_is_an_error_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text(
        "agencies:\n" + ENTRY.format(id="a") + ENTRY.format(id="b") + "agencies:\n" + ENTRY.format(id="c"),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match=r"line 8: key 'agencies' given twice \(first on line 1\)") as caught:
        load_registry(path)
    assert str(path) in str(caught.value)


def test_a_field_given_twice_in_an_entry_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text("agencies:\n" + ENTRY.format(id="a") + "    name: 又一个名字\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="key 'name' given twice"):
        load_registry(path)


def test_merge_keys_still_override(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text(
        "common: &common {download_delay: 2, concurrency: 1}\n"
        "agencies:\n" + ENTRY.format(id="a") + "    <<: *common\n    concurrency: 2\n",
        encoding="utf-8",
    )
    (agency,) = load_registry(path).agencies
    assert (agency.download_delay, agency.concurrency) == (2.0, 2)


def test_an_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nagencies: [*a9]\n", encoding="utf-8")
    assert path.stat().st_size < 600
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(RegistryError, match="aliases expand to more than") as caught:
        load_registry(path)
    assert time.perf_counter() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: under 100 MB more
    assert len(str(caught.value)) < 300


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("agencies: &x [*x]\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="contains it"):
        load_registry(path)

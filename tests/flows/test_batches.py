"""Which agencies a run covers and how they are batched; which failures are retried."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nianbao.flows.batches import family_batches
from nianbao.flows.errors import SelectionError
from nianbao.flows.selection import select


@dataclass(frozen=True)
class Entry:
    id: str
    parent: str | None = None
    region_code: str | None = None
    level: str | None = None


REGISTRY = [
    Entry("gd", None, "440000", "province"),
    Entry("gd-sthjt", "gd", "440000", "department"),
    Entry("gz", "gd", "440100", "city"),
    Entry("gz-jyj", "gz", "440100", "department"),
    Entry("zj", None, "330000", "province"),
    Entry("zj-jyt", "zj", "330000", "department"),
]


def test_a_family_stays_in_one_batch_and_batches_fill_in_registry_order():
    assert family_batches(REGISTRY, 4) == [["gd", "gd-sthjt", "gz", "gz-jyj"], ["zj", "zj-jyt"]]
    assert family_batches(REGISTRY, 2) == [["gd", "gd-sthjt", "gz", "gz-jyj"], ["zj", "zj-jyt"]]
    assert family_batches(REGISTRY, 100) == [[e.id for e in REGISTRY]]


def test_a_department_without_its_parent_selected_is_its_own_family():
    chosen = [e for e in REGISTRY if e.level == "department"]
    assert family_batches(chosen, 1) == [["gd-sthjt"], ["gz-jyj"], ["zj-jyt"]]


def test_select_by_region_prefix_and_level():
    assert [e.id for e in select(REGISTRY, regions=["4401"])] == ["gz", "gz-jyj"]
    assert [e.id for e in select(REGISTRY, regions=["44"], levels=["department"])] == ["gd-sthjt", "gz-jyj"]
    assert [e.id for e in select(REGISTRY, ids=["zj"])] == ["zj"]


def test_an_unknown_id_or_an_empty_subset_is_an_error_naming_it():
    with pytest.raises(SelectionError, match="has no agency nowhere"):
        select(REGISTRY, ids=["nowhere"], registry="registry.yaml")
    with pytest.raises(SelectionError, match=r"regions=.*'11'"):
        select(REGISTRY, regions=["11"])


def test_only_transient_failures_are_retried():
    from prefect.states import Failed

    from nianbao.archive.errors import ConflictError, StoreUnavailable
    from nianbao.crawler.errors import CrawlAborted, RegistryError
    from nianbao.flows.tasks import is_transient
    from nianbao.parsers.errors import ParseError

    def retried(exc: Exception) -> bool:
        return is_transient(None, None, Failed(data=exc))

    assert all(retried(e) for e in (StoreUnavailable("s3"), ConflictError("race"), CrawlAborted("crashed")))
    assert not any(retried(e) for e in (ParseError("bad pdf"), RegistryError("bad entry"), ValueError("bug")))


@pytest.mark.parametrize(
    ("agencies", "processes", "size"),
    [(6, 2, 50), (100, 2, 50), (200, 2, 100), (1000, 2, 125), (1000, 4, 125), (300, 2, 75), (300, 0, 100)],
)
def test_batches_are_large_but_every_crawl_process_gets_one(agencies: int, processes: int, size: int) -> None:
    from nianbao.flows.batches import batch_size

    assert batch_size(agencies, processes) == size


def test_batches_come_out_alike_in_whole_rounds_of_the_crawl_processes() -> None:
    from nianbao.flows.batches import batch_size

    # 100 families of 10 (a city and its departments), 1,000 agencies, 2 crawl processes: 8 batches
    # of 120-130 (4 whole rounds), where filling each batch up to the size left a ninth of 40.
    registry = [Entry(f"c{c}", None) for c in range(100)]
    registry += [Entry(f"c{c}-d{d}", f"c{c}") for c in range(100) for d in range(9)]
    registry.sort(key=lambda e: (e.id.split("-")[0], e.parent is not None, e.id))
    batches = family_batches(registry, batch_size(len(registry), 2))
    assert len(batches) == 8 and all(120 <= len(b) <= 130 for b in batches)
    assert sorted(a for b in batches for a in b) == sorted(e.id for e in registry)
    assert all(len({a.split("-")[0] for a in b}) * 10 == len(b) for b in batches)  # families whole

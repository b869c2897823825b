"""The two ways `runs` finds the readings of a run-together row agree: the walk over every split, and
the bounded cut of a table 3 row printed with 总计 last or first (its step count counted, not walked)."""

from __future__ import annotations

import random

import pytest

from nianbao.parsers import runs
from nianbao.parsers.runs import Pending

_ROW = (*runs._APPLICANTS, "total")
_TOTAL_FIRST = ("total", *runs._APPLICANTS)


def _digits(rng: random.Random, total_first: bool = False) -> str:
    if rng.random() < 0.5:  # a row whose total is the sum of its parts, as printed
        parts = [rng.choice([0, 0, 1, 2, 3, 7, 10, 25, 100, 1234]) for _ in range(6)]
        return "".join(map(str, [sum(parts), *parts] if total_first else [*parts, sum(parts)]))
    return "".join(rng.choice("0123456789" if rng.random() < 0.5 else "0012") for _ in range(rng.randint(1, 22)))


@pytest.mark.parametrize("columns", [_ROW, _TOTAL_FIRST], ids=["total last", "total first"])
@pytest.mark.parametrize(("budget", "most"), [(100_000, 2000), (3000, 2000), (100_000, 3), (400, 50)])
def test_the_bounded_cut_finds_the_walks_readings_in_its_order_and_spends_its_budget(
    monkeypatch, budget, most, columns
):
    monkeypatch.setattr(runs, "_MAX_SPLITS", most)
    rng = random.Random(budget + most)
    taken = 0
    for _ in range(300):
        row = Pending("applications", "granted", _digits(rng, columns[0] == "total"), columns, 1)
        walked_budget, cut_budget = [budget], [budget]
        walked = runs._searched_readings(row, walked_budget)
        cut = runs._total_readings(row, cut_budget)
        if cut is None:  # left to the walk: it would run out of budget or find too many readings
            assert walked_budget[0] < 0 or len(walked) > most
            continue
        taken += 1
        assert cut == walked
        assert cut_budget[0] == walked_budget[0] >= 0
    assert taken > 100


@pytest.mark.parametrize("budget", [100_000, 5000, 300])
def test_a_remembered_search_gives_the_searchs_readings_and_spends_its_budget(budget):
    rng = random.Random(budget)
    kinds = [
        ("applications", _ROW),
        ("applications", _TOTAL_FIRST),
        ("active_disclosure", ("issued", "repealed", "in_force")),
    ]
    rows = [
        Pending(kind, "r", _digits(rng, columns[0] == "total"), columns, 1)
        for kind, columns in kinds
        for _ in range(150)
    ]
    remembered, searched = [budget], [budget]
    for row in rows * 2:  # the second time round, every search is remembered
        expected = runs._search_within(row, searched)
        got = runs._readings(row, remembered)
        assert (remembered[0] < 0) == (searched[0] < 0)
        if searched[0] >= 0:
            assert got == expected
            assert remembered[0] == searched[0]


_REVIEW_ROW = tuple(f"{group}.{column}" for group in ("review", "suit") for column in (*runs._REVIEW_PARTS, "total"))


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        ("applications", _ROW),
        ("applications", _TOTAL_FIRST),
        ("active_disclosure", ("issued", "repealed", "in_force")),
        ("review_litigation", _REVIEW_ROW),
    ],
)
def test_a_digit_a_column_reads_as_the_walk_does_and_spends_its_budget(kind, columns):
    rng = random.Random(len(columns))
    read = 0
    for _ in range(400):
        if rng.random() < 0.5:  # a row whose totals hold, one digit a column
            digits = "".join(rng.choice("0000123") for _ in columns)
            values = dict(zip(columns, map(int, digits), strict=True))
            for total in (c for c in columns if c.endswith("total")):
                head = total.removesuffix("total")
                values[total] = sum(v for c, v in values.items() if c.startswith(head) and not c.endswith("total"))
            digits = "".join(str(values[c] % 10) for c in columns)
        else:
            digits = "".join(rng.choice("0123456789") for _ in columns)
        row = Pending(kind, "r", digits, columns, 1)
        for budget in (100_000, len(columns), len(columns) - 1, 0):
            walked_budget, each_budget = [budget], [budget]
            walked = runs._searched_readings(row, walked_budget)
            assert runs._digit_each(row, each_budget) == walked
            assert each_budget[0] == walked_budget[0]
            read += bool(walked)
    assert read > 100

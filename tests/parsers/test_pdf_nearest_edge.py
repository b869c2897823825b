"""The PDF reader's nearest-edge lookup answers as a scan of every edge would, ties included."""

from __future__ import annotations

import random

from nianbao.parsers.readers.pdf import _edge_index


def _scanned(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def test_the_nearest_edge_is_the_one_a_full_scan_finds() -> None:
    chance = random.Random(10)
    for _ in range(20_000):
        edges = sorted({round(chance.uniform(0, 600), chance.choice((0, 1, 2))) for _ in range(chance.randint(1, 9))})
        value = chance.choice(
            (
                round(chance.uniform(-20, 620), chance.choice((0, 1, 2))),
                chance.choice(edges),
                (chance.choice(edges) + chance.choice(edges)) / 2,  # halfway: a tie between two edges
            )
        )
        assert _edge_index(edges, value) == _scanned(edges, value), (edges, value)


def test_a_value_halfway_between_two_edges_takes_the_first() -> None:
    assert _edge_index([10.0, 20.0, 30.0], 15.0) == 0
    assert _edge_index([10.0, 20.0, 30.0], 25.0) == 1
    assert _edge_index([10.0], 99.0) == 0

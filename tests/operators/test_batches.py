"""The batch counter of a harvest's progress lines counts the batches a failed crawl was split into."""

from __future__ import annotations

from nianbao.flows.batches import BatchQueue


def test_a_split_batch_grows_the_count_so_no_line_reads_2_of_1() -> None:
    queue = BatchQueue([["a", "b", "c", "d"]])
    shown = []
    done = 0
    while queue:
        batch = queue.pop()
        if len(batch) > 1:  # its crawl process failed: crawled again agency by agency
            queue.split(batch)
            continue
        done += 1
        shown.append((done, queue.total))
    assert shown == [(1, 4), (2, 4), (3, 4), (4, 4)]

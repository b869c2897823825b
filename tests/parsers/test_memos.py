"""The plain dict memos: bounded, emptied when full, one at a time or many at once."""

from nianbao.parsers.memos import Memo


def test_keep_empties_a_full_memo_before_keeping() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.keep("a", 1)
    memo.keep("b", 2)
    assert memo.keep("c", 3) == 3
    assert memo == {"c": 3}


def test_keep_all_keeps_every_pair_while_they_fit() -> None:
    memo: Memo[str, int] = Memo(4)
    memo.keep("a", 1)
    memo.keep_all(["b", "c"], [2, 3])
    assert memo == {"a": 1, "b": 2, "c": 3}


def test_keep_all_empties_the_memo_when_the_pairs_would_overflow_it() -> None:
    memo: Memo[str, int] = Memo(4)
    memo.keep_all(["a", "b", "c"], [1, 2, 3])
    memo.keep_all(["d", "e"], [4, 5])
    assert memo == {"d": 4, "e": 5}

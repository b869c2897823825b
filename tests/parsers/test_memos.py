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


def test_template_detection_keeps_no_documents_whole_text() -> None:
    """A report with no tables is detected from its whole text; a memo keyed by that text would keep
    every such report's text for as long as a harvest runs."""
    from nianbao.parsers.detection import LEGACY, detect_template
    from nianbao.parsers.labels import label_key
    from nianbao.parsers.readers import read

    prose = "\n".join(f"第{i}段：本机关依法公开政府信息{i}条，受理申请{i * 3}件。" for i in range(40))
    document = read("text", f"某县人民政府2013年政府信息公开工作年度报告\n{prose}\n".encode())
    assert detect_template(document) == LEGACY
    hits = label_key.cache_info().hits
    label_key(document.text())
    assert label_key.cache_info().hits == hits  # not found remembered: a miss

import random

from nianbao.parsers.checks import check_record
from nianbao.parsers.record import Section
from nianbao.parsers.templates import APPLICANT_COLUMNS, TEMPLATES

COLUMNS = [c.key for c in APPLICANT_COLUMNS]


def _applications(template="2019", fill=None):
    table = {r.key: dict.fromkeys(COLUMNS) for r in TEMPLATES[template].table("applications").rows}
    for (row, column), value in (fill or {}).items():
        table[row][column] = value
    return table


def _by_scope(checks, rule):
    return {c.scope: c for c in checks if c.rule == rule}


def test_r3_fails_when_printed_total_disagrees_and_keeps_the_numbers():
    table = _applications(fill={("granted", "natural_person"): 20, ("other_handling", "natural_person"): 6})
    table["total_processed"]["natural_person"] = 20
    r3 = _by_scope(check_record("2019", {"applications": table}, ()), "R3")
    assert r3["applications.natural_person"].passed is False
    assert "total_processed 20" in r3["applications.natural_person"].detail
    assert "= 26" in r3["applications.natural_person"].detail
    assert table["total_processed"]["natural_person"] == 20


def test_blank_total_or_all_blank_addends_are_not_applicable():
    table = _applications(fill={("granted", "natural_person"): 3, ("total_processed", "total"): 3})
    checks = check_record("2019", {"applications": table}, ())
    r2 = _by_scope(checks, "R2")
    assert r2["applications.granted"].passed is None  # total blank
    assert r2["applications.total_processed"].passed is None  # every applicant column blank
    r3 = _by_scope(checks, "R3")
    assert r3["applications.total"].passed is None  # every result row blank in the total column
    assert r3["applications.natural_person"].passed is None  # total_processed blank


def test_r1_is_not_applicable_when_either_side_is_all_blank():
    fill = {
        ("new_received", "natural_person"): 4,  # left side printed, right side (processed, forward) blank
        ("total_processed", "commercial_enterprise"): 2,  # right side printed, left side blank
        ("carried_over", "total"): 1,  # both sides printed, disagreeing: a finding
        ("carried_forward", "total"): 3,
    }
    r1 = _by_scope(check_record("2019", {"applications": _applications(fill=fill)}, ()), "R1")
    assert r1["applications.natural_person"].passed is None
    assert r1["applications.commercial_enterprise"].passed is None
    assert r1["applications.total"].passed is False
    assert r1["applications.other_org"].passed is None  # all four cells blank


def test_r1_and_r2_pass_with_blanks_counted_as_zero():
    fill = {
        ("new_received", "natural_person"): 5,
        ("new_received", "total"): 5,
        ("carried_over", "natural_person"): None,
        ("total_processed", "natural_person"): 4,
        ("carried_forward", "natural_person"): 1,
    }
    checks = check_record("2019", {"applications": _applications(fill=fill)}, ())
    assert _by_scope(checks, "R1")["applications.natural_person"].passed is True
    assert _by_scope(checks, "R2")["applications.new_received"].passed is True


def test_r4_per_group():
    review = {
        "review": {"upheld": 1, "corrected": 1, "other": None, "pending": 0, "total": 3},
        "litigation_direct": {"upheld": 1, "corrected": None, "other": None, "pending": None, "total": 1},
        "litigation_after_review": dict.fromkeys(("upheld", "corrected", "other", "pending", "total")),
    }
    r4 = _by_scope(check_record("2021", {"review_litigation": review}, ()), "R4")
    assert r4["review_litigation.review"].passed is False
    assert r4["review_litigation.litigation_direct"].passed is True
    assert r4["review_litigation.litigation_after_review"].passed is None


def test_r7_ties_prose_figures_to_cells():
    table = _applications(template="2021", fill={("new_received", "total"): 40})
    sections = (Section("一、总体情况", "全年共收到政府信息公开申请41件，行政复议2件。"),)
    review = {"review": {"upheld": 2, "corrected": 0, "other": 0, "pending": 0, "total": 2}}
    r7 = _by_scope(check_record("2021", {"applications": table, "review_litigation": review}, sections), "R7")
    assert r7["applications.new_received.total"].passed is False
    assert "41" in r7["applications.new_received.total"].detail
    assert r7["review_litigation.review.total"].passed is True


def test_missing_rows_make_rules_not_applicable():
    table = {"new_received": dict.fromkeys(COLUMNS, 1)}
    checks = check_record("2021", {"applications": table}, ())
    assert all(c.passed is None for c in checks if c.rule in ("R1", "R3"))


def test_an_anchored_quote_search_finds_what_the_patterns_own_search_finds():
    from nianbao.parsers import checks

    slots = [
        ["", "部门", "其他", "复议", "上", "，"],
        ["新收", "收到", "受理", "接收", "答复", "办结", "公开", "制发", "发布", "制定", "上年", "行政", "", "申"],
        ["", "各类", "了", "的", "政府", "结转"],
        ["", "政府信息公开", "信息公开", "依申请公开", "行政"],
        ["申请", "诉讼", "规章", "规范性文件", "行政复议", "案件", "请"],
        ["", "案件", "共计", "共", "总计", "合计", "累计", "申请"],
        ["", " "],
        ["1", "23", "", "0"],
        ["", " "],
        ["件", "起", "宗", "个"],
    ]
    patterns = [pattern for pattern, _ in checks._QUOTES] + [checks._RULES_QUOTE, checks._NORMATIVE_QUOTE]
    rng = random.Random(12)
    found = 0
    for _ in range(5000):
        text = "".join(rng.choice(slot) for _ in range(rng.randint(1, 3)) for slot in slots if rng.random() < 0.9)
        for pattern in patterns:
            expected, got = pattern.search(text), checks._search(pattern, text)
            assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups())), text
            found += expected is not None
    assert found > 1000

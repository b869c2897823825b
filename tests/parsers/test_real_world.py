"""Label normalisation and scoring, run-together splitting, phantom columns, hybrid checks, provenance."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.parsers import parse
from nianbao.parsers.checks import check_record
from nianbao.parsers.grids import realign
from nianbao.parsers.labels import NOTE_ADDED, QUALIFIER_MISSING, TYPO, label_key, match_row
from nianbao.parsers.runs import Pending, resolve_runs
from nianbao.parsers.templates import TEMPLATES

FIXTURES = Path(__file__).parent / "fixtures"
ACTIVE_2021 = tuple(r.labels for r in TEMPLATES["2021"].table("active_disclosure").rows)


def test_label_key_reads_traditional_and_taiwan_phrasing_as_the_template_wording():
    assert label_key("行政強製") == "行政强制"
    assert label_key("規範性檔案") == "规范性文件"
    assert label_key("（一）予以公開") == "(一)予以公开"


def test_every_template_label_is_its_own_normal_form_under_conversion():
    for template in TEMPLATES.values():
        for table in template.tables:
            for row in table.rows:
                for label in row.labels:
                    assert match_row((label,), tuple(r.labels for r in table.rows)).index is not None, label


def test_tolerant_matches_carry_falling_scores():
    rules = match_row(("规章(县级无此项)",), ACTIVE_2021)
    assert (rules.index, rules.score) == (0, NOTE_ADDED)
    typo = match_row(("行政强治",), ACTIVE_2021)
    assert (typo.index, typo.score) == (4, TYPO)
    rows = (("行政规范性文件",), ("行政许可",))
    assert match_row(("规范性文件",), rows).score == QUALIFIER_MISSING


def test_a_label_one_typo_from_two_rows_is_a_tie_never_a_guess():
    rows = (("甲乙丙丁",), ("甲乙丙戊",))
    match = match_row(("甲乙丙己",), rows)
    assert match.index is None and match.tied == (0, 1)


def _pending(row, digits, kind="applications"):
    columns = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
               "legal_service_org", "other_org", "total")  # fmt: skip
    return Pending(kind, row, digits, columns, 1)


def test_run_together_digits_split_only_when_one_reading_fits():
    unique = resolve_runs([_pending("granted", "0000000")], {})
    assert unique[0].values == (0, 0, 0, 0, 0, 0, 0)
    # 1|0|2|0|1|1|5 and 10|2|0|1|1|0|14 … both satisfy R2: more than one reading, no value invented.
    ambiguous = resolve_runs([_pending("granted", "102011014")], {})
    assert ambiguous[0].values is None and "readings fit" in ambiguous[0].message


def test_table_two_digits_without_a_rule_stay_blank_unless_only_one_split_exists():
    columns = ("issued", "repealed", "in_force")
    out = resolve_runs(
        [
            Pending("active_disclosure", "rules", "000", columns, 1),
            Pending("active_disclosure", "x", "693665", columns, 1),
        ],
        {},
    )
    assert out[0].values == (0, 0, 0)
    assert out[1].values is None


def test_realign_drops_the_phantom_column_a_data_span_adds():
    header = ("label", "自然人", "商业企业", "总计", "")
    data = ("新收", "5", "5", "1", "6")  # the first value spans two grid columns
    rows, columns, note = realign((header, data))
    assert rows == (("label", "自然人", "商业企业", "总计"), ("新收", "5", "1", "6"))
    assert columns[1] == (0, 1, 3, 4) and note


def test_realign_finds_the_phantom_among_columns_of_zeros_by_the_count_it_copies():
    header = ("label", "自然人", "商业企业", "科研机构", "总计", "")
    data = (("新收", "5", "5", "0", "0", "5"), ("结转", "2", "2", "0", "0", "2"))
    rows, columns, note = realign((header, *data))
    assert rows[1:] == (("新收", "5", "0", "0", "5"), ("结转", "2", "0", "0", "2"))
    assert columns[1] == (0, 1, 3, 4, 5) and note


def test_realign_leaves_two_columns_copying_counts_alone():
    header = ("label", "自然人", "商业企业", "总计", "")
    data = ("新收", "5", "5", "3", "3")  # 5 5 or 3 3: either could be the phantom's span
    assert realign((header, data))[2] is None


def test_realign_leaves_an_aligned_grid_alone():
    rows = (("label", "a", "b"), ("x", "1", "2"))
    assert realign(rows) == (rows, ((0, 1, 2), (0, 1, 2)), None)


def test_realign_leaves_ragged_header_rows_alone():
    """A text rendering that printed each merged cell once: its header rows end at different columns and
    stand over no data column; the zeros the data row repeats are counts, not span copies."""
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    header = (("行政复议", "行政诉讼"), (*labels, "未经复议直接起诉", "复议后起诉"), labels * 2)
    data = ("1", "0", "0", "0", "1", *("0",) * 10)
    rows = (*(row + ("",) * (15 - len(row)) for row in header), data)  # padded as the reader pads
    assert realign(rows) == (rows, tuple(tuple(range(15)) for _ in rows), None)


def test_hybrid_table_is_checked_with_the_rows_it_has():
    golden = json.loads((FIXTURES / "hybrid-2021.expected.json").read_text(encoding="utf-8"))
    checks = check_record("2021", {"applications": golden["applications"]}, ())
    r3 = [c for c in checks if c.rule == "R3"]
    assert r3 and all(c.passed is True for c in r3)
    broken = {k: dict(v) for k, v in golden["applications"].items()}
    broken["other_handling"]["total"] += 1
    assert any(c.passed is False for c in check_record("2021", {"applications": broken}, ()) if c.rule == "R3")


def test_hybrid_record_names_the_absent_rows():
    record = parse((FIXTURES / "hybrid-2021.txt").read_bytes(), filename="hybrid-2021.txt")
    message = next(w.message for w in record.warnings if w.code == "hybrid_rows")
    assert "other_overdue_correction" in message and "other_misc" in message
    assert "other_misc" not in record.applications


def test_every_value_has_provenance_pointing_at_its_cell():
    data = (FIXTURES / "phantom-column.html").read_bytes()
    record = parse(data, filename="phantom-column.html")
    values = {(t, r, c) for t, table in record.tables().items() for r, cols in (table or {}).items() for c in cols}
    where = {(p.table, p.row, p.column): p for p in record.provenance}
    assert set(where) == values
    total = where[("applications", "new_received", "total")]
    assert (total.method, total.source_table, total.source_column) == ("grid", 1, 10)


def test_split_cells_are_marked_inferred_and_text_cells_text():
    record = parse((FIXTURES / "run-together.txt").read_bytes(), filename="run-together.txt")
    methods = {(p.table, p.row, p.column): p.method for p in record.provenance}
    assert methods[("applications", "granted", "total")] == "inferred"
    assert methods[("active_disclosure", "fees", "amount_wan_yuan")] == "text"
    assert ("active_disclosure", "normative_documents", "issued") not in methods


def test_an_xml_declaration_names_the_charset_and_gbk_reads_as_gb18030():
    from nianbao.parsers.charsets import decode

    page = '<?xml version="1.0" encoding="gbk"?><html><body><p>行政规范性文件 䶮</p></body></html>'.encode("gb18030")
    text, warning = decode(page)
    assert "行政规范性文件 䶮" in text and warning is None


def test_hostile_run_together_digits_cost_bounded_time_and_read_nothing():
    import time

    columns = tuple(f"{g}.{c}" for g in ("review", "litigation_direct", "litigation_after_review")
                    for c in ("upheld", "corrected", "other", "pending", "total"))  # fmt: skip
    rows = [Pending("review_litigation", "", "9" * 60, columns, 0)] + [_pending(f"r{i}", "9" * 40) for i in range(30)]
    start = time.monotonic()
    outcomes = resolve_runs(rows, {})
    assert time.monotonic() - start < 20
    assert all(o.values is None for o in outcomes)


def test_a_run_together_row_printed_twice_is_read_once():
    text = "\n".join(
        ["某局2023年政府信息公开工作年度报告", "信息内容本年制发件数", "三、收到和处理政府信息公开申请情况",
         "自然人法人或其他组织总计", "商业企业科研机构社会公益组织法律服务机构其他"]
        + ["三、本年度办理结果（一）予以公开0000000"] * 3
    )  # fmt: skip
    record = parse(text.encode(), filename="t.txt")
    assert "duplicate_row" in {w.code for w in record.warnings}
    assert record.applications["granted"] == dict.fromkeys(record.applications["granted"], 0)
    assert sum(p.row == "granted" for p in record.provenance) == 7


def test_run_together_tables_3_and_4_printed_total_first_read_as_printed_total_last():
    first = parse((FIXTURES / "run-together-total-first.txt").read_bytes(), filename="run-together-total-first.txt")
    last = parse((FIXTURES / "run-together.txt").read_bytes(), filename="run-together.txt")
    assert (first.applications, first.review_litigation) == (last.applications, last.review_litigation)
    assert list(first.applications["new_received"]) == list(last.applications["new_received"])  # template order
    assert list(first.review_litigation["review"]) == list(last.review_litigation["review"])
    assert {p.method for p in first.provenance if p.table != "active_disclosure"} == {"inferred"}
    assert not [c for c in first.checks if c.passed is False]


def test_a_total_header_cell_of_its_own_leaves_run_together_values_in_the_template_order():
    # 3100004 reads 3|1|0|0|0|0|4 with 总计 last; printed first, no split of it would add up.
    text = "\n".join(
        ["某局2023年政府信息公开工作年度报告", "信息内容本年制发件数", "三、收到和处理政府信息公开申请情况",
         "总计", "自然人法人或其他组织", "商业企业科研机构社会公益组织法律服务机构其他",
         "三、本年度办理结果（一）予以公开3100004", "（二）部分公开1200003", "（三）不予公开1.属于国家秘密0000000"]
    )  # fmt: skip
    record = parse(text.encode(), filename="t.txt")
    granted = record.applications["granted"]
    assert (granted["natural_person"], granted["commercial_enterprise"], granted["total"]) == (3, 1, 4)

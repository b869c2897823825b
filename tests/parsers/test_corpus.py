"""Golden tests on the real reports in ../shared/corpus: every key of each expected.json, cell for cell."""

from __future__ import annotations

import json
import re

import pytest

from nianbao.parsers import parse

pytestmark = pytest.mark.corpus

GOLDEN = ("shanghai-bgt-2019.html", "henan-sthjt-2019.txt", "pingtan-2013.txt")


def _record(corpus_dir, name):
    return parse((corpus_dir / name).read_bytes(), filename=name).to_dict()


@pytest.mark.parametrize("name", GOLDEN)
def test_corpus_document_reproduces_its_expected_json(corpus_dir, name):
    expected = json.loads((corpus_dir / name).with_suffix(".expected.json").read_text(encoding="utf-8"))
    record = _record(corpus_dir, name)
    for key, value in expected.items():
        assert record[key] == value, key


def test_shanghai_blank_totals_make_r3_not_applicable_for_the_total_column(corpus_dir):
    checks = {(c["rule"], c["scope"]): c for c in _record(corpus_dir, "shanghai-bgt-2019.html")["checks"]}
    assert checks[("R3", "applications.total")]["passed"] is None
    assert checks[("R1", "applications.total")]["passed"] is True
    assert "859" in checks[("R1", "applications.total")]["detail"]
    assert not [c for c in checks.values() if c["passed"] is False]


def test_shanghai_prose_figures_tie_to_the_tables(corpus_dir):
    r7 = {c["scope"]: c for c in _record(corpus_dir, "shanghai-bgt-2019.html")["checks"] if c["rule"] == "R7"}
    assert r7["applications.new_received.total"]["passed"] is True
    assert r7["active_disclosure.rules.new_published"]["passed"] is True
    assert r7["review_litigation.review.total"]["passed"] is True


def test_shanghai_identity_and_sections(corpus_dir):
    record = _record(corpus_dir, "shanghai-bgt-2019.html")
    assert record["publish_date"] == "2020-01-31"
    assert record["title"] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    headings = [s["heading"] for s in record["sections"] if s["heading"]]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert record["warnings"] == []


def test_henan_tab_tables_pass_every_applicable_rule(corpus_dir):
    record = _record(corpus_dir, "henan-sthjt-2019.txt")
    assert [c for c in record["checks"] if c["passed"] is False] == []
    assert sum(c["passed"] is True for c in record["checks"]) >= 40
    assert record["sections"][-1] == {"heading": "六、其他需要报告的事项", "text": "暂无其他需要说明的事项"}


def test_pingtan_2013_is_legacy_with_its_glued_sections(corpus_dir):
    record = _record(corpus_dir, "pingtan-2013.txt")
    assert [s["heading"] for s in record["sections"]] == [
        "",
        "一、概述",
        "二、主动公开政府信息情况",
        "三、政府信息依申请公开工作情况",
        "四、政府信息公开工作存在的主要问题及改进情况",
    ]
    assert record["sections"][3]["text"].startswith("2013年全县共收到有关政府信息公开的申请7条")
    assert record["publish_date"] == "2014-01-22"
    assert record["active_disclosure"] is None and record["applications"] is None
    codes = {w["code"] for w in record["warnings"]}
    assert {"legacy_template", "cells_run_together"} <= codes


def test_pingtan_2024_fragment_gives_what_the_source_holds(corpus_dir):
    record = _record(corpus_dir, "pingtan-2024-fragment.html")
    assert record["template"] == "2021"
    assert record["active_disclosure"] == {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 62, "repealed": 33, "in_force": 440},
        "licensing": {"decisions": 4529},
        "penalties": {"decisions": 1100},
        "coercion": {"decisions": 65},
        "fees": {"amount_wan_yuan": 18651.06},
    }
    applications = record["applications"]
    assert list(applications)[:3] == ["new_received", "carried_over", "granted"]
    assert applications["new_received"] == {
        "natural_person": 217,
        "commercial_enterprise": 1,
        "research_institution": 0,
        "social_welfare_org": 0,
        "legal_service_org": 0,
        "other_org": 0,
        "total": 218,
    }
    assert applications["carried_over"] == dict.fromkeys(applications["carried_over"], 0)
    assert applications["granted"] == {"natural_person": 71}  # the page ends after that cell: the rest is absent
    assert record["review_litigation"] is None
    codes = [w["code"] for w in record["warnings"]]
    assert {"truncated", "row_missing", "table_missing", "year_missing", "agency_missing"} <= set(codes)
    assert record["agency"] is None and record["year"] is None


def test_word_span_soup_around_every_character_changes_nothing(corpus_dir):
    """Word-pasted pages wrap each run (often each character) in mso spans: the record must not change."""
    source = (corpus_dir / "shanghai-bgt-2019.html").read_text(encoding="utf-8")

    def soup(match):
        pieces = re.findall(r"&\w+;|.", match.group(1), re.S)
        return ">" + "".join(f'<span style="mso-bidi-font-family:宋体">{p}</span>' for p in pieces) + "<o:p></o:p><"

    bloated = re.sub(r">([^<]+)<", soup, source).encode()
    assert len(bloated) > 5 * len(source.encode())
    plain = parse(source.encode(), filename="a.html").to_dict()
    assert parse(bloated, filename="a.html").to_dict() == plain

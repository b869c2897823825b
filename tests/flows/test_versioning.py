"""What counts as a change of content (pure decisions, no storage)."""

from __future__ import annotations

import dataclasses

from nianbao.flows.furniture import normalise_text
from nianbao.flows.versioning import content_hash, diff
from tests.archive.reports_fixtures import TEXT, record


def test_furniture_and_layout_do_not_change_content() -> None:
    base = record()
    cosmetic = dataclasses.replace(
        record(text="【字体：大 中 小】\n" + TEXT.replace("\n", "\n\n  ") + "\n发布时间：2025-01-20 浏览次数：991\n"),
        rendering="pdf",
        metadata={"索引号": "000-2025-0001", "发布机构": "某某市生态环境局", "访问量": "991"},
    )
    assert content_hash(base) == content_hash(cosmetic)
    assert diff(base, cosmetic) == []


def test_blank_and_zero_are_different_values() -> None:
    changes = diff(record(), record(carried_over__total=None, granted__total=0))
    assert changes == [
        {"path": "applications.carried_over.total", "old": 1, "new": None, "kind": "cell"},
        {"path": "applications.granted.total", "old": 1, "new": 0, "kind": "cell"},
    ]


def test_text_and_metadata_changes_are_reported_by_field() -> None:
    before = record()
    after = record(
        text=TEXT.replace("1234条", "1235条"), metadata={"索引号": "000-2025-0002", "发布机构": "某某市生态环境局"}
    )
    changes = diff(before, after)
    assert [c["path"] for c in changes] == ["metadata.索引号", "sections.一、总体情况"]
    assert changes[1]["new"] == normalise_text(TEXT.replace("1234条", "1235条"))


def test_view_counter_inside_report_text_is_furniture_but_visits_in_prose_are_content() -> None:
    assert normalise_text("全年网站访问量56万人次 浏览次数：12") == "全年网站访问量56万人次"


def test_table_appearing_is_a_change() -> None:
    changes = diff(dataclasses.replace(record(), applications=None), record())
    assert changes[0] == {"path": "applications", "old": None, "new": "present", "kind": "field"}
    assert len(changes) == 1 + sum(len(cols) for cols in record().applications.values())

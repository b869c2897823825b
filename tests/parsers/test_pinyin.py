"""A mirror site's pinyin after characters (報(bào)告) is dropped before reading; a report's own
parentheses are kept."""

from __future__ import annotations

import pytest

from nianbao.parsers import parse
from nianbao.parsers.pinyin import drop_pinyin


@pytest.mark.parametrize(
    ("printed", "read", "count"),
    [
        ("年度報(bào)告", "年度報告", 1),
        ("行政復(fù)議（yì）總（zǒng）計", "行政復議總計", 3),  # full-width parentheses too
        ("綠(lǜ)化", "綠化", 1),  # ü with its tone mark
    ],
)
def test_annotations_after_han_characters_are_dropped(printed: str, read: str, count: int) -> None:
    assert drop_pinyin(printed) == (read, count)


@pytest.mark.parametrize(
    "text",
    [
        "(一)予以公开",  # an ordinal mark
        "规章(县级无此项)",  # a note
        "附件(PDF)",  # an abbreviation
        "下载(word版)",  # Latin letters without a tone mark
        "收到申请(2021年)",
        "第2(bào)项",  # not after a Han character
        "报(bào",  # never closed
        "报(zhuàngzhuàng)告",  # longer than a syllable
    ],
)
def test_a_reports_own_parentheses_are_kept(text: str) -> None:
    assert drop_pinyin(text) == (text, 0)


def test_a_text_with_no_annotation_is_returned_as_it_is() -> None:
    text = "一、总体情况（一）主动公开"
    assert drop_pinyin(text)[0] is text


def test_an_annotated_html_page_reads_as_the_page_without_the_annotations() -> None:
    page = "<html><head><title>東區2023年政府資訊公開工作年度報告</title></head><body><p>{}</p></body></html>"
    plain = parse(page.format("一、總體情況").encode(), filename="plain.html")
    annotated = parse(page.replace("報告", "報(bào)告").format("一、總(zǒng)體情況").encode(), filename="mirror.html")
    assert (annotated.title, annotated.year, annotated.sections) == (plain.title, plain.year, plain.sections)
    assert sorted(w.code for w in annotated.warnings) == sorted([*(w.code for w in plain.warnings), "pinyin_dropped"])


def test_a_run_together_table_under_annotations_is_told_as_one() -> None:
    # The legacy header 指标名称计量单位 with pinyin between its characters: read without the annotations,
    # it is the run-together table it is, kept as text with its warning.
    text = "某县2012年政府信息公开工作年度报告\n指(zhǐ)标(biāo)名称计量单位数量\n主动公开政府信息条1234\n"
    codes = {w.code for w in parse(text.encode(), filename="mirror.txt").warnings}
    assert {"pinyin_dropped", "cells_run_together"} <= codes

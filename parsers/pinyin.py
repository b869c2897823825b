"""Pinyin that a mirror site wrote after the characters it rewrote: 年度報(bào)告, 申請(qǐng), 總(zǒng)計.

Some mirror sites of government portals convert a page to Traditional characters and put the pinyin
of many converted characters after them, in parentheses. Labels, titles and headings then match
nothing (年度報(bào)告 is no 年度報告, 行政復(fù)議 no 行政复议): a report of the 2012 legacy kind loses its
title, year and issuing body, a 2021 report most of its tables. Such an annotation is a syllable in
lower-case Latin letters carrying a tone mark, in parentheses right after a Han character. A report's
own parentheses never hold one (they hold Chinese notes, numbers, ordinal marks, an English word
or abbreviation without tone marks), so the annotations are dropped from the text before it is read,
and the reading says how many were.
"""

from __future__ import annotations

import re

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = f"[a-zü]{{0,5}}[{_TONED}][a-zü]{{0,5}}"
# One pattern per kind of parenthesis, each led by its literal: a search led by a character class or a
# look-behind tries the pattern at every character of the page; a literal is skipped to.
_ANNOTATIONS = (
    re.compile(rf"\((?<=[{_HAN}]\(){_SYLLABLE}\)"),
    re.compile(rf"（(?<=[{_HAN}]（){_SYLLABLE}）"),
)


def drop_pinyin(text: str) -> tuple[str, int]:
    """The text without the pinyin annotations after its Han characters, and how many there were."""
    dropped = 0
    for pattern in _ANNOTATIONS:
        if pattern.search(text):  # the usual text has none: nothing is copied
            text, count = pattern.subn("", text)
            dropped += count
    return text, dropped


def pinyin_warning(count: int) -> tuple[str, str]:
    """The warning a reading that dropped `count` annotations carries."""
    return (
        "pinyin_dropped",
        f"{count} pinyin annotations after characters (a mirror site's rewriting: 報(bào)告) dropped before reading",
    )

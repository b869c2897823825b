"""The report's numbered sections (一、总体情况 … 六、其他需要报告的事项), from its running text.

Headings come on their own line, glued to the text before or after them (`…培训。二、主动公开政府信息情况（一）…`),
or not at all. A heading is a Chinese numeral, 、, and a short title ending the way section titles
end (情况, 概述, 措施, 事项 …); numerals must increase, which keeps `一是`/`第一、` and sub-lists out.
"""

from __future__ import annotations

import re

from nianbao.parsers.record import Section

_NUMERALS = "一二三四五六七八九十"
_NUMBERS = {numeral: i + 1 for i, numeral in enumerate(_NUMERALS)}
# The numeral first and the character before it checked after: a search led by the numerals skips the
# text fast, one led by a look-behind tries every position.
_HEADING = re.compile(rf"([{_NUMERALS}])(?<![第\d{_NUMERALS}].)\s*[、.．]\s*")
# A title: the shortest run of characters other than stops (a line break, 。；: or an opening bracket)
# that ends with a title ending, the ending nearest the start (the leftmost match a search would give);
# the endings in Traditional characters too (a mirror site's copy: 二、主動公開政府資訊情況).
_TITLE = re.compile(r"[^\n。；;：:（(]*?(?:概述|概况|概況|总体情况|情况|情況|措施|事项|事項|说明|說明)")
_MAX_HEADING = 40
_TOC_GAP = 3  # characters between two headings of a table of contents (a newline, a space)


def find_sections(text: str) -> tuple[Section, ...]:
    """Sections in order; text before the first heading, if any, is a section with an empty heading.

    A table of contents (three or more headings in a row with nothing between them, from 一) is
    preamble: the headings are searched again after it.
    """
    found = _headings(text, 0)
    toc = 0
    while toc < len(found) - 1 and found[toc + 1][0] - found[toc][1] <= _TOC_GAP:
        toc += 1
    if toc >= 2 and found[0][2].startswith("一"):
        found = _headings(text, found[toc][1]) or found
    sections = []
    preamble = text[: found[0][0]].strip() if found else text.strip()
    if preamble:
        sections.append(Section("", preamble))
    for i, (_, start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        sections.append(Section(heading, text[start:end].strip()))
    return tuple(sections)


def _headings(text: str, position: int) -> list[tuple[int, int, str]]:
    """(heading start, text start, heading) of each section heading at or after `position`."""
    found: list[tuple[int, int, str]] = []
    last = 0
    for match in _HEADING.finditer(text):
        if match.start() < position:
            continue
        numeral = match.group(1)
        number = _NUMBERS[numeral]
        if number <= last or number > last + 3:
            continue
        end = match.end()
        # The title: up to the first title ending, before any stop and within `_MAX_HEADING` characters
        # (one match, bounded by endpos, not a slice searched twice).
        title = _TITLE.match(text, end, end + _MAX_HEADING)
        if title is None:
            continue
        position = title.end()
        found.append((match.start(), position, f"{numeral}、{title.group().strip()}"))
        last = number
    return found

"""What one table cell holds: blank, a number (with its unit, if printed), or text.

Blank (empty, &nbsp;, -, —) means "not reported" and is kept distinct from 0. Digits and signs are
NFKC-normalised so full-width ０-９ and －8 read like 0-9 and -8.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from nianbao.parsers.widths import char_map, nfkc

_BLANKS = frozenset({"", "-", "--", "---", "—", "——", "–", "/", "\\", "_", "__", "___"})
_NUMBER = re.compile(r"^([+-]?)(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(万元|元|万|件|条|个|项|次|人次|起|宗)?$")
_CHANGE_WORDS = {"减": "-", "增": "+"}
_SIGNS = char_map({"−": "-", "–": "-", "—": "-", "﹣": "-", "＋": "+"})
_SPACE = re.compile(r"\s+")


class Cell(NamedTuple):
    """A cell's reading; a named tuple, not a frozen dataclass: a report's new figures each make one,
    and a frozen dataclass costs several times as much to build."""

    kind: str  # "blank" | "number" | "text"
    number: Decimal | None = None
    unit: str | None = None


BLANK = Cell("blank")
TEXT = Cell("text")


@lru_cache(maxsize=65536)
def read_cell(text: str) -> Cell:
    if text.isascii() and text.isdecimal():  # a plain count, most new cells: nothing to normalise or match
        return Cell("number", Decimal(text))
    compact = _SPACE.sub("", _SIGNS(nfkc(text)))
    if compact in _BLANKS:
        return BLANK
    if compact[:1] in _CHANGE_WORDS and compact[1:2].isdigit():  # 本年增/减 printed as 减4 / 增2
        compact = _CHANGE_WORDS[compact[0]] + compact[1:]
    match = _NUMBER.match(compact)
    if not match:
        return TEXT
    sign, digits, unit = match.groups()
    try:
        number = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return TEXT
    return Cell("number", -number if sign == "-" else number, unit)


# Asked of every cell by the readers and the mapping, often several times: remembered per text.
@lru_cache(maxsize=65536)
def is_value(text: str) -> bool:
    """A number or a blank: what a data cell may hold."""
    return read_cell(text).kind != "text"


@lru_cache(maxsize=65536)
def is_number(text: str) -> bool:
    return read_cell(text).kind == "number"

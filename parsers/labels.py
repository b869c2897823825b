"""Tolerant label matching: the printed label of a row or column against the template's wording.

Real labels differ from the template in width (（一） vs (一)), punctuation (1. vs 1、), quotes, spaces and
line breaks inside words (本年新<br>制作数量), and sometimes drop their enumeration prefix. `label_key`
removes those differences; `core` also drops the prefix.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLATE = str.maketrans(
    {
        "、": ".",
        "．": ".",
        "。": ".",
        "〔": "(",
        "〕": ")",
        "【": "(",
        "】": ")",
        "〈": "<",
        "〉": ">",
        "−": "-",
        "–": "-",
        "—": "-",
        "“": None,
        "”": None,
        "‘": None,
        "’": None,
        '"': None,
        "'": None,
        "「": None,
        "」": None,
        "\u200b": None,
        "\ufeff": None,
    }
)
_SPACE = re.compile(r"\s+")
_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十\d]+\)|\d+\.|[一二三四五六七八九十]+(?=\())+"
)
_SHORT = 4  # labels shorter than this must match a cell exactly (其他, 总计, 自然人), never by containment


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """The comparable form of a label: NFKC, unified punctuation, no quotes, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_TRANSLATE))


@lru_cache(maxsize=65536)
def core(key: str) -> str:
    """A label key without its enumeration prefix: 三(一)予以公开 -> 予以公开."""
    return _PREFIX.sub("", key)


@lru_cache(maxsize=65536)
def is_header(cell: str, labels: tuple[str, ...]) -> bool:
    """Whether a header cell names a column: exact (after normalising) or, for long labels, containing it.

    Containment lets `本年增/减(…减用负值表示，如-8)` and `采购总金额（单位：万元，保留4位小数）` match.
    """
    key = label_key(cell)
    if not key:
        return False
    for label in labels:
        wanted = label_key(label)
        if key == wanted or (len(wanted) >= _SHORT and (core(key) == wanted or wanted in key)):
            return True
    return False


@lru_cache(maxsize=65536)
def names_row(label_cells: tuple[str, ...], labels: tuple[str, ...]) -> bool:
    """Whether the label cells of a table row (outermost first) name a template row.

    The innermost cell is tried alone, then joined with its parents (labels split over cells), each
    with and without enumeration prefixes.
    """
    keys = [label_key(c) for c in label_cells if label_key(c)]
    if not keys:
        return False
    candidates = {"".join(keys[i:]) for i in range(len(keys))}
    for label in labels:
        wanted = label_key(label)
        wanted_core = core(wanted)
        for candidate in candidates:
            if candidate == wanted or (wanted_core and core(candidate) == wanted_core):
                return True
    return False

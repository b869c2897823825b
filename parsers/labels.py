"""Label normalisation and matching: the printed label of a row or column against the template's wording.

One normal form for every reader (`label_key`): NFKC (full-width letters, digits and brackets become
half-width), Traditional characters (and Taiwan-style words a mirror site converted to, 檔案 for 文件)
back to Simplified with OpenCC, one punctuation per role (1、 1． 1. → 1.; 〔〕【】 → ()), quotes and
whitespace dropped. `core` also drops the enumeration prefix (一、 (一) 1. 三(一)).

Matching a row (`match_row`) then tolerates, in falling order of score: the exact label; the label
without its prefix; an added parenthesised note (规章(县级无此项)); a missing leading qualifier
(规范性文件 for 行政规范性文件); one character wrong (a typo). Two template rows tied at the best score is
an ambiguity: `match_row` says so and names no row (the caller warns), it never picks one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from nianbao.parsers.widths import char_map, nfkc

# One punctuation per role (1、 1． → 1.; 〔〕【】 → ()), no quotes, no zero-width characters.
_PUNCTUATION = char_map(
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
        "“": "",
        "”": "",
        "‘": "",
        "’": "",
        '"': "",
        "'": "",
        "「": "",
        "」": "",
        "\u200b": "",
        "\ufeff": "",
    }
)
_SPACE = re.compile(r"\s+")
_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十\d]+\)|\d+\.|[一二三四五六七八九十]+(?=\())+"
)
_NOTE = re.compile(r"\([^()]*\)$")
# Where a row label may start inside a cell that also holds its parents: 三.本年度办理结果(一)予以公开.
_INNER_START = re.compile(r"\([一二三四五六七八九十]+\)|(?<![\d.])\d\.")
SHORT_LABEL = 4  # labels shorter than this must match a cell exactly (其他, 总计, 自然人), never by containment
# tw2sp: Traditional (Taiwan) to Simplified with phrases, so 規範性檔案 reads 规范性文件, not 规范性档案.
_TO_SIMPLIFIED = opencc.OpenCC("tw2sp")
_TRADITIONAL_CHARS = opencc.OpenCC("t2s")  # characters only: whether a text has any Traditional character


def _changed_alone() -> re.Pattern[str]:
    """The characters tw2sp changes on their own (Traditional characters, Taiwan variants), found once by
    converting every Han character of the Basic Multilingual Plane alone, a line each, in one call
    (milliseconds; no other BMP character changes), and any Han character beyond it (a few hundred of
    them change; a text holding one is converted, as every text was)."""
    chars = [
        chr(c) for first, after in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for c in range(first, after)
    ]
    converted = _TO_SIMPLIFIED.convert("\n".join(chars)).split("\n")
    changed = "".join(c for c, out in zip(chars, converted, strict=True) if out != c)
    return re.compile(f"[{changed}\U00020000-\U0003ffff]")


# A label with none of them is Simplified already, and is left as printed: tw2sp would also reword it as if it
# were Taiwanese (文件 -> 文档), and a Traditional label converted (規範性檔案 -> 规范性文件) would then miss the
# template's wording. Asking costs a search, a conversion many times that.
_TRADITIONAL = _changed_alone()

# Scores of the ways a printed label can name a template label (higher is surer).
EXACT, NO_PREFIX, NOTE_ADDED, QUALIFIER_MISSING, TYPO = 1.0, 0.95, 0.9, 0.85, 0.8


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """The comparable form of a label: NFKC, Simplified, unified punctuation, no quotes, no whitespace."""
    if text.isascii():  # a number, most often: NFKC leaves ASCII as it is, and it has no Han to convert
        return text if text.isdecimal() else _SPACE.sub("", _PUNCTUATION(text))
    text = nfkc(text)
    if _TRADITIONAL.search(text):
        text = _TO_SIMPLIFIED.convert(text)
    return _SPACE.sub("", _PUNCTUATION(text))


def text_key(text: str) -> str:
    """`label_key` of a whole document's text, not remembered: a memo keyed by whole texts would keep
    every report's text for as long as a harvest runs."""
    return label_key.__wrapped__(text)


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """A text a mirror site printed in Traditional characters, in Simplified (with mainland wording:
    政府資訊公開 -> 政府信息公开); a text with no Traditional character is returned as it is, so a
    Simplified title is never reworded."""
    if _TRADITIONAL_CHARS.convert(text) == text:
        return text
    return _TO_SIMPLIFIED.convert(text)


@lru_cache(maxsize=65536)
def core(key: str) -> str:
    """A label key without its enumeration prefix: 三(一)予以公开 -> 予以公开."""
    return _PREFIX.sub("", key)


@lru_cache(maxsize=65536)
def without_note(key: str) -> str:
    """A label key without trailing parenthesised notes: 规章(县级无此项) -> 规章."""
    while (stripped := _NOTE.sub("", key)) != key and stripped:
        key = stripped
    return key


@lru_cache(maxsize=65536)
def is_header(cell: str, labels: tuple[str, ...]) -> bool:
    """Whether a header cell names a column: exact (after normalising) or, for long labels, containing it.

    Containment lets `本年增/减(…减用负值表示，如-8)` and `采购总金额（单位：万元，保留4位小数）` match.
    """
    key = label_key(cell)
    if not key:
        return False
    exact, long, within = _header_keys(labels)
    if key in exact:
        return True
    if within is None:
        return False
    return core(key) in long or within(key) is not None


@lru_cache(maxsize=1024)  # a few label sets: each table's markers and each column's labels
def _header_keys(
    labels: tuple[str, ...],
) -> tuple[frozenset[str], frozenset[str], Callable[[str], re.Match[str] | None] | None]:
    """The labels' keys: all of them, the long ones (`is_header`'s loose matches), and a search for any
    long one inside a text (one C-level scan, not one `in` per label), None when none is long."""
    keys = [label_key(label) for label in labels]
    long = [k for k in keys if len(k) >= SHORT_LABEL]
    within = re.compile("|".join(map(re.escape, long))).search if long else None
    return frozenset(keys), frozenset(long), within


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by exactly one substituted, inserted or deleted character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


@lru_cache(maxsize=65536)
def label_score(candidate: str, wanted: str) -> float:
    """How surely a printed label key names a template label key; 0 when it does not."""
    if not candidate or not wanted:
        return 0.0
    if candidate == wanted:
        return EXACT
    cand_core, want_core = core(candidate), core(wanted)
    if not want_core:
        return 0.0
    if cand_core == want_core:
        return NO_PREFIX
    cand_bare, want_bare = without_note(cand_core), without_note(want_core)
    if cand_bare == want_bare and cand_bare:
        return NOTE_ADDED
    if len(want_bare) < SHORT_LABEL:
        return 0.0  # 其他, 规章: too short to match loosely
    if len(cand_bare) >= SHORT_LABEL and want_bare.endswith(cand_bare) and len(cand_bare) * 3 >= len(want_bare) * 2:
        return QUALIFIER_MISSING
    if len(cand_bare) >= SHORT_LABEL and _one_edit(cand_bare, want_bare):
        return TYPO
    return 0.0


@dataclass(frozen=True)
class RowMatch:
    """The template row a printed label names (`index` into the rows given), or the tie that stopped it."""

    index: int | None
    score: float
    tied: tuple[int, ...] = ()


@lru_cache(maxsize=65536)
def match_row(label_cells: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> RowMatch:
    """The best template row (given as its label tuples) for a table row's label cells, outermost first.

    The innermost cell is tried alone, then joined with its parents (labels split over cells). A tie
    between rows at the best score names no row: `tied` lists them.
    """
    keys = [label_key(c) for c in label_cells if label_key(c)]
    if not keys:
        return RowMatch(None, 0.0)
    candidates = {"".join(keys[i:]) for i in range(len(keys))}
    candidates |= {c[m.start() :] for c in list(candidates) for m in _INNER_START.finditer(c) if m.start()}
    exact_rows, row_keys = _row_keys(rows)
    # An exact label scores EXACT, above every loose match: the rows printing one are the winners, found
    # by lookups; only a label matching no row exactly is scored against every label of every row.
    exact = sorted({i for c in candidates for i in exact_rows.get(c, ())})
    if len(exact) == 1:
        return RowMatch(exact[0], EXACT)
    if exact:
        return RowMatch(None, EXACT, tuple(exact))
    candidates = {c for c in candidates if _may_score(c, rows)}
    if not candidates:  # pieces of a wrapped header (社 法, 结 果): no label of any row is worth scoring
        return RowMatch(None, 0.0)
    scores = [max((label_score(c, k) for c in candidates for k in keys_), default=0.0) for keys_ in row_keys]
    best = max(scores, default=0.0)
    if not best:
        return RowMatch(None, 0.0)
    winners = tuple(i for i, s in enumerate(scores) if s == best)
    if len(winners) > 1:
        return RowMatch(None, best, winners)
    return RowMatch(winners[0], best)


def _may_score(candidate: str, rows: tuple[tuple[str, ...], ...]) -> bool:
    """Whether `label_score` can give a candidate anything against some label of `rows`: a candidate too
    short to match loosely scores only where its core, or its core without a note, is a label's."""
    bare = without_note(core(candidate))
    if len(bare) >= SHORT_LABEL:
        return True
    cores, bares = _row_cores(rows)
    return core(candidate) in cores or (bare != "" and bare in bares)


@lru_cache(maxsize=256)  # the templates' tables, as `_row_keys`
def _row_cores(rows: tuple[tuple[str, ...], ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The cores of the rows' label keys (those not empty), and those cores without their notes."""
    cores = frozenset(c for keys in _row_keys(rows)[1] for k in keys if (c := core(k)))
    return cores, frozenset(map(without_note, cores))


@lru_cache(maxsize=256)  # the templates' tables (a few dozen row sets)
def _row_keys(rows: tuple[tuple[str, ...], ...]) -> tuple[dict[str, tuple[int, ...]], tuple[tuple[str, ...], ...]]:
    """Per label key, the rows (indices) having it; and each row's label keys."""
    row_keys = tuple(tuple(label_key(label) for label in labels) for labels in rows)
    having: dict[str, list[int]] = {}
    for i, keys in enumerate(row_keys):
        for key in keys:
            if key and i not in having.setdefault(key, []):
                having[key].append(i)
    return {k: tuple(v) for k, v in having.items()}, row_keys


@lru_cache(maxsize=65536)
def names_row(label_cells: tuple[str, ...], labels: tuple[str, ...]) -> bool:
    """Whether the label cells of a table row (outermost first) name one template row's labels."""
    return match_row(label_cells, (labels,)).index == 0

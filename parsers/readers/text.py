"""Plain-text reader: paragraphs, and tables in the flattened forms text dumps give them.

Table forms recognised (see shared/spec/quirks.md):
- tab-separated rows, one row a line;
- `|`-flattened rows, one row a line: `a | b | c |`, where `||` (nothing between two bars) continues the
  cell to its left (a span) and `| |` is a blank cell;
- `|`-flattened cells, one cell a line ending in ` |`, rows separated by a lone `|` line;
- `|`-flattened cells, one cell a line ending in ` |`, with no lone `|` lines at all: read as bare cells;
- bare cells, one a line (a run of short lines, a quarter of them numbers): labels then values make a row;
  blank lines and lone `|` lines between the cells (a page saved as text) are separators, not ends;
- rows whose values ran together with no separator (`行政规范性文件693665`, a page's text content): the
  label and the digit string become two cells, the digits marked `inferred`; the mapping splits them
  only where the table's arithmetic leaves one reading (parsers/runs.py).
The legacy statistics tables whose every cell ran together (指标名称计量单位…) stay text, with a
`cells_run_together` warning.

A leading `key: value` block (标题 / 发布时间 / 发布机构, as archive dumps write) becomes metadata.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, compress, pairwise, repeat
from operator import add, eq, not_, or_, sub

from nianbao.parsers.cells import is_value
from nianbao.parsers.charsets import decode
from nianbao.parsers.document import Block, CellOrigin, Document, Method, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.memos import Memo
from nianbao.parsers.pinyin import drop_pinyin, pinyin_warning
from nianbao.parsers.spacing import clean, is_clean

_HEADER_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,6})\s*[:：]\s?(.*)$")
_SEPARATOR_LINE = re.compile(r"^\s*[=\-*#_~]{5,}.*$")
# Markdown `|---|:--:|` rules and lone `|` lines; `| | |` is a row of blank cells, not a rule.
_RULE_LINE = re.compile(r"^\s*\|?\s*$|^[\s|:+]*[-=][\s|:+\-=]*$")
# Legacy tables whose cells ran together: 指标名称计量单位…, or a Han character, a unit and five digits.
# Each unit is found by str.find (a C scan, faster than a search led by a character class), the digits
# after it and the character before it checked after.
_RUN_TOGETHER_NAME = "指标名称"
_RUN_TOGETHER_HEADER = re.compile(_RUN_TOGETHER_NAME + r"\s*计量单位")
_RUN_TOGETHER_UNITS = "条件个次"
_FIVE_DIGITS = re.compile(r"\d{5}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_REPORTISH = re.compile(r"报告|年报|報告|年報")  # Traditional on mirror sites
_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]、")
# A report section heading (二、主动公开政府信息情况), not a table 3 row label (三、本年度办理结果).
_HEADING_LINE = re.compile(r"^[一二三四五六七八九十]、\S{2,40}?(?:情况|措施|事项|概述|概况|说明)$")
_MAX_CELL = 60  # longer lines are prose, not cells
_MIN_VALUES = 4
# A row whose digits follow its label with no separator: 行政规范性文件693665, 3.危及“三安全一稳定”0000000.
_RUN_ROW = re.compile(r"^(?P<label>[^|\t。]*[\u4e00-\u9fff”）)])(?P<digits>\d+(?:\.\d+)?)$")
_DIGIT_ROW = re.compile(r"^\d{5,}$")
_MIN_RUN_ROWS = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters, each looked for by `in` (a memchr-like scan): far cheaper than the pattern's
# search, which tests every character of the text against the set; a text rarely holds one.
_CONTROL_CHARS = tuple(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)))


def read(data: bytes, *, url: str | None = None, content_type: str | None = None) -> Document:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(f"{url or 'the file'} is binary (NUL bytes), not text")
    text, charset_warning = decode(data, content_type=content_type)
    kept = _CONTROL.sub("", text) if any(map(text.__contains__, _CONTROL_CHARS)) else text
    kept, pinyin = drop_pinyin(kept)
    lines = (kept.replace("\r\n", "\n").replace("\r", "\n") if "\r" in kept else kept).split("\n")
    metadata, body = _header(lines)
    found, split = _blocks(body)
    blocks = tuple(found)
    if not blocks:
        raise ParseError(f"{url or 'the text'} holds no text")
    warnings: list[tuple[str, str]] = []
    if charset_warning:
        warnings.append(("charset_guessed", charset_warning))
    if pinyin:
        warnings.append(pinyin_warning(pinyin))
    if not split and _runs_together(kept):
        warnings.append(
            (
                "cells_run_together",
                "a table whose cells ran together with no separator (e.g. 指标名称计量单位…) is kept as text: "
                "its cells cannot be split without guessing",
            )
        )
    return Document(
        blocks=blocks, rendering="text", title=metadata.get("标题") or _title(blocks), metadata=metadata,
        warnings=tuple(warnings),
    )  # fmt: skip


def tables_in_lines(lines: list[str]) -> list[Block] | None:
    """The blocks of lines another reader took as paragraphs (an HTML page whose tables are lines of text:
    an e-book's page, a table pasted as text), read as a text rendering's; None when they hold no table."""
    found, _ = _blocks(lines)
    return found if any(isinstance(block, TableBlock) for block in found) else None


def _runs_together(text: str) -> bool:
    """Whether the text holds a table whose cells ran together with no separator."""
    at = text.find(_RUN_TOGETHER_NAME)  # str.find skips the text faster than the pattern's search
    while at >= 0:
        if _RUN_TOGETHER_HEADER.match(text, at):
            return True
        at = text.find(_RUN_TOGETHER_NAME, at + 1)
    for unit in _RUN_TOGETHER_UNITS:
        at = text.find(unit, 1)  # a character must come before it
        while at >= 0:
            if _FIVE_DIGITS.match(text, at + 1) and _HAN.match(text, at - 1):
                return True
            at = text.find(unit, at + 1)
    return False


def _header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """A leading block of `key: value` lines (at least two), ended by a rule line or a plain line."""
    i = 0
    while i < len(lines) and not lines[i].strip():  # the first line is mostly not blank: no generator
        i += 1
    metadata: dict[str, str] = {}
    while i < len(lines) and (match := _HEADER_LINE.match(lines[i])):
        metadata[match.group(1)] = clean(match.group(2))
        i += 1
    if len(metadata) < 2:
        return {}, lines
    # Dumps put a note or two between the header and a `==== 正文 ====` rule: skip up to the rule.
    rule = next((j for j in range(i, min(i + 4, len(lines))) if _SEPARATOR_LINE.match(lines[j])), None)
    if rule is not None:
        i = rule + 1
    return {k: v for k, v in metadata.items() if v}, lines[i:]


# What the table finders ask of a line, as one letter. A body's letters make one string: runs of cells
# and separators are found by string searches and regular expressions, not by a loop over the lines.
#   cells (text, short, free of 。, tabs and bars): "c" a label, "v" a value (a number or a blank mark),
#     "r" a label with digits run on, "d" a value that is a long digit string (run-together rows),
#     "w" a row whose cells are separated by spaces, ending in two values or more (a PDF's text; as a
#     cell elsewhere, a label);
#   "b" a blank line;
#   bars alone: "o" a lone `|` at the line's start (it opens a row), "l" a lone `|` indented, "s" more bars;
#   anything else: "x" a paragraph, "p" a `|`-flattened line;
#   a line holding a tab (not at its ends) takes its letter's capital: a cell holds none, a blank line
#   is blank.
_LETTERS = "cvrdwboOlLsSxXpP"
_CELLS = "cvrdw"
_VALUES = "vd"
_BARS = "oOlL"  # a lone `|`
_PIPES = "oOlLsSpP"  # `|`-flattened lines (bars alone are)
_TABS = "OLSXP"
_SEPARATORS = "boOlLsS"
_CELL_RUN = re.compile(f"[{_CELLS}]*")
_PIPE_RUN = re.compile(f"[{_PIPES}]*")
_TAB_RUN = re.compile(f"[{_TABS}]*")
_CELL = re.compile(f"[{_CELLS}]")
# Of the letters of a run of cells and separators: which are cells (1, else 0); and which cells are
# values (1) or labels (0), the separators left out. Encoded, one byte a line.
_CELL_MASK = str.maketrans({letter: "\x01" if letter in _CELLS else "\x00" for letter in _LETTERS})
_VALUE_FLAGS = str.maketrans(
    {letter: "\x01" if letter in _VALUES else "\x00" if letter in _CELLS else None for letter in _LETTERS}
)


# A report's lines repeat (the template's labels, small numbers, bars): their clean texts and letters
# are remembered, in two memos kept in step (a body's texts and its letters are then two lookups a line,
# each a C-level pass); a paragraph longer than this is asked about once and not kept.
_MEMO_LINE = 200
_TEXTS: Memo[str, str] = Memo(65536)
_KINDS: Memo[str, str] = Memo(65536)


def _facts(line: str) -> tuple[str, str]:
    """The line's clean text and letter. A line holding a tab or a bar is no cell: its letter needs no
    clean text, and only a paragraph's and a lone bar's is read (a blank line's is empty; tab and `|`
    lines are read from their raw text by their tables), so the others are not cleaned."""
    if "\t" in line and "|" not in line:  # the usual table row: a blank line or a tab row
        return "", "X" if line.strip() else "b"
    if "\t" in line or "|" in line:
        letter = _marked_letter(line)
        text = clean(line) if letter in _TEXT_READ else ""
    else:
        text = clean(line)
        letter = _letter(line, text)
    return text, letter


def _letter(line: str, text: str) -> str:
    """The letter of a line holding no tab and no bar (`_facts`), from its clean text."""
    if text[-1:].isdecimal() and " " in text and _spaced_row(text):
        return "w"
    if 0 < len(text) <= _MAX_CELL and "。" not in text:
        return _CELLS[(_may_be_value(text) and is_value(text)) + 2 * _ends_run(text)]
    # What `_marked_letter` tells of a line holding no tab and no bar.
    return "x" if line.strip() else "b"


# A row of a PDF's text whose cells the spaces separate: a label, then two values or more (规章 0 0 0,
# (七)总计 4 1 0 0 0 0 5), or three values or more alone (table 4's row of fifteen).
_SPACED_VALUE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[-—/]")
_MIN_SPACED_ROWS = 3  # such rows in a run of short lines: a table of them


def _spaced_row(text: str) -> bool:
    """Whether a clean text (ending in a digit, holding a space) is a row of space-separated cells."""
    if "。" in text:
        return False
    words = text.split()
    values = 0
    for word in reversed(words):
        if not _SPACED_VALUE.fullmatch(word):
            break
        values += 1
    return values >= 2 if values < len(words) else values >= 3


def _may_be_value(text: str) -> bool:
    """False for a text that cannot be a value: one holding a Han character that is no unit and no 增 or
    减 (a number's words in `cells.read_cell`). A Han character is itself after NFKC and no digit, sign,
    blank mark or space, so a number cannot hold it: a new line's label, title or date is told so
    without reading it (that read costs more than the rest of the line's facts)."""
    return _NO_VALUE_HAN.search(text) is None


def _han_ranges_but(kept: str) -> str:
    """The Han characters U+4E00-U+9FFF but `kept`, as character-class ranges."""
    edges = [0x4E00 - 1, *sorted(map(ord, kept)), 0x9FFF + 1]
    return "".join(f"{chr(a + 1)}-{chr(b - 1)}" for a, b in pairwise(edges) if b - a > 1)


# The Han characters a value may hold: units (cells._NUMBER) and the change words (cells._CHANGE_WORDS).
_NO_VALUE_HAN = re.compile(f"[{_han_ranges_but('万元件条个项次人起宗增减')}]")


# The letters, of lines holding a tab or a bar, whose clean text the finders read (see _blocks).
_TEXT_READ = "xol"


def _marked_letter(line: str) -> str:
    """The letter of a line that is no cell (its clean text too long, or it holds 。, a tab or a bar)."""
    stripped = line.strip()
    if not stripped:
        return "b"
    if not stripped.strip("|"):  # bars alone
        letter = "o" if _opens_row(line) else "l" if stripped == "|" else "s"
    else:  # a `|` row: two bars or more, or a cell closed by ` |`
        letter = "p" if stripped.count("|") >= 2 or stripped.endswith(" |") else "x"
    return letter.upper() if "\t" in line and "\t" in line.strip(" ") else letter


def _ends_run(text: str) -> bool:
    """Label+digits run together, or a long digit string alone: both end with a decimal digit (what the
    patterns' digits are), so a paragraph ending otherwise is not matched against them."""
    return text[-1:].isdecimal() and bool(_RUN_ROW.match(text) or _DIGIT_ROW.match(text))


def _keep_lines(lines: Sequence[str], *memos: tuple[Memo, Sequence]) -> None:
    """Keeps each memo's values for the new `lines` but those longer than _MEMO_LINE (a long paragraph is
    asked about once, not kept), in one C-level update per memo; memos given the same lines are emptied
    together when they would overflow."""
    if max(map(len, lines), default=0) > _MEMO_LINE:
        kept = [k for k, line in enumerate(lines) if len(line) <= _MEMO_LINE]
        lines = [lines[k] for k in kept]
        memos = tuple((memo, [values[k] for k in kept]) for memo, values in memos)
    for memo, values in memos:
        memo.keep_all(lines, values)


class _Lines:
    """The body's lines, their clean texts and their letters (one string) computed once. The finders try
    every line as a table start; asking again per try made the reader quadratic in the length of a run
    of short lines."""

    def __init__(self, raw: list[str]) -> None:
        self.raw = raw
        if len(_TEXTS) != len(_KINDS):  # one memo of the pair was emptied alone: both start afresh
            _TEXTS.clear()
            _KINDS.clear()
        kinds = list(map(_KINDS.get, raw))  # a report's lines mostly remembered
        self.text = list(map(_TEXTS.get, raw))
        if not all(kinds):  # letters are never empty: a truth test, not a comparison with None
            # The lines not remembered (long paragraphs, new lines) found by C-level searches; a line met
            # again in the same report (a lone bar, a row of zeros) asked about once.
            seen: dict[str, tuple[str, str]] = {}
            at = kinds.index(None)
            while True:
                line = raw[at]
                facts = seen.get(line)
                if facts is None:
                    facts = seen[line] = _facts(line)
                self.text[at], kinds[at] = facts
                try:
                    at = kinds.index(None, at + 1)
                except ValueError:
                    break
            new = list(seen)
            texts, letters = zip(*seen.values(), strict=True)
            _keep_lines(new, (_TEXTS, texts), (_KINDS, letters))  # the same keys: both emptied together
            if "X" in letters:
                # Every tab row is in a tab table: the new ones are split and remembered here, all at once,
                # and the tables find them remembered (one call per table cost more than the splits).
                _new_tab_rows(list(compress(new, map("X".__eq__, letters))))
        self.kinds = "".join(kinds)
        self._run = (0, 0)  # the last run of cell lines found (`cells_end`)

    def __len__(self) -> int:
        return len(self.raw)

    def cells_end(self, start: int) -> int:
        """Where the run of consecutive cell lines holding `start` ends. The finders ask at each line of
        a run in turn: the run found last answers them all, so the lines are scanned once."""
        first, end = self._run
        if first <= start < end:
            return end
        end = _CELL_RUN.match(self.kinds, start).end()
        self._run = (start, end)
        return end

    def values(self, start: int, end: int) -> int:
        """How many of the lines from `start` to `end` are values."""
        return self.kinds.count("v", start, end) + self.kinds.count("d", start, end)

    def cells(self, start: int, end: int) -> tuple[list[str], bytes]:
        """The cells of the lines from `start` to `end` (cells and separators), and which are values."""
        letters = self.kinds[start:end]
        texts = compress(self.text[start:end], letters.translate(_CELL_MASK).encode())
        return list(texts), letters.translate(_VALUE_FLAGS).encode()


def _blocks(raw: list[str]) -> tuple[list[Block], bool]:
    """The body's blocks, and whether a table of run-together rows was split among them."""
    blocks: list[Block] = []
    split = False
    lines = _Lines(raw)
    kinds = lines.kinds
    # A lone `|` is a wrapped closing bar only in documents where lone bars are rare; where every row
    # starts with one (a tenth of the lines or more), it opens a row.
    wrapped_bars = (kinds.count("o") + kinds.count("O")) * 10 < len(raw) - kinds.count("b")
    no_run_before = 0  # no run-together table starts before this line (see _run_together_end)
    loud_before = 0  # a run of lines found to hold a table's start ends here (see _quiet_run)
    i = 0
    while i < len(raw):
        letter = kinds[i]
        if i >= loud_before and letter in _QUIET:
            end, quiet = _quiet_run(kinds, i)
            if quiet:  # no table starts on these lines: their texts, blank lines' empty, are paragraphs
                blocks.extend(_paragraphs(lines, i, end))
                i = end
                continue
            loud_before = end
        if letter in _TABS:
            # Inside a tab table, a line of tabs alone is a row of blank cells (a table 4 left blank).
            j = _tab_run_end(lines, i)
            blocks.append(_tab_table(raw[i:j]))
            i = j
        elif letter in _PIPES and not _opens_bare_cells(lines, i):
            j = _pipe_run_end(lines, i, wrapped_bars)
            blocks.extend(_pipe_table(_closed_cells(lines, i, j)))
            i = j
        elif (prose := _PROSE.match(kinds, i)) is not None:
            # Paragraphs, and the blank lines among them: no table of any kind starts on them. Their
            # texts, blank lines' empty, are the paragraphs.
            j = prose.end()
            blocks.extend(_paragraphs(lines, i, j))
            i = j
        else:
            if i >= no_run_before:
                j, stop = _run_together_end(lines, i)
                if j > i:
                    found = _run_together_tables(lines.text[i:j])
                    split = split or any(isinstance(b, TableBlock) for b in found)
                    blocks.extend(found)
                    i = j
                    continue
                if kinds.count("w", i, stop) >= _MIN_SPACED_ROWS:
                    j = _last_cell_end(kinds, i, stop)
                    blocks.extend(_spaced_tables(lines, i, j))
                    i = j
                    continue
                no_run_before = stop
            if (j := _cell_run_end(lines, i)) > i:
                # Within the run every line is a cell or a separator: the cells and their value facts.
                blocks.extend(_cell_table(*lines.cells(i, j)))
                i = j
                continue
            if lines.text[i]:
                blocks.append(TextBlock(lines.text[i]))
            i += 1
    return blocks, split


def _paragraphs(lines: _Lines, start: int, end: int) -> map[TextBlock]:
    """The lines from `start` to `end` as paragraphs, blank lines (their texts empty) left out."""
    return map(TextBlock, filter(None, lines.text[start:end]))


# Cells, paragraphs and blank lines: the letters of lines no table of tabs or bars holds.
_QUIET = _CELLS + "bx"
_QUIET_RUN = re.compile(f"[{_QUIET}]*+")
_HARD = "XPp"  # lines that neither a run of cells nor one of run-together rows reaches across


def _quiet_run(kinds: str, start: int) -> tuple[int, bool]:
    """End of the run of cell, paragraph and blank lines from `start` (its letter one of them), and whether
    no table starts on any of its lines. A run ending at a line of _HARD or at the body's end holds every
    table starting in it, and one with fewer values than a table of cells needs (_cell_run_end) and
    fewer run-together rows than _run_together_end needs holds none."""
    end = _QUIET_RUN.match(kinds, start).end()
    if end < len(kinds) and kinds[end] not in _HARD:
        return end, False
    values = kinds.count("v", start, end) + kinds.count("d", start, end)
    runs = kinds.count("r", start, end) + kinds.count("d", start, end)
    return end, values < _MIN_VALUES and runs < _MIN_RUN_ROWS and kinds.count("w", start, end) < _MIN_SPACED_ROWS


def _opens_bare_cells(lines: _Lines, i: int) -> bool:
    """A lone `|` line followed by a bare cell: the bars separate cells, one a line (not a `|` table)."""
    if lines.kinds[i] not in _BARS:
        return False
    following = _NOT_BLANK.search(lines.kinds, i + 1)
    return following is not None and following.group() in _CELLS


def _cell_run_end(lines: _Lines, start: int) -> int:
    """End of a run of one-cell lines starting at `start` that looks like a table, else `start`.

    Two styles: cells on consecutive lines; or every cell followed by blank or lone `|` lines (a page
    saved as text), where the run ends at the last cell followed so.
    """
    end = lines.cells_end(start)
    # A run of fewer lines than _MIN_VALUES holds too few values: not counted.
    if end - start >= _MIN_VALUES and (values := lines.values(start, end)) >= _MIN_VALUES and values * 4 >= end - start:
        return end
    separated = _SEPARATED_CELLS.match(lines.kinds, start)
    if separated is None or separated.end() - start < _MIN_VALUES:
        return start
    end = separated.end()
    values = lines.values(start, end)
    return end if values >= _MIN_VALUES and values * 4 >= len(_CELL.findall(lines.kinds, start, end)) else start


# Up to two separators, then cells each followed by separators, up to the last cell so followed or the
# one cell after it. A lone cell matches too: it holds fewer than _MIN_VALUES values.
_SEPARATED_CELLS = re.compile(f"[{_SEPARATORS}]{{0,2}}(?:[{_CELLS}][{_SEPARATORS}]+)*[{_CELLS}]")
# Paragraphs and blank lines, up to the last paragraph, or to the end of the blank lines where a line that
# neither a table of cells nor one of run-together rows holds follows them (a tab or `|` line, the end):
# no table starts on a blank line unless a cell or a separator follows it.
_PROSE = re.compile(r"(?:b*x)+(?:b+(?=[XPp]|\Z))?|b+(?=[XPp]|\Z)")
_CELLS_OR_BLANKS = re.compile(f"[{_CELLS}b]*")
_NOT_BLANK = re.compile(r"[^b]")


def _run_together_end(lines: _Lines, start: int) -> tuple[int, int]:
    """End of a run of short lines, at least three of them label+digits with no separator, else `start`;
    and where the run of short or blank lines stopped. No run-together table starts before that stop
    when none starts at `start`: a later start sees the same lines but fewer of them."""
    kinds = lines.kinds
    stop = _CELLS_OR_BLANKS.match(kinds, start).end()
    runs = kinds.count("r", start, stop)
    digits = kinds.count("d", start, stop)
    if runs + digits < _MIN_RUN_ROWS:
        return start, stop
    if digits and runs < _MIN_RUN_ROWS:
        # A long digit string is a row run together only where it stands alone between labels; beside
        # other values it is one large count of a table printed one cell a line (a province's 10515).
        digits = len(_LONE_DIGITS.findall(kinds[start:stop].replace("b", "")))
        if runs + digits < _MIN_RUN_ROWS:
            return start, stop
    return _last_cell_end(kinds, start, stop), stop


def _last_cell_end(kinds: str, start: int, stop: int) -> int:
    """Where a run of cells and blank lines from `start` to `stop` ends without its trailing blank lines."""
    return start + len(kinds[start:stop].rstrip("b"))


_LONE_DIGITS = re.compile("(?<![vd])d(?![vd])")


def _run_together_tables(texts: list[str]) -> list[Block]:
    """One row a line: [label, digits] (the digits `inferred`: they may be several cells run together),
    [digits] for a line of digits alone, [text] for a header line. Section headings (三、收到和处理…)
    stay paragraphs and cut the run into one grid per table."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    origins: list[list[CellOrigin]] = []
    text_origin, inferred = CellOrigin(Method.TEXT), CellOrigin(Method.INFERRED)

    def flush() -> None:
        if rows:
            blocks.append(TableBlock(tuple(tuple(r) for r in rows), tuple(tuple(o) for o in origins), Method.TEXT))
        rows.clear()
        origins.clear()

    for text in texts:
        if not text:
            continue
        if match := _RUN_ROW.match(text):
            digits = match.group("digits")
            rows.append([match.group("label"), digits])
            origins.append([text_origin, inferred if digits.isdigit() else text_origin])
        elif _DIGIT_ROW.match(text):
            rows.append(["", text])
            origins.append([text_origin, inferred])
        elif _is_heading(text):
            flush()
            blocks.append(TextBlock(text))
        else:
            rows.append([text, ""])
            origins.append([text_origin, text_origin])
    flush()
    return blocks


# The head an e-book page of a PDF prints over its text (P. 9, Page 9 - <title>): where a table crosses
# pages it stands between two rows, and its number would read as a row's value.
_EBOOK_PAGE_MARK = re.compile(r"P\.\s*\d{1,4}|Page\s+\d{1,4}(\s+-\s.*)?")


def _spaced_tables(lines: _Lines, start: int, end: int) -> list[Block]:
    """A run of lines holding rows whose cells the spaces separate (a PDF's text): each line a row of its
    words, as a `|` row is of its cells; section headings (三、收到和处理…) stay paragraphs and cut the run
    into one grid per table; lines between two headings that hold no value (a title) stay paragraphs."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    texts: list[str] = []  # the rows' clean texts, for lines that turn out to hold no table

    def flush() -> None:
        if any(is_value(cell) for row in rows for cell in row):
            blocks.append(_dense(rows))
        else:
            blocks.extend(map(TextBlock, texts))
        rows.clear()
        texts.clear()

    for k in range(start, end):
        text = lines.text[k]
        if not text:
            continue
        if _is_heading(text):
            flush()
            blocks.append(TextBlock(text))
            continue
        if text[:1] == "P" and _EBOOK_PAGE_MARK.fullmatch(text):
            continue  # a page's head between two rows of a table the page break cut: no row of it
        rows.append(_clean_cells(lines.raw[k].split()))
        texts.append(text)
    flush()
    return blocks


def _cell_table(cells: list[str], flags: bytes | None = None) -> list[Block]:
    """Rows from one cell a line (`cells`: clean, separators left out): a run of labels, then a run of
    values, is one row.

    A dump gives header cells in whatever order it walked a multi-level header, so header lines are
    not trusted for column order: each becomes its own row (all in column 0), and the mapping then
    falls back to the template's column order. Of a run of labels, the last is the row label; when
    there are more than two, the ones before it are header lines (or parent labels, which match
    nothing and do no harm). Section headings opening the run stay paragraphs.
    """
    # Which cells are values, one byte each (1 a value, 0 a label): the runs are found by searches.
    if flags is None:
        flags = bytes(map(is_value, cells))
    blocks: list[Block] = []
    first = 0
    while first < len(cells) and _SECTION_HEADING.match(cells[first]) and not flags[first]:
        blocks.append(TextBlock(cells[first]))
        first += 1
    # Section headings between two tables cut the cells into one table each.
    headings = _headings(cells, first)
    whole = tuple(cells)  # its slices are the rows: tuples, as a table holds them
    for start, end in pairwise([first - 1, *headings, len(cells)]):
        if end > start + 1:
            blocks.append(_dense(_label_value_rows(whole[start + 1 : end], flags[start + 1 : end])))
        if end < len(cells):
            blocks.append(TextBlock(cells[end]))
    return blocks


_VALUE_RUN = re.compile(rb"\x01+")


def _is_heading(text: str) -> bool:
    return text[1:2] == "、" and bool(_HEADING_LINE.match(text))  # most cells fail the cheap test


# Cells with 、 second are template labels and headings that recur: their answer is remembered.
_is_heading_cell = lru_cache(maxsize=4096)(_is_heading)


def _headings(cells: list[str], first: int) -> list[int]:
    """Which cells from `first` on are section headings. A heading's second character is 、: the cells
    holding one there are found by str.find over the cells joined by newlines (clean cells hold none),
    not by asking each cell."""
    joined = "\n".join(cells)
    found: list[int] = []
    k, counted = 0, 0  # the cell holding position `counted`
    at = joined.find("、", 1)
    while at >= 0:
        if at == 1 or joined[at - 2] == "\n":
            k += joined.count("\n", counted, at)
            counted = at
            if k >= first and _is_heading_cell(cells[k]):
                found.append(k)
        at = joined.find("、", at + 1)
    return found


def _label_value_rows(cells: tuple[str, ...], flags: bytes) -> list[tuple[str, ...]]:
    """Rows from labels and values (`flags`: 1 where a cell is a value, 0 a label): each run of values
    with the labels before it is a row; of more than two labels, all but the last are header lines, a
    row each; labels after the last value are a row each. (zip over one sequence gives its items as
    one-cell rows.)"""
    rows: list[tuple[str, ...]] = []
    labels = 0  # where the labels before the next run of values start
    for run in _VALUE_RUN.finditer(flags):
        first_value, end = run.span()
        if first_value - labels > 2:
            rows += zip(cells[labels : first_value - 1])
            labels = first_value - 1
        rows.append(cells[labels:end])
        labels = end
    rows += zip(cells[labels:])
    return rows


def _tab_run_end(lines: _Lines, start: int) -> int:
    """End of a run of lines holding a tab: tab lines (their letters skipped by a regular expression),
    and blank lines holding a tab, looked at one by one."""
    raw, kinds, n = lines.raw, lines.kinds, len(lines.raw)
    end = start
    while True:
        end = _TAB_RUN.match(kinds, end).end()
        if end == n or kinds[end] != "b" or "\t" not in raw[end]:
            return end
        end += 1


def _dense(rows: Sequence[Sequence[str]]) -> TableBlock:
    """The rows as tuples, each padded with blank cells to the widest row's width (C-level passes)."""
    widths = list(map(len, rows))
    width = max(widths)
    if min(widths) == width:
        return TableBlock(tuple(map(tuple, rows)), method=Method.TEXT)
    pads = _PADS[width] if width < len(_PADS) else _pads(width)
    return TableBlock(tuple(map(add, map(tuple, rows), map(pads.__getitem__, widths))), method=Method.TEXT)


def _pads(width: int) -> list[tuple[str, ...]]:
    """What a row of n cells lacks to be `width` wide, by n."""
    return [("",) * (width - n) for n in range(width + 1)]


# The pads of the usual widths, made once.
_PADS = list(map(_pads, range(33)))


def _tab_table(lines: list[str]) -> TableBlock:
    rows = list(map(_TAB_CELLS.get, lines))  # remembered lines in one C-level pass
    if not all(rows):  # rows are never empty tuples: a truth test, not a comparison with None
        # Only the lines not remembered are read (a new report's rows of new numbers among its template's
        # rows), then put in place by a lookup whose default is the remembered row.
        fresh = _new_tab_rows(list(compress(lines, map(not_, rows))))
        rows = list(map(fresh.get, lines, rows))
    return _dense(rows)


def _new_tab_rows(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """The cells of tab lines not remembered, by line, remembered now."""
    flat = "".join(lines).replace("\t", "")
    if " " not in flat and flat.isprintable():
        # No cell holds whitespace (a printable text holds none but spaces): each is clean as the tabs
        # split it, the rows split in C-level passes.
        fresh = dict(zip(lines, map(tuple, map(str.split, lines, repeat("\t"))), strict=True))
    else:
        fresh = dict(zip(lines, map(_clean_tab_cells, lines), strict=True))
    _keep_lines(list(fresh), (_TAB_CELLS, list(fresh.values())))
    return fresh


# Lines repeat across reports (the template's labels, rows of zeros): their cells are remembered.
_TAB_CELLS: Memo[str, tuple[str, ...]] = Memo(16384)


def _clean_tab_cells(line: str) -> tuple[str, ...]:
    return _clean_cells(line.rstrip("\n").split("\t"))


def _pipe_run_end(lines: _Lines, start: int, wrapped_bars: bool) -> int:
    """End of a run of `|` lines; where `wrapped_bars`, a bare cell whose closing bar fell onto the
    next line (`x` then `|`) stays inside the run. The `|` lines are skipped by a C-level search; only
    the line after them is looked at."""
    kinds, n = lines.kinds, len(lines.raw)
    end = start
    while True:
        end = _PIPE_RUN.match(kinds, end).end()
        if not (wrapped_bars and end + 1 < n and kinds[end] in _CELLS and kinds[end + 1] in _BARS):
            return end
        end += 2


def _closed_cells(lines: _Lines, start: int, end: int) -> list[str]:
    """The table's lines: `x` followed by a lone `|` inside a `|` table is the cell `x |` whose bar
    wrapped."""
    # A bar closes the line before it only when that line holds no bar: where every line is a `|` line
    # (each holds one), the lines are as they are.
    kinds = lines.kinds
    if _PIPE_RUN.match(kinds, start, end).end() == end:
        return lines.raw[start:end]
    out: list[str] = []
    for k in range(start, end):
        if kinds[k] in _BARS and out and "|" not in out[-1]:
            out[-1] = out[-1].rstrip() + " |"
        else:
            out.append(lines.raw[k])
    return out


def _opens_row(line: str) -> bool:
    """A lone `|` at the start of its line opens a row; indented (`  |`) it closes a blank cell."""
    return line.startswith("|") and line.rstrip() == "|"


def _pipe_table(lines: list[str]) -> list[Block]:
    shape, split = _pipe_lines(lines)
    lone_bars = shape.count("o")
    one_cell_lines = shape.count("1")
    rows: list[tuple[str, ...]]
    if lone_bars > 1 and "oo" in shape:
        # Lone `|` lines two in a row stand for blank cells, not for row openers: one cell a line
        # closed by `|`, a blank cell a bar alone (`|` runs), spans as bars alone (`||`).
        # (A line's cells are never an empty tuple: `or` stands in for the None check.)
        return _cell_table(list(filter(None, chain.from_iterable([cells or _BLANK_ROW for cells in split]))))
    if not lone_bars and len(lines) >= 8 and one_cell_lines * 5 >= len(lines) * 4:
        # One cell a line, each closed by ` |`, no row marks at all: rows come from labels and values.
        return _cell_table(list(filter(None, chain.from_iterable(split))))
    if lone_bars and one_cell_lines >= len(lines) - lone_bars - 1:
        # A row is the cells of the lines between two lone bars.
        rows = [tuple(chain.from_iterable(split[m.start() : m.end()])) for m in _BETWEEN_BARS.finditer(shape)]
    else:
        rows = list(compress(split, map(_not_rule, lines)))
    if ("",) in rows:  # `| | |` is a row of blank cells, a lone blank cell no row
        rows = [r for r in rows if any(r) or len(r) > 1]
    return [_dense(rows)] if rows else []


_BLANK_CELL = "-"  # how a blank cell reads in a one-cell-a-line table (cells.read_cell: blank)
_BLANK_ROW = (_BLANK_CELL,)
_BETWEEN_BARS = re.compile(r"[^o]+")


@lru_cache(maxsize=16384)  # rule lines and table rows repeat across reports
def _not_rule(line: str) -> bool:
    """Not a Markdown rule or a lone `|`: a row of the table."""
    return not _RULE_LINE.match(line)


# A `|` line's shape and cells: shape "o" a lone `|` opening a row (cells None), "1" a line of one cell or
# none (blanks aside), "n" more.
_PipeLine = tuple[str, tuple[str, ...] | None]

# Lines repeat across reports (the template's labels, bars, small numbers): their cells are remembered.
_PIPE_LINES: Memo[str, _PipeLine] = Memo(16384)


def _pipe_lines(lines: list[str]) -> tuple[str, tuple[tuple[str, ...] | None, ...]]:
    """The lines' shapes as one string (the table's form is read off it by string searches), and their
    cells: remembered per line, the table's lines are looked up in one C-level pass."""
    known = list(map(_PIPE_LINES.get, lines))
    if not all(known):  # a line not remembered (entries are non-empty tuples): a truth test
        new = list(dict.fromkeys(compress(lines, map(not_, known))))  # each new line once
        fresh = dict(zip(new, _new_pipe_lines(new), strict=True))
        known = list(map(fresh.get, lines, known))  # a remembered line is its own default
    shapes, split = zip(*known, strict=True)
    return "".join(shapes), split


_SHAPES = "11n"  # by the count of a line's filled cells, two or more counted as two


def _new_pipe_lines(lines: list[str]) -> list[_PipeLine]:
    """The shapes and cells of lines not remembered, remembered now. Mostly each line's cells are its
    parts between bars, stripped and already clean: that is done for all lines in C-level passes and
    asked of all their cells at once; lone bars opening a row and lines holding a span (`||`, or a bar
    alone) are read one by one, and lines whose cells need cleaning all are."""
    # Each line stripped, a bar at each end taken off (as `_pipe_line_cells` does), split at its bars.
    unbarred = map(str.removesuffix, map(str.removeprefix, map(str.strip, lines), repeat("|")), repeat("|"))
    parts = list(map(str.split, unbarred, repeat("|")))
    cells = list(map(tuple, map(map, repeat(str.strip), parts)))
    if not is_clean("|".join(chain.from_iterable(cells))):
        entries = list(map(_pipe_line, lines))
    else:
        filled = map(min, map(sub, map(len, cells), map(tuple.count, cells, repeat(""))), repeat(2))
        entries = list(zip(map(_SHAPES.__getitem__, filled), cells, strict=True))
        # Lines a lone bar opens, and lines holding a span, read as one line.
        spanned = map(list.__contains__, parts, repeat(""))
        opens = map(eq, map(str.rstrip, lines), repeat("|"))
        for k in compress(range(len(lines)), map(or_, spanned, opens)):
            entries[k] = _pipe_line(lines[k])
    _keep_lines(lines, (_PIPE_LINES, entries))
    return entries


def _pipe_line(line: str) -> _PipeLine:
    """A line's shape and cells (not remembered: `_new_pipe_lines` remembers them)."""
    if _opens_row(line):
        return "o", None
    cells = _pipe_line_cells(line)
    return "1" if len(cells) - cells.count("") <= 1 else "n", cells


def _clean_cells(parts: list[str]) -> tuple[str, ...]:
    """The parts cleaned. Mostly each is clean once its ends are stripped: that is asked of them all at
    once (joined by a bar, neither a space nor CJK), not of each."""
    stripped = tuple(map(str.strip, parts))
    return stripped if is_clean("|".join(stripped)) else tuple(map(clean, parts))


def _pipe_line_cells(line: str) -> tuple[str, ...]:
    """Cells of one `|`-flattened line; `||` continues the cell to its left (a span), `| |` is blank."""
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    parts = stripped.split("|")
    if "" not in parts:  # no span
        return _clean_cells(parts)
    cells: list[str] = []
    for raw in parts:
        if raw == "" and cells:
            cells.append(cells[-1])
        else:
            cells.append(clean(raw))
    return tuple(cells)


def _title(blocks: tuple[Block, ...]) -> str | None:
    for block in blocks[:5]:
        if isinstance(block, TextBlock) and len(block.text) <= 80 and _REPORTISH.search(block.text):
            return block.text
    return None

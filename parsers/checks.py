"""The template's consistency rules (勾稽关系), applied to a record's tables.

R1 per column of table 3: new_received + carried_over = total_processed + carried_forward.
R2 per row of table 3: total = the six applicant columns.
R3 per column of table 3: total_processed = every result row, granted .. the last other_* row.
R4 per group of table 4: total = upheld + corrected + other + pending.
R7 figures quoted in 一、总体情况 that can be tied to one cell (or a sum of cells) agree with it.

A hybrid table 3 (a 2021 layout keeping the 2019 row （六）其他处理) is checked with the rows it has.
Blank cells count as 0 inside a sum. A rule is not applicable (passed None) when its checked total is
blank or every addend is blank, or when a row it needs was not found. R1 equates two sums, each the
other's total: it is not applicable when either side is all blank. A failed rule is a finding
about the report: it is recorded, the numbers are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import chain
from operator import itemgetter

from nianbao.parsers.memos import Memo
from nianbao.parsers.record import Check, Section, Table, Value
from nianbao.parsers.templates import (
    APPLICANT_COLUMNS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)

_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")
_COLUMNS = tuple(c.key for c in APPLICANT_COLUMNS)
_REVIEW_PARTS = tuple(c.key for c in REVIEW_COLUMNS if c.key != "total")
_R4_KEYS = (*_REVIEW_PARTS, "total")  # a group's values R4 compares
_GROUPS = tuple(group for group, _ in REVIEW_GROUPS)
# Scopes by column and by group, written once: a report has dozens of checks.
_SCOPES = {column: f"applications.{column}" for column in _COLUMNS}
_REVIEW_SCOPES = {group: f"review_litigation.{group}" for group, _ in REVIEW_GROUPS}
_ROW_VALUES = itemgetter(*_COLUMNS)  # a table 3 row's values, in `_COLUMNS` order (the six, then total)
_TOTAL = _COLUMNS.index("total")

# (pattern, cells summed) for R7; a cell is (table, row, column). Patterns want the figure in group 1.
_COUNT = r"(?:共计|共|总计|合计|累计)?\s*(\d+)\s*(?:件|起|宗)"
_QUOTES: tuple[tuple[re.Pattern[str], tuple[tuple[str, str, str], ...]], ...] = (
    (
        re.compile(r"(?:新收|收到|受理|接收)(?:各类|了)?(?:政府信息公开|信息公开|依申请公开)?申请" + _COUNT),
        (("applications", "new_received", "total"),),
    ),
    (
        re.compile(r"上一?年度?结转(?:的)?(?:政府信息公开)?申请" + _COUNT),
        (("applications", "carried_over", "total"),),
    ),
    (
        re.compile(r"(?:答复|办结)(?:了)?(?:政府信息公开|信息公开)?申请" + _COUNT),
        (("applications", "total_processed", "total"),),
    ),
    (
        re.compile(r"行政复议(?:申请|案件)?" + _COUNT),
        (("review_litigation", "review", "total"),),
    ),
    (
        re.compile(r"(?<!复议)(?:行政)?诉讼(?:案件)?" + _COUNT),
        (
            ("review_litigation", "litigation_direct", "total"),
            ("review_litigation", "litigation_after_review", "total"),
        ),
    ),
)
_RULES_QUOTE = re.compile(r"(?:公开|制发|发布|制定)(?:政府)?规章" + _COUNT)
_NORMATIVE_QUOTE = re.compile(r"(?<!部门)(?<!其他)(?:行政)?规范性文件" + _COUNT)
# A search led by a look-behind or a choice of words tries the pattern at every character of the
# overview; each match holds a word (its anchor) a known number of characters (its leads) from its
# start, so no match starts before the anchor's first place less the longest lead (`_search`). A
# pattern led by a look-behind is tried only at those starts, nearest the text's start first; one led
# by a choice of words (whose first characters the search skips to) is searched from the first one.
_ANCHORS: dict[re.Pattern[str], tuple[str, tuple[int, ...], bool]] = {
    _QUOTES[0][0]: ("申请", tuple(2 + a + b for a in (0, 1, 2) for b in (0, 4, 5, 6)), True),
    _QUOTES[2][0]: ("申请", tuple(2 + a + b for a in (0, 1) for b in (0, 4, 6)), True),
    _QUOTES[4][0]: ("诉讼", (0, 2), False),
    _RULES_QUOTE: ("规章", (2, 4), True),
    _NORMATIVE_QUOTE: ("规范性文件", (0, 2), False),
}

# R7's quotes per template, each with its anchor (`_ANCHORS`), looked up once (hashing a pattern hashes
# its whole compiled code), and its scope, written once.
_R7_QUOTES = {
    template: tuple(
        (pattern, cells, _ANCHORS.get(pattern), " + ".join(".".join(c) for c in cells))
        for pattern, cells in (
            *_QUOTES,
            (_RULES_QUOTE, (("active_disclosure", "rules", published),)),
            (_NORMATIVE_QUOTE, (("active_disclosure", "normative_documents", published),)),
        )
    )
    for template, published in (("2019", "new_published"), ("2021", "issued"))
}


def check_record(template: str, tables: Mapping[str, Table | None], sections: Sequence[Section]) -> tuple[Check, ...]:
    checks: list[Check] = []
    applications = tables.get("applications")
    if applications is not None and template in ("2019", "2021"):
        result_rows = _result_rows(template, applications)
        rows = _row_values(applications)
        kept = _plain(rows)
        checks.extend(_r1_columns(applications, rows, kept))
        checks.extend(_r2_rows(rows, kept))
        checks.extend(_r3_columns(applications, result_rows, rows, kept))
    review = tables.get("review_litigation")
    if review is not None:
        checks.extend([_r4_kept(review, group) for group in _GROUPS if group in review])
    checks.extend(_r7(template, tables, sections))
    return tuple(checks)


# Per template: its result rows, the other template's, and the rows only the other's and only its own
# list (as sets, asked of a table in one step each).
_RESULT_CHOICES = {
    template: (own, other, frozenset(other) - frozenset(own), frozenset(own) - frozenset(other))
    for template, own, other in (
        ("2019", RESULT_ROWS_2019, RESULT_ROWS_2021),
        ("2021", RESULT_ROWS_2021, RESULT_ROWS_2019),
    )
}
# Per result rows: the rows as a set, and their values read from `_row_values` in one step.
_RESULT_READS = {rows: (frozenset(rows), itemgetter(*rows)) for rows in (RESULT_ROWS_2019, RESULT_ROWS_2021)}


def _result_rows(template: str, table: Table) -> tuple[str, ...]:
    """The rows R3 sums: the template's, unless the report printed the other template's 其他处理 rows
    instead of its own (a hybrid): then the rows it has. An absent row is never counted as zero."""
    own, other, other_only, own_only = _RESULT_CHOICES["2019" if template == "2019" else "2021"]
    if not other_only.isdisjoint(table) and own_only.isdisjoint(table):
        return other
    return own


# The rules' texts are written only when read (`Check.detail`): a report has dozens of checks, and most
# texts are never looked at. Each writer below takes the values the rule compared.


def _sum(values: Sequence[Value]) -> Value:
    if None not in values:  # the usual case, every cell printed: summed as they are
        return sum(values)
    return sum([v for v in values if v is not None])


def _terms(names: Sequence[str], values: Sequence[Value]) -> str:
    return " + ".join([f"{n} {_show(v)}" for n, v in zip(names, values, strict=True)])


def _show(value: Value) -> str:
    if type(value) is int:  # the usual case first: counts
        return str(value)
    return "blank" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _blank(values: list[Value]) -> bool:
    """Every value blank (an empty list too)."""
    return values.count(None) == len(values)


def _prefixed(prefix: str, explain: Callable[[], str]) -> str:
    return prefix + explain()


_R1_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
_R1_SET, _R1_READ = frozenset(_R1_ROWS), itemgetter(*_R1_ROWS)  # R1's rows as a set, and read in one step


def _r1_columns(table: Table, rows: Mapping[str, tuple[Value, ...]], kept: bool) -> list[Check]:
    """R1 for every column, from the rows' values (`_row_values`) read once for all columns; remembered
    by values when they are all plain (`_plain`)."""
    if not table.keys() >= _R1_SET:  # not applicable in any column, for the same rows: said once
        missing = [r for r in _R1_ROWS if r not in table]
        detail = f"not applicable: rows not found: {', '.join(missing)}"
        return [Check("R1", _SCOPES[column], None, detail) for column in _COLUMNS]
    by_column = zip(*_R1_READ(rows), strict=True)
    if not kept:
        return [_r1_values(column, list(values)) for column, values in zip(_COLUMNS, by_column, strict=True)]
    return _kept_checks([("R1", column, values) for column, values in zip(_COLUMNS, by_column, strict=True)], _r1_key)


def _r1_key(key: tuple) -> Check:
    """`_r1_values` of a kept check's key, ("R1", column, values)."""
    return _r1_values(key[1], list(key[2]))


def _kept_checks(keys: list[tuple], make: Callable[[tuple], Check]) -> list[Check]:
    """The checks of plain values remembered by key (`_COLUMN_CHECKS`, like R2's), looked up in one step;
    those not kept yet made from their key by `make` and kept."""
    checks = list(map(_COLUMN_CHECKS.get, keys))
    if not all(checks):  # a None among them (a check is always true)
        checks = [check or _COLUMN_CHECKS.keep(key, make(key)) for check, key in zip(checks, keys, strict=True)]
    return checks


def _r1_values(column: str, values: list[Value]) -> Check:
    received, carried_over, processed, carried_forward = values
    left, right = [received, carried_over], [processed, carried_forward]
    explain = partial(_r1_detail, left, right)
    scope = _SCOPES.get(column) or f"applications.{column}"
    if (received is None and carried_over is None) or (processed is None and carried_forward is None):
        return Check("R1", scope, None, partial(_prefixed, "not applicable (a side is all blank): ", explain))
    return Check("R1", scope, _sum(left) == _sum(right), explain)


def _r1_detail(left: list[Value], right: list[Value]) -> str:
    return f"{_terms(_R1_ROWS[:2], left)} = {_show(_sum(left))}; {_terms(_R1_ROWS[2:], right)} = {_show(_sum(right))}"


def _total_check(rule: str, scope: str, total: Value, values: Sequence[Value], explain: Callable[[], str]) -> Check:
    """A printed total against the sum of its parts; not applicable when either side is blank."""
    if total is None or values.count(None) == len(values):  # `_blank`, inline: asked of every row and column
        return Check(rule, scope, None, partial(_prefixed, "not applicable (blank): ", explain))
    return Check(rule, scope, total == _sum(values), explain)


def _parts_detail(names: Sequence[str], total: Value, values: Sequence[Value]) -> str:
    return f"total {_show(total)}; {_terms(names, values)} = {_show(_sum(values))}"


# R2's checks by row and values: rows repeat across reports (zeros, small counts). Only a table whose values
# are all plain (`_plain`) is looked up or kept, so the values alone are an exact key: 1 and 1.0 are equal
# but print differently, and -0.0 equals 0.0 but prints "-0". A kept check is shared between records: it is
# never changed once made, save its detail being written, which depends only on the key.
_R2_CHECKS: Memo[tuple[str, tuple[Value, ...]], Check] = Memo(8192)
# R1's and R3's checks by rule, column and values, kept the same way: columns of zeros and small counts repeat.
_COLUMN_CHECKS: Memo[tuple[object, ...], Check] = Memo(8192)
# R4's checks by group and values (`_R4_KEYS`), kept the same way.
_GROUP_CHECKS: Memo[tuple[object, ...], Check] = Memo(8192)
_PLAIN_TYPES = frozenset((int, type(None)))  # not bool, not float: values whose equals print the same


def _plain(rows: Mapping[str, tuple[Value, ...]]) -> bool:
    """Every value of table 3 a count (an int) or blank: its checks may be remembered by values alone.
    One pass over the table, not a tuple of types built per check."""
    return _PLAIN_TYPES.issuperset(map(type, chain.from_iterable(rows.values())))


def _r2_rows(rows: Mapping[str, tuple[Value, ...]], kept: bool) -> list[Check]:
    """R2 of every row, remembered by row and values when they are all plain (`_plain`)."""
    if not kept:
        return [_r2(row, values) for row, values in rows.items()]
    checks = list(map(_R2_CHECKS.get, rows.items()))  # looked up in one step; the rows not kept yet made below
    if not all(checks):  # a None among them (a check is always true; `in` would call its __eq__ per check)
        checks = [check or _R2_CHECKS.keep(key, _r2(*key)) for check, key in zip(checks, rows.items(), strict=True)]
    return checks


def _r2(row: str, cells: tuple[Value, ...]) -> Check:
    """R2 of one row, given its values in `_COLUMNS` order (`_row_values`)."""
    values, total = cells[:_TOTAL], cells[_TOTAL]
    return _total_check("R2", f"applications.{row}", total, values, partial(_parts_detail, _APPLICANTS, total, values))


def _row_values(table: Table) -> dict[str, tuple[Value, ...]]:
    """Each table 3 row's values in `_COLUMNS` order (None where a column is absent), read once for
    R1, R2 and R3."""
    try:  # the usual table, every row a mapping holding every column: all values read in one step
        return dict(zip(table, map(_ROW_VALUES, table.values()), strict=True))
    except KeyError:
        pass
    rows = {}
    for row, cells in table.items():
        if type(cells) is dict:  # the usual row, every column read: its values in one step
            try:
                rows[row] = _ROW_VALUES(cells)
                continue
            except KeyError:
                pass
        rows[row] = tuple(map(cells.get, _COLUMNS))
    return rows


def _r3(table: Table, column: str, result_rows: Sequence[str]) -> Check:
    scope = f"applications.{column}"
    absent = _r3_absent(table, result_rows)
    if absent:
        return Check("R3", scope, None, absent)
    total = table["total_processed"].get(column)
    values = [table[r].get(column) for r in result_rows]
    return _total_check("R3", scope, total, values, partial(_r3_detail, total, values))


def _r3_absent(table: Table, result_rows: Sequence[str]) -> str | None:
    """Why R3 does not apply (its rows not all found), or None when it does; the same in every column."""
    names = [r for r in ("total_processed", *result_rows) if r not in table]
    return f"not applicable: rows not found: {', '.join(names)}" if names else None


def _r3_columns(
    table: Table, result_rows: tuple[str, ...], rows: Mapping[str, tuple[Value, ...]], kept: bool
) -> list[Check]:
    """R3 for every column, from the rows' values (`_row_values`) read once for all columns; remembered
    by values when they are all plain (`_plain`)."""
    read = _RESULT_READS.get(result_rows)
    if read is None:
        return [_r3(table, column, result_rows) for column in _COLUMNS]
    if "total_processed" not in table or not table.keys() >= read[0]:  # not applicable in any column: said once
        detail = _r3_absent(table, result_rows)
        return [Check("R3", _SCOPES[column], None, detail) for column in _COLUMNS]
    totals = rows["total_processed"]
    by_row = read[1](rows)
    by_column = zip(_COLUMNS, totals, zip(*by_row, strict=True), strict=True)
    if not kept:
        return [_r3_values(column, total, values) for column, total, values in by_column]
    return _kept_checks([("R3", column, total, values) for column, total, values in by_column], _r3_key)


def _r3_key(key: tuple) -> Check:
    """`_r3_values` of a kept check's key, ("R3", column, total, values)."""
    return _r3_values(key[1], key[2], key[3])


def _r3_values(column: str, total: Value, values: tuple[Value, ...]) -> Check:
    listed = list(values)
    return _total_check("R3", _SCOPES[column], total, listed, partial(_r3_detail, total, listed))


def _r3_detail(total: Value, values: list[Value]) -> str:
    return f"total_processed {_show(total)}; sum of {len(values)} result rows = {_show(_sum(values))}"


def _r4_kept(table: Table, group: str) -> Check:
    """`_r4`, remembered by group and values when they are all plain, like R2's checks (groups of
    zeros and small counts repeat)."""
    key = (group, *map(table[group].get, _R4_KEYS))
    if not _PLAIN_TYPES.issuperset(map(type, key[1:])):
        return _r4(table, group)
    check = _GROUP_CHECKS.get(key)
    if check is None:
        check = _GROUP_CHECKS.keep(key, _r4(table, group))
    return check


def _r4(table: Table, group: str) -> Check:
    cells = table[group]
    values = list(map(cells.get, _REVIEW_PARTS))
    total = cells.get("total")
    explain = partial(_parts_detail, _REVIEW_PARTS, total, values)
    return _total_check("R4", _REVIEW_SCOPES.get(group) or f"review_litigation.{group}", total, values, explain)


def _r7(template: str, tables: Mapping[str, Table | None], sections: Sequence[Section]) -> list[Check]:
    overview = next((s.text for s in sections if s.heading.startswith("一、")), "")
    if not overview or template not in ("2019", "2021"):
        return []
    checks = []
    for pattern, cells, anchored, scope in _R7_QUOTES[template]:
        match = _search_anchored(pattern, anchored, overview)
        if not match:
            continue
        quoted = int(match.group(1))
        values = []
        for table_key, row, column in cells:
            table = tables.get(table_key)
            values.append(table[row].get(column) if table is not None and row in table else None)
        explain = partial(_r7_detail, match.group(0), quoted, values)
        if all(v is None for v in values):
            checks.append(
                Check("R7", scope, None, partial(_prefixed, "not applicable (table cell blank or missing): ", explain))
            )
        else:
            checks.append(Check("R7", scope, quoted == _sum(values), explain))
    return checks


def _r7_detail(quote: str, quoted: int, values: list[Value]) -> str:
    return f"prose {quote!r} quotes {quoted}; table {_show(_sum(values))}"


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)`, the pattern tried only where its anchor allows a match to start."""
    return _search_anchored(pattern, _ANCHORS.get(pattern), text)


def _search_anchored(
    pattern: re.Pattern[str], anchored: tuple[str, tuple[int, ...], bool] | None, text: str
) -> re.Match[str] | None:
    if anchored is None:
        return pattern.search(text)
    anchor, leads, from_first = anchored
    at = text.find(anchor)
    if at < 0:
        return None
    # The pattern's look-behinds see the text before a start, as a search's do.
    if from_first:
        return pattern.search(text, max(0, at - max(leads)))
    places = []
    while at >= 0:
        places.append(at)
        at = text.find(anchor, at + 1)
    for start in sorted({at - lead for at in places for lead in leads if at >= lead}):
        if match := pattern.match(text, start):
            return match
    return None

"""Splitting cells a text dump ran together (`行政规范性文件693665`), only where arithmetic allows one reading.

A page's text content without cell separators prints a row's values as one digit string. A split is
a reading: every part a number without a leading zero (0 itself excepted). The table's own rules
narrow the readings: R2 (table 3: 总计 = the six applicant columns) and R4 (table 4: each group's 总计 =
its four results) per row, then R1 and R3 per column across the rows of table 3. A row is read only
when every reading that satisfies the rules gives it the same values; otherwise its cells stay null
with a `cells_ambiguous` warning. Table 2 has no rule tying its columns: its run-together rows read
only when the digits allow one split at all (000); 693665 stays blank. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, product
from operator import itemgetter
from typing import Any

from nianbao.parsers.templates import APPLICANT_COLUMNS, RESULT_ROWS_2019, RESULT_ROWS_2021, REVIEW_COLUMNS

_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")
_REVIEW_PARTS = tuple(c.key for c in REVIEW_COLUMNS if c.key != "total")
_COLUMNS = (*_APPLICANTS, "total")
_R1_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
_MAX_SPLITS = 2000  # readings kept per row; more means the row is ambiguous anyway
_MAX_NODES = 100_000  # search steps for all rows of a document: bounds what hostile digit strings can cost
_MAX_JOINT = 20_000  # combinations of ambiguous rows tried against the column rules


@dataclass(frozen=True)
class Pending:
    """A row whose values ran together: table, row key, the digit string, its columns in printed order,
    the digits' cell position in its row, and the reader's opaque note of where that row was."""

    kind: str
    row: str
    digits: str
    columns: tuple[str, ...]
    position: int
    source: Any = None


@dataclass(frozen=True)
class Outcome:
    pending: Pending
    values: tuple[int, ...] | None
    message: str = ""


def resolve_runs(pending: Sequence[Pending], known: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    budget = [_MAX_NODES]
    readings: dict[int, list[tuple[int, ...]]] = {}
    cut_short: set[int] = set()
    # Shorter digit strings first: a row of a digit per column costs a step a digit, a large agency's row of
    # four-digit counts can take the whole budget, and it must not take it from the rows that need little.
    for i in sorted(range(len(pending)), key=lambda i: len(pending[i].digits)):
        readings[i] = _readings(pending[i], budget)
        if budget[0] < 0:  # searched in part: what was found may not be all there is
            cut_short.add(i)
            readings[i] = []
    applications = [i for i, p in enumerate(pending) if p.kind == "applications" and readings[i]]
    narrowed = _joint(pending, readings, applications, known.get("applications", {}))
    for i, p in enumerate(pending):
        options = narrowed.get(i, readings[i])
        if len(options) == 1:
            outcomes.append(Outcome(p, options[0]))
        else:
            why = "no reading satisfies the table's rules" if not options else f"{len(options)} readings fit"
            if i in cut_short:
                why = "too many ways to split it to search them all"
            outcomes.append(
                Outcome(p, None, f"{p.kind}.{p.row or 'data row'}: run-together digits {p.digits!r}: {why}; left blank")
            )
    return outcomes


def _readings(p: Pending, budget: list[int]) -> list[tuple[int, ...]]:
    """Every way to cut the digits into one number per column, without leading zeros, that the row's
    rule allows (no rule: only a digit string with one split at all reads), searched depth first while
    `budget[0]` steps last; more than `_MAX_SPLITS` stops the search (the row is ambiguous anyway).

    A search cut short by the budget yields only some readings; the caller then sees either none or
    several, or one where more existed: so a row whose search ran out is reported unread.

    The search's outcome is remembered per digit string (`_search`): with the steps it took, the
    budget is spent as a search of its own would spend it, and runs out where that search would.
    """
    if budget[0] >= 0 and (searched := _search(p.kind, p.columns, p.digits)) is not None:
        found, steps = searched
        if steps <= budget[0]:
            budget[0] -= steps
            return list(found)
        budget[0] = -1  # the search would have run out on the way: what it found is not all there is
        return []
    return _search_within(p, budget)


def _search_within(p: Pending, budget: list[int]) -> list[tuple[int, ...]]:
    if len(p.digits) == len(p.columns):
        return _digit_each(p, budget)
    if (fast := _total_readings(p, budget)) is not None:
        return fast
    return _searched_readings(p, budget)


def _digit_each(p: Pending, budget: list[int]) -> list[tuple[int, ...]]:
    """`_readings` of a row with as many digits as columns (most rows of a small agency's table 3): the
    one split is a digit each, which the walk reaches in one step per digit, as it spends the budget."""
    if budget[0] < len(p.digits):  # the walk would run out on its way down, before the one reading
        budget[0] = -1
        return []
    budget[0] -= len(p.digits)
    parts = tuple(map(int, p.digits))
    check = _row_rule(p.kind, p.columns)
    return [parts] if check is None or check(parts) else []


_REMEMBERED = 64  # readings of one row kept by `_search`; more (an ambiguous row) are searched again


@lru_cache(maxsize=4096)  # the same digit strings recur (0000000, 1000001): one search each
def _search(kind: str, columns: tuple[str, ...], digits: str) -> tuple[tuple[tuple[int, ...], ...], int] | None:
    """A row's readings as a search given the whole budget finds them, and the steps it took (more than
    the whole budget when it ran out); None when they are too many to keep."""
    budget = [_MAX_NODES]
    found = _search_within(Pending(kind, "", digits, columns, 0), budget)
    if budget[0] < 0:
        return (), _MAX_NODES + 1
    if len(found) > _REMEMBERED:
        return None
    return tuple(found), _MAX_NODES - budget[0]


def _searched_readings(p: Pending, budget: list[int]) -> list[tuple[int, ...]]:
    """`_readings` by walking every split in order, checking the row's rule at each leaf."""
    check = _row_rule(p.kind, p.columns)
    digits, length = p.digits, len(p.digits)
    found: list[tuple[int, ...]] = []
    acc: list[int] = []  # the numbers cut so far, on the way down
    remaining = budget[0]

    # One recursive function, not a generator per level, and the cut numbers on one list: a long digit
    # string walks thousands of nodes, and per-node frames and tuples cost more than the cuts.
    def walk(start: int, left: int) -> bool:  # False: stop searching
        nonlocal remaining
        remaining -= 1
        if remaining < 0:
            return False
        if left == 1:  # the rest is the last number: no leading zero (0 itself excepted)
            if start < length and (digits[start] != "0" or start == length - 1):
                parts = (*acc, int(digits[start:]))
                if check is None or check(parts):
                    found.append(parts)
                    return len(found) <= _MAX_SPLITS
            return True
        if length - start < left:
            return True
        last = start + 1 if digits[start] == "0" else length - left + 1
        for end in range(start + 1, last + 1):
            acc.append(int(digits[start:end]))
            going = walk(end, left - 1)
            acc.pop()
            if not going:
                return False
        return True

    walk(0, len(p.columns))
    budget[0] = remaining
    return found


def _total_readings(p: Pending, budget: list[int]) -> list[tuple[int, ...]] | None:
    """`_readings` of a table 3 row printed with 总计 last (the usual order) or first, found without
    walking every split: the total is cut first, so the others are cut with their running sum bounded by it.

    Same readings in the same order as `_searched_readings`, and the same budget: the walk's step count
    is counted (not walked) first, and a search that would run out of budget, or find more readings than
    `_MAX_SPLITS`, is left to the walk itself. None when the row is not of this kind.
    """
    if p.kind != "applications" or len(p.columns) != len(_COLUMNS) or set(p.columns) != set(_COLUMNS):
        return None
    first = p.columns[0] == "total"
    if not first and p.columns[-1] != "total":
        return None
    digits, length, parts = p.digits, len(p.digits), len(p.columns) - 1
    steps = _walk_steps(digits, parts + 1)
    if steps > budget[0]:
        return None
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []  # (cut positions, numbers as printed)
    cuts: list[int] = []
    acc: list[int] = []

    def cut(start: int, left: int, total: int, stop: int, grand: int) -> None:
        """Cuts digits[start:stop] into `left` (2 or more: a row has six parts) numbers summing to `total`
        (of the row's total `grand`)."""
        if stop - start < left:
            return
        last = start + 1 if digits[start] == "0" else stop - left + 1
        if left == 2:  # the rest is the last number, checked here rather than one call deeper for each cut
            for end in range(start + 1, last + 1):
                number = int(digits[start:end])
                if number > total:
                    break
                rest = total - number
                if (digits[end] != "0" or end == stop - 1) and int(digits[end:stop]) == rest:
                    found.append(
                        ((*cuts, end, stop), (grand, *acc, number, rest) if first else (*acc, number, rest, grand))
                    )
            return
        for end in range(start + 1, last + 1):
            number = int(digits[start:end])
            if number > total:
                break  # longer cuts only grow
            cuts.append(end)
            acc.append(number)
            cut(end, left - 1, total - number, stop, grand)
            acc.pop()
            cuts.pop()

    if first:
        for end in range(1, 2 if digits[0] == "0" else length - parts + 1):  # where the total ends
            grand = int(digits[:end])
            cuts.append(end)
            cut(end, parts, grand, length, grand)
            cuts.pop()
    else:
        for room in range(parts, length):  # where the total starts
            if digits[room] != "0" or room == length - 1:
                grand = int(digits[room:])
                cut(0, parts, grand, room, grand)
    if len(found) > _MAX_SPLITS:
        return None
    budget[0] -= steps
    return [numbers for _, numbers in sorted(found)]


@lru_cache(maxsize=4096)  # digit strings repeat (1000001, 0000101): counted once
def _walk_steps(digits: str, parts: int) -> int:
    """How many steps `_searched_readings` takes over every split of `digits` into `parts` numbers:
    counted level by level, from the last number (one step wherever it starts) up to the first."""
    length = len(digits)
    below = [1] * (length + 1)  # steps from each start with one number left
    for left in range(2, parts + 1):
        summed = [0, *accumulate(below)]  # summed[i]: below[0] + … + below[i - 1]
        here = [1] * (length + 1)
        for start in range(length - left + 1):
            last = start + 1 if digits[start] == "0" else length - left + 1
            here[start] = 1 + summed[last + 1] - summed[start + 1]
        below = here
    return below[0]


@lru_cache(maxsize=64)  # a few column orders per table
def _row_rule(kind: str, columns: tuple[str, ...]) -> Callable[[tuple[int, ...]], bool] | None:
    """The rule a row's own values must satisfy, over its values in `columns` order."""
    at = {column: i for i, column in enumerate(columns)}
    if kind == "applications" and set(columns) == {*_APPLICANTS, "total"}:
        total, parts = at["total"], itemgetter(*(at[c] for c in _APPLICANTS))
        return lambda v: v[total] == sum(parts(v))
    if kind == "review_litigation":
        groups = {c.split(".")[0] for c in columns}
        if all(f"{g}.{c}" in columns for g in groups for c in (*_REVIEW_PARTS, "total")):
            sums = [(at[f"{g}.total"], itemgetter(*(at[f"{g}.{c}"] for c in _REVIEW_PARTS))) for g in groups]
            return lambda v: all(v[total] == sum(parts(v)) for total, parts in sums)
    return None


def _joint(
    pending: Sequence[Pending],
    readings: Mapping[int, list[tuple[int, ...]]],
    rows: list[int],
    known: Mapping[str, Mapping[str, Any]],
) -> dict[int, list[tuple[int, ...]]]:
    """Readings of table 3's run-together rows that, together, satisfy R1 and R3 in every column."""
    ambiguous = [i for i in rows if len(readings[i]) > 1]
    if not ambiguous:
        return {}
    total = 1
    for i in ambiguous:
        total *= len(readings[i])
    if total > _MAX_JOINT:
        return {}
    fixed = {
        pending[i].row: dict(zip(pending[i].columns, readings[i][0], strict=True)) for i in rows if i not in ambiguous
    }
    base = {**known, **fixed}  # the rows read as they are: a combination replaces rows, never changes one
    survivors: list[tuple[tuple[int, ...], ...]] = []
    for combo in product(*(readings[i] for i in ambiguous)):
        table = dict(base)
        for i, parts in zip(ambiguous, combo, strict=True):
            table[pending[i].row] = dict(zip(pending[i].columns, parts, strict=True))
        if _columns_hold(table):
            survivors.append(combo)
    return {i: sorted({combo[n] for combo in survivors}) for n, i in enumerate(ambiguous)}


def _columns_hold(table: Mapping[str, Mapping[str, Any]]) -> bool:
    """R1 and R3 in every column where all their rows are present (blank counts as 0)."""
    result_rows = RESULT_ROWS_2021 if "other_misc" in table or "other_overdue_correction" in table else RESULT_ROWS_2019
    r1 = [table[r] for r in _R1_ROWS] if all(r in table for r in _R1_ROWS) else None
    # The rows looked up once for all columns, not once per column.
    results = (
        [table[r] for r in result_rows] if "total_processed" in table and all(r in table for r in result_rows) else None
    )
    processed = table["total_processed"] if results is not None else None
    for column in _COLUMNS:
        if r1 is not None:
            received, carried_over, total, carried_forward = [row.get(column) or 0 for row in r1]
            if received + carried_over != total + carried_forward:
                return False
        if results is not None and (processed.get(column) or 0) != sum([row.get(column) or 0 for row in results]):
            return False
    return True

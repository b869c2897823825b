"""The cross-year consistency rules, R5 and R6, applied to one body's reports of two consecutive years.

R5 per applicant column of table 3: carried_over (year Y) = carried_forward (year Y-1).
R6 per row of table 2 (rules, normative_documents), 2021 template in both years:
   in_force(Y) = in_force(Y-1) + issued(Y) - repealed(Y).
Both are soft: a failure is a finding to look at (a body may recount, a document may lapse), not an
error, and the numbers are never changed. Not applicable (passed None) when a value needed is blank or
a row is missing, or when a year's template lacks the table. Every detail names both years.
"""

from __future__ import annotations

from collections.abc import Mapping

from nianbao.parsers.record import Check, Table, Value
from nianbao.parsers.templates import APPLICANT_COLUMNS

TEMPLATED = ("2019", "2021")
_R6_ROWS = ("rules", "normative_documents")


def cross_year_checks(previous: Mapping, current: Mapping) -> tuple[Check, ...]:
    """R5 and R6 for `current` (a record as ReportRecord.to_dict()) against the same body's year before."""
    year, before = current.get("year"), previous.get("year")
    if year is None or before is None or before != year - 1:
        return ()
    checks: list[Check] = []
    now, then = current.get("applications"), previous.get("applications")
    if now is not None and then is not None and {current.get("template"), previous.get("template")} <= {*TEMPLATED}:
        checks += [_r5(now, then, column.key, year) for column in APPLICANT_COLUMNS]
    disclosed, disclosed_before = current.get("active_disclosure"), previous.get("active_disclosure")
    if current.get("template") == previous.get("template") == "2021" and disclosed and disclosed_before:
        checks += [_r6(disclosed, disclosed_before, row, year) for row in _R6_ROWS]
    return tuple(checks)


def _value(table: Table, row: str, column: str) -> Value:
    return (table.get(row) or {}).get(column)


def _r5(now: Table, then: Table, column: str, year: int) -> Check:
    scope = f"applications.{column}"
    carried_over, carried_forward = _value(now, "carried_over", column), _value(then, "carried_forward", column)
    detail = f"carried_over {year} {_show(carried_over)}; carried_forward {year - 1} {_show(carried_forward)}"
    if carried_over is None or carried_forward is None:
        return Check("R5", scope, None, f"not applicable (blank or missing): {detail}")
    return Check("R5", scope, carried_over == carried_forward, detail)


def _r6(now: Table, then: Table, row: str, year: int) -> Check:
    scope = f"active_disclosure.{row}"
    in_force, before = _value(now, row, "in_force"), _value(then, row, "in_force")
    issued, repealed = _value(now, row, "issued"), _value(now, row, "repealed")
    detail = (
        f"in_force {year} {_show(in_force)}; in_force {year - 1} {_show(before)} + issued {year} {_show(issued)}"
        f" - repealed {year} {_show(repealed)}"
    )
    if in_force is None or before is None:
        return Check("R6", scope, None, f"not applicable (blank or missing): {detail}")
    expected = before + (issued or 0) - (repealed or 0)
    return Check("R6", scope, in_force == expected, f"{detail} = {_show(expected)}")


def _show(value: Value) -> str:
    return "blank" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

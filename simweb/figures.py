"""Report figures that obey the consistency rules R1-R4, and the rule checker that proves it.

Figures are nested dicts `{table: {row: {column: value}}}` exactly as `ReportRecord.to_dict()` holds
them. A report's applications table is drawn from its agency's previous year (R5: carried_over = last
year's carried_forward) and, for template 2021, in_force follows last year's (R6).
"""

from __future__ import annotations

import random
from typing import Any

from nianbao.parsers.templates import (
    APPLICANT_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TEMPLATES,
)

Figures = dict[str, dict[str, dict[str, Any]]]

APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS[:-1])  # the six columns R2 adds up
REVIEW_KEYS = tuple(c.key for c in REVIEW_COLUMNS[:-1])
RULE_BREAKS = ("R1", "R2", "R3", "R4")

# How often a result row is chosen, relative to 予以公开; most rows are rare in real reports.
_RESULT_WEIGHTS = {
    "granted": 10.0,
    "partially_granted": 1.5,
    "withheld_state_secret": 0.1,
    "withheld_prohibited_by_law": 0.1,
    "withheld_three_safeties": 0.1,
    "withheld_third_party": 0.3,
    "withheld_internal_affairs": 0.3,
    "withheld_process_info": 0.4,
    "withheld_enforcement_file": 0.2,
    "withheld_administrative_query": 0.4,
    "unavailable_not_held": 3.0,
    "unavailable_needs_creation": 0.6,
    "unavailable_unclear": 0.5,
    "not_processed_complaint": 0.6,
    "not_processed_duplicate": 0.4,
    "not_processed_publication": 0.1,
    "not_processed_excessive": 0.1,
    "not_processed_confirmation": 0.2,
    "other_handling": 0.8,
    "other_overdue_correction": 0.4,
    "other_unpaid_fee": 0.05,
    "other_misc": 0.5,
}
# Share of applications each applicant column gets, before noise.
_APPLICANT_WEIGHTS = (8.0, 1.5, 0.1, 0.1, 0.3, 0.3)

# Typical yearly new applications by administrative level.
SCALE_BY_LEVEL = {"province": 900, "city": 300, "county": 80, "department": 40, "township": 3}


def result_rows(template: str) -> tuple[str, ...]:
    rows = TEMPLATES[template].table("applications").rows
    return tuple(r.key for r in rows[2:-2])


def generate(rng: random.Random, template: str, scale: int, previous: Figures | None) -> Figures:
    """Figures for one report that pass R1-R4; `previous` is the same agency's last year, if any."""
    return {
        "active_disclosure": _active(rng, template, scale, previous),
        "applications": _applications(rng, template, scale, previous),
        "review_litigation": _review(rng, scale),
    }


def _active(rng: random.Random, template: str, scale: int, previous: Figures | None) -> dict[str, dict[str, Any]]:
    docs_scale = max(1, scale // 20)
    if template == "2021":
        table: dict[str, dict[str, Any]] = {}
        for row in ("rules", "normative_documents"):
            issued = rng.randint(0, docs_scale) if row == "normative_documents" else rng.randint(0, docs_scale // 4)
            repealed = rng.randint(0, issued // 2 + 1)
            before = _previous_value(previous, "active_disclosure", row, "in_force")
            if before is None:
                before = rng.randint(repealed, repealed + docs_scale * 10)
            table[row] = {"issued": issued, "repealed": repealed, "in_force": max(0, before + issued - repealed)}
        for row in ("licensing", "penalties", "coercion"):
            table[row] = {"decisions": rng.randint(0, scale * 20)}
        table["fees"] = {"amount_wan_yuan": round(rng.randint(0, scale * 3000) / 10000, 4)}
        return table
    table = {}
    for row in ("rules", "normative_documents"):
        made = rng.randint(0, docs_scale)
        table[row] = {
            "new_made": made,
            "new_published": made,
            "total_published": made + rng.randint(0, docs_scale * 10),
        }
    for row in ("licensing", "other_services", "penalties", "coercion"):
        before = rng.randint(0, 60)
        table[row] = {
            "previous_count": before,
            "change": rng.randint(-min(before, 8), 8),
            "decisions": rng.randint(0, scale * 20),
        }
    before = rng.randint(0, 20)
    table["fees"] = {"previous_count": before, "change": rng.randint(-min(before, 3), 3)}
    yuan = rng.randint(0, scale * 5000) * 100
    table["procurement"] = {"projects": rng.randint(0, 12), "amount_wan_yuan": yuan / 10000}
    return table


def _applications(rng: random.Random, template: str, scale: int, previous: Figures | None) -> dict[str, dict[str, Any]]:
    rows = result_rows(template)
    table: dict[str, dict[str, Any]] = {row: {} for row in ("new_received", "carried_over", *rows)}
    table["total_processed"] = {}
    table["carried_forward"] = {}
    volume = max(0, int(rng.gauss(scale, scale / 3)))
    for column, share in zip(APPLICANTS, _APPLICANT_WEIGHTS, strict=True):
        received = _poisson_like(rng, volume * share / sum(_APPLICANT_WEIGHTS))
        carried = _previous_value(previous, "applications", "carried_forward", column)
        if carried is None:
            carried = _poisson_like(rng, received * 0.05)
        available = received + carried
        forward = min(available, _poisson_like(rng, available * 0.06))
        processed = available - forward
        for row, count in _split(rng, processed, rows).items():
            table[row][column] = count
        table["new_received"][column] = received
        table["carried_over"][column] = carried
        table["total_processed"][column] = processed
        table["carried_forward"][column] = forward
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in APPLICANTS)
    return table


def _review(rng: random.Random, scale: int) -> dict[str, dict[str, Any]]:
    table = {}
    for group, _labels in REVIEW_GROUPS:
        cells = {key: _poisson_like(rng, scale / 150) for key in REVIEW_KEYS}
        cells["total"] = sum(cells.values())
        table[group] = cells
    return table


def _split(rng: random.Random, amount: int, rows: tuple[str, ...]) -> dict[str, int]:
    weights = [_RESULT_WEIGHTS[row] * rng.random() ** 2 for row in rows]
    total_weight = sum(weights) or 1.0
    counts = {row: int(amount * w / total_weight) for row, w in zip(rows, weights, strict=True)}
    counts[rows[0]] += amount - sum(counts.values())
    return counts


def _poisson_like(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean < 20:
        # Knuth's method: exact and cheap for the small means townships and rare rows have.
        limit, product, count = 2.718281828459045**-mean, rng.random(), 0
        while product > limit:
            product *= rng.random()
            count += 1
        return count
    return max(0, round(rng.gauss(mean, mean**0.5)))


def _previous_value(previous: Figures | None, table: str, row: str, column: str) -> int | None:
    if previous is None:
        return None
    return previous.get(table, {}).get(row, {}).get(column)


def blank_zeros(figures: Figures) -> Figures:
    """The same figures as a report that leaves zero cells of tables 3 and 4 blank (`null`)."""
    out = dict(figures)
    for table in ("applications", "review_litigation"):
        out[table] = {
            row: {k: (None if v == 0 else v) for k, v in cells.items()} for row, cells in figures[table].items()
        }
    return out


def blank_detail_totals(figures: Figures, template: str) -> Figures:
    """The same figures with 总计 left blank on every result row (only the totals rows filled)."""
    applications = {row: dict(cells) for row, cells in figures["applications"].items()}
    for row in result_rows(template):
        applications[row]["total"] = None
    return {**figures, "applications": applications}


def break_rule(rng: random.Random, figures: Figures, template: str, rule: str) -> Figures:
    """A copy of `figures` with one cell changed so that `rule` fails, as real reports do."""
    out = {table: {row: dict(cells) for row, cells in rows.items()} for table, rows in figures.items()}
    delta = rng.choice((1, 2, 3, 6, 10))
    applications = out["applications"]
    # R1 only where the column is printed: on an all-blank column the rule's applicability is ambiguous.
    printed = [c for c in APPLICANTS if applications["new_received"][c] is not None]
    if rule == "R1" and not printed:
        rule = "R4"
    if rule == "R1":
        column = rng.choice(printed)
        applications["carried_forward"][column] = (applications["carried_forward"][column] or 0) + delta
        applications["carried_forward"]["total"] = _add(applications["carried_forward"]["total"], delta)
    elif rule == "R2":
        row = rng.choice(("new_received", "granted"))
        applications[row]["total"] = (applications[row]["total"] or 0) + delta
    elif rule == "R3":
        column = rng.choice(APPLICANTS)
        row = rng.choice(result_rows(template)[1:])
        applications[row][column] = (applications[row][column] or 0) + delta
        applications[row]["total"] = _add(applications[row]["total"], delta)
    else:
        group = rng.choice([g for g, _ in REVIEW_GROUPS])
        out["review_litigation"][group]["total"] = (out["review_litigation"][group]["total"] or 0) + delta
    return out


def _add(value: int | None, delta: int) -> int | None:
    return None if value is None else value + delta


def failed_rules(figures: Figures, template: str) -> list[dict[str, str]]:
    """Every R1-R4 finding that fails, as `{rule, scope}`; blank counts as 0, blank totals skip R2."""
    failures: list[dict[str, str]] = []
    applications = figures["applications"]
    rows = result_rows(template)
    columns = (*APPLICANTS, "total")

    def v(row: str, column: str) -> int:
        return applications[row].get(column) or 0

    for column in columns:
        if v("new_received", column) + v("carried_over", column) != v("total_processed", column) + v(
            "carried_forward", column
        ):
            failures.append({"rule": "R1", "scope": f"applications.{column}"})
    for row, cells in applications.items():
        if cells.get("total") is not None and cells["total"] != sum(v(row, c) for c in APPLICANTS):
            failures.append({"rule": "R2", "scope": f"applications.{row}"})
    for column in columns:
        addends = [applications[row].get(column) for row in rows]
        if all(a is None for a in addends) or applications["total_processed"].get(column) is None:
            continue
        if v("total_processed", column) != sum(a or 0 for a in addends):
            failures.append({"rule": "R3", "scope": f"applications.{column}"})
    for group, cells in figures["review_litigation"].items():
        if cells.get("total") is not None and cells["total"] != sum(cells.get(k) or 0 for k in REVIEW_KEYS):
            failures.append({"rule": "R4", "scope": f"review_litigation.{group}"})
    return failures

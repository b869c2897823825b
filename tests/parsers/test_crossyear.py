"""R5 and R6: one body's report against its report of the year before."""

from __future__ import annotations

from nianbao.parsers.crossyear import cross_year_checks
from tests.archive.reports_fixtures import applications


def report(year: int, template: str = "2021", rules: tuple = (10, 2, 1), **cells: float | None) -> dict:
    issued, repealed, in_force = rules
    return {
        "year": year,
        "template": template,
        "applications": applications(**cells),
        "active_disclosure": {
            "rules": {"issued": issued, "repealed": repealed, "in_force": in_force},
            "normative_documents": {"issued": None, "repealed": None, "in_force": None},
        },
    }


def by_scope(checks) -> dict:
    return {(c.rule, c.scope): c for c in checks}


def test_r5_compares_carried_over_with_last_years_carried_forward_and_names_both_years():
    before = report(2023, carried_forward__natural_person=4)
    now = report(2024, carried_over__natural_person=5, carried_over__total=None)
    checks = by_scope(cross_year_checks(before, now))
    failed = checks[("R5", "applications.natural_person")]
    assert failed.passed is False and "2024" in failed.detail and "2023" in failed.detail
    assert checks[("R5", "applications.commercial_enterprise")].passed is True
    assert checks[("R5", "applications.total")].passed is None, "a blank is not applicable, not a 0"


def test_r6_rolls_the_documents_in_force_forward_and_only_between_2021_templates():
    before, now = report(2023, rules=(3, 0, 40)), report(2024, rules=(5, 2, 43))
    checks = by_scope(cross_year_checks(before, now))
    assert checks[("R6", "active_disclosure.rules")].passed is True
    assert checks[("R6", "active_disclosure.normative_documents")].passed is None
    wrong = by_scope(cross_year_checks(before, report(2024, rules=(5, 2, 44))))[("R6", "active_disclosure.rules")]
    assert wrong.passed is False and "= 43" in wrong.detail
    assert not [c for c in cross_year_checks(report(2023, "2019"), now) if c.rule == "R6"]


def test_no_cross_year_check_across_a_gap_or_a_legacy_report():
    assert cross_year_checks(report(2022), report(2024)) == ()
    legacy = report(2023, "legacy") | {"applications": None}
    assert cross_year_checks(legacy, report(2024)) == ()

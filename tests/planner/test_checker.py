"""The independent checker: per hard rule, a hand-built plan that breaks it (flagged with exactly that
rule) and one that keeps it (no violation)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.checker import check_plan
from planner.domain import HardRule
from tests.planner.cases import Case, visit


def base() -> Case:
    # F1: last unannounced 2026-05-15 -> deadline 2026-11-15 (6-month interval in the cases)
    return Case().facility("F1", last_unannounced="2026-05-15").inspector("I1", per_week=1)


def broken(case: Case, visits: list) -> set[HardRule]:  # type: ignore[type-arg]
    return check_plan(case.problem(), visits).rules_broken


def test_a_visit_before_the_deadline_keeps_every_rule() -> None:
    assert check_plan(base().problem(), [visit("F1", "2026-11-10")]).ok


@pytest.mark.parametrize("day", ["2026-11-16", "2026-12-01"])
def test_deadline_broken_by_a_late_visit(day: str) -> None:
    report = check_plan(base().problem(), [visit("F1", day)])
    assert report.rules_broken == {HardRule.DEADLINE}
    assert report.violations[0].facility_id == "F1"


def test_deadline_broken_by_no_visit() -> None:
    report = check_plan(base().problem(), [])
    assert report.rules_broken == {HardRule.DEADLINE}
    assert "2026-11-15" in report.violations[0].message


def test_deadline_chain_within_the_horizon() -> None:
    # visited 2026-10-05: the next deadline 2027-04-05 is after the horizon (2027-03-31): one visit is enough
    case = Case().facility("F1", last_unannounced="2026-04-20").inspector("I1")
    assert check_plan(case.problem(), [visit("F1", "2026-10-05")]).ok
    # visited 2026-09-... no: 2026-10-01 + 6 months = 2027-04-01 > end; but a visit on the last day allowed
    # by the old deadline (2026-10-20) also moves the next deadline out of the horizon
    assert check_plan(case.problem(), [visit("F1", "2026-10-20")]).ok


def test_overdue_facility_must_be_visited_in_the_first_quarter() -> None:
    case = base().facility("F5", last_unannounced="2026-01-01")  # deadline 2026-07-01, before the start
    problem = case.problem()
    ok = check_plan(problem, [visit("F1", "2026-11-10"), visit("F5", "2026-12-01")])
    assert ok.ok and ok.overdue == ("F5",)
    late = check_plan(problem, [visit("F1", "2026-11-10"), visit("F5", "2027-01-11")])
    assert late.rules_broken == {HardRule.DEADLINE}
    assert late.violations[0].facility_id == "F5"


def test_first_visit_to_a_new_facility() -> None:
    # approved 2026-08-01, never visited: first visit due 2026-11-01 (3 months), unannounced by 2027-02-01
    case = base().facility("F2", approved="2026-08-01")
    problem = case.problem()
    assert check_plan(problem, [visit("F1", "2026-11-10"), visit("F2", "2026-10-20")]).ok
    report = check_plan(problem, [visit("F1", "2026-11-10"), visit("F2", "2026-11-03")])
    assert report.rules_broken == {HardRule.FIRST_VISIT}


def test_authority_and_competence() -> None:
    case = base().inspector("I2", authority="nord").inspector("I3", competences="opholdssted;kostskole")
    assert broken(case, [visit("F1", "2026-11-10", ("I2",))]) == {HardRule.AUTHORITY_COMPETENCE}
    assert broken(case, [visit("F1", "2026-11-10", ("I3",))]) == {HardRule.AUTHORITY_COMPETENCE}
    assert broken(case, [visit("F1", "2026-11-10", ())]) == {HardRule.AUTHORITY_COMPETENCE}
    assert broken(case, [visit("F1", "2026-11-10", ("I1",))]) == set()


def test_weekly_capacity() -> None:
    case = base().facility("F4", last_unannounced="2026-05-15")  # I1 has one visit a week
    assert broken(case, [visit("F1", "2026-11-09"), visit("F4", "2026-11-10")]) == {HardRule.WEEKLY_CAPACITY}
    assert broken(case, [visit("F1", "2026-11-03"), visit("F4", "2026-11-10")]) == set()


def test_weekly_capacity_is_pro_rata_to_absence_days() -> None:
    # three visits a week, absent Monday-Wednesday: 3 * 2/5 = 1.2 -> 1 visit that week
    case = (
        Case()
        .facility("F1", last_unannounced="2026-05-15")
        .facility("F4", last_unannounced="2026-05-15")
        .inspector("I1", per_week=3)
        .absent("I1", "2026-11-09", "2026-11-11")
    )
    assert broken(case, [visit("F1", "2026-11-12"), visit("F4", "2026-11-13")]) == {HardRule.WEEKLY_CAPACITY}
    assert broken(case, [visit("F1", "2026-11-05"), visit("F4", "2026-11-13")]) == set()


@pytest.mark.parametrize(
    ("day", "why"),
    [("2026-11-14", "weekend"), ("2026-12-25", "juledag"), ("2026-11-18", "absence"), ("2027-04-01", "after horizon")],
)
def test_working_days(day: str, why: str) -> None:
    # deadline 2027-01-01; absent on Wednesday 2026-11-18 only (the week keeps capacity 3 * 4/5 -> 2)
    case = Case().facility("F1", last_unannounced="2026-07-01").inspector("I1").absent("I1", "2026-11-18", "2026-11-18")
    report = check_plan(case.problem(), [visit("F1", day)])
    assert HardRule.WORKING_DAY in report.rules_broken, why
    assert report.rules_broken <= {HardRule.WORKING_DAY, HardRule.DEADLINE}
    assert check_plan(case.problem(), [visit("F1", "2026-12-22")]).ok


def test_min_gap_to_history_and_between_planned_visits() -> None:
    case = base().visit("F1", "2026-09-20", announced=True)  # last visit (announced) 11 days before the start
    assert broken(case, [visit("F1", "2026-10-05")]) == {HardRule.MIN_GAP}
    assert broken(case, [visit("F1", "2026-10-21")]) == set()
    two = [visit("F1", "2026-10-21"), visit("F1", "2026-11-10", announced=True)]
    assert broken(case, two) == {HardRule.MIN_GAP}


def test_locked_visits_stay() -> None:
    case = base().lock("F1", "2026-10-05", "I1", announced=True)
    lock = visit("F1", "2026-10-05", announced=True, locked=True)
    assert broken(case, [lock, visit("F1", "2026-11-10")]) == set()
    assert broken(case, [visit("F1", "2026-11-10")]) == {HardRule.LOCKED_VISIT}
    moved = visit("F1", "2026-10-06", announced=True, locked=True)
    assert broken(case, [moved, visit("F1", "2026-11-10")]) == {HardRule.LOCKED_VISIT}


def test_a_week_filled_by_locks_allows_no_more_but_is_not_a_violation() -> None:
    # I1 (one a week) has two locked visits in one week: the planner's own decision
    case = (
        base()
        .facility("F4", last_unannounced="2026-05-15")
        .lock("F1", "2026-11-09", "I1")
        .lock("F4", "2026-11-10", "I1")
    )
    locks = [visit("F1", "2026-11-09", locked=True), visit("F4", "2026-11-10", locked=True)]
    assert broken(case, locks) == set()


def test_unknown_facility() -> None:
    assert broken(base(), [visit("F1", "2026-11-10"), visit("FX", "2026-11-18")]) == {HardRule.KNOWN_FACILITY}


def test_violations_name_the_date() -> None:
    report = check_plan(base().problem(), [visit("F1", "2026-11-20")])
    assert report.violations[0].date == dt.date(2026, 11, 20)
    assert "fristen 2026-11-15" in report.violations[0].message


def test_a_first_visit_due_after_the_horizon_is_not_demanded() -> None:
    # one quarter (2026-10-01..2026-12-31); approved 2026-09-15, first visit due 2027-03-15
    case = Case().facility("N1", approved="2026-09-15").inspector("I1")
    problem = case.problem(settings={"plan_horizon_quarters": 1, "first_visit_months": 6})
    n1 = problem.facility_by_id["N1"]
    assert n1.is_new and n1.first_visit_due == dt.date(2027, 3, 15) > problem.end
    assert check_plan(problem, []).ok
    assert check_plan(problem, [visit("N1", "2026-12-01")]).ok
    # within the horizon it is demanded
    assert check_plan(case.problem(settings={"first_visit_months": 6}), []).rules_broken == {
        HardRule.FIRST_VISIT,
        HardRule.DEADLINE,
    }

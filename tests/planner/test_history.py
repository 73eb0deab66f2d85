"""What the planner takes as history: records of the as-of day, locked visits before the plan start,
tilbud that close within the horizon."""

from __future__ import annotations

import datetime as dt

import pytest

from planner import solve_plan
from planner.checker import check_plan
from planner.domain import HardRule, Plan, PlanInfeasibleError, PlanningProblem, ReasonCode
from tests.planner.cases import AS_OF, Case, visit


def solve(problem: PlanningProblem) -> Plan:
    plan = solve_plan(problem)
    assert check_plan(problem, plan.visits).ok
    return plan


def dates(plan: Plan, fid: str) -> list[dt.date]:
    return sorted(v.date for v in plan.visits if v.facility_id == fid)


# --- the as-of day's records are history ---------------------------------------------------------------


def test_an_unannounced_visit_on_the_as_of_day_keeps_the_gap_and_restarts_the_deadline() -> None:
    # F1 was due 2026-10-20 and was visited unannounced on the as-of day 2026-10-01 itself: next due
    # 2027-04-01, after the horizon (2027-03-31), so no visit; it used to be planned by 2026-10-20
    case = Case().facility("F1", last_unannounced="2026-04-20", risk=0.9).visit("F1", AS_OF.isoformat()).inspector("I1")
    problem = case.problem()
    f = problem.facility_by_id["F1"]
    assert f.last_unannounced == AS_OF and f.last_visit == AS_OF
    assert f.deadline == dt.date(2027, 4, 1) and not f.overdue
    assert all((d - AS_OF).days >= 30 for d in dates(solve(problem), "F1"))


def test_an_announced_visit_on_the_as_of_day_keeps_the_gap() -> None:
    # due 2026-10-20, but an announced visit on the as-of day: the gap leaves no day before the deadline,
    # so the tilbud is overdue and visited from 2026-10-31 on (not within days of the announced visit)
    case = (
        Case()
        .facility("F1", last_unannounced="2026-04-20", risk=0.95)
        .visit("F1", AS_OF.isoformat(), announced=True)
        .inspector("I1")
    )
    problem = case.problem()
    f = problem.facility_by_id["F1"]
    assert f.deadline == dt.date(2026, 10, 20) and f.overdue and f.last_visit == AS_OF
    assert dates(solve(problem), "F1")[0] >= AS_OF + dt.timedelta(days=30)


def test_a_tilbud_approved_on_the_as_of_day_gets_its_first_visit() -> None:
    case = Case().facility("F1", last_unannounced="2026-05-20").facility("N1", approved=AS_OF.isoformat())
    problem = case.inspector("I1").problem()
    n1 = problem.facility_by_id["N1"]
    assert n1.is_new and n1.first_visit_due == dt.date(2027, 1, 1)
    plan = solve(problem)
    first = dates(plan, "N1")[0]
    assert first <= dt.date(2027, 1, 1)
    assert next(v for v in plan.visits if v.facility_id == "N1").reason_code == ReasonCode.NEW_FACILITY


def test_a_tilbud_closed_on_the_as_of_day_is_not_planned() -> None:
    case = Case().facility("F1", last_unannounced="2026-05-20")
    case.facility("F2", last_unannounced="2026-05-20", closed=AS_OF.isoformat())
    problem = case.inspector("I1").problem()
    assert [f.facility_id for f in problem.facilities] == ["F1"]


# --- locked visits before the plan start ---------------------------------------------------------------

REPLAN = dt.date(2026, 10, 20)  # a re-plan within the quarter: the plan starts on the as-of day


def test_a_past_unannounced_lock_keeps_the_gap_but_not_the_deadline() -> None:
    # F1 due 2026-11-15; a lock (unannounced) on 2026-10-12, not in visits.csv: it used to count as the
    # unannounced visit (next due 2027-04-12, after the horizon, so no visit at all)
    case = Case().facility("F1", last_unannounced="2026-05-15").inspector("I1").lock("F1", "2026-10-12", "I1")
    problem = case.problem(as_of=REPLAN, settings={"today": REPLAN})
    f = problem.facility_by_id["F1"]
    assert f.last_unannounced == dt.date(2026, 5, 15) and f.deadline == dt.date(2026, 11, 15)
    assert f.last_visit == dt.date(2026, 10, 12)
    days = dates(solve(problem), "F1")
    assert dt.date(2026, 11, 11) <= days[0] <= dt.date(2026, 11, 15)  # the gap after the lock, the old deadline
    (note,) = [n for n in problem.notes if "låst" in n.lower()]
    assert "F1" in note and "visits.csv" in note
    assert "2026-10-12" not in note and "12. oktober" not in note  # an unannounced date is confidential


def test_a_past_announced_lock_is_named_with_its_date() -> None:
    case = Case().facility("F1", last_unannounced="2026-05-15").inspector("I1")
    case.lock("F1", "2026-10-12", "I1", announced=True)
    problem = case.problem(as_of=REPLAN, settings={"today": REPLAN})
    assert problem.facility_by_id["F1"].deadline == dt.date(2026, 11, 15)
    assert any("Låst besøg 2026-10-12 hos F1" in n for n in problem.notes)


def test_a_past_lock_in_the_visits_file_needs_no_note() -> None:
    case = Case().facility("F1", last_unannounced="2026-05-15").inspector("I1").lock("F1", "2026-10-12", "I1")
    case.visit("F1", "2026-10-12")
    problem = case.problem(as_of=REPLAN, settings={"today": REPLAN})
    assert problem.facility_by_id["F1"].deadline == dt.date(2027, 4, 12)  # from the visits file
    assert not [n for n in problem.notes if "låst" in n.lower()]


def test_a_past_lock_is_not_a_new_tilbuds_first_visit() -> None:
    case = Case().facility("N1", approved="2026-08-01").inspector("I1").lock("N1", "2026-10-05", "I1", announced=True)
    problem = case.problem(as_of=REPLAN, settings={"today": REPLAN})
    n1 = problem.facility_by_id["N1"]
    assert n1.is_new and n1.first_visit_due == dt.date(2026, 11, 1)
    assert n1.last_visit == dt.date(2026, 10, 5)
    assert dates(solve(problem), "N1")[0] >= dt.date(2026, 11, 4)  # the gap after the lock (overdue)


def test_a_lock_between_the_as_of_day_and_the_plan_start_counts_as_history() -> None:
    # planning 2027Q1 on 2026-10-01: the agreed (unannounced) visit of 2026-11-10 will have taken place
    case = Case().facility("F1", last_unannounced="2026-05-15").inspector("I1").lock("F1", "2026-11-10", "I1")
    problem = case.problem(quarter="2027Q1")
    f = problem.facility_by_id["F1"]
    assert f.last_unannounced == dt.date(2026, 11, 10) and f.deadline == dt.date(2027, 5, 10)
    assert not [n for n in problem.notes if "låst" in n.lower()]


# --- tilbud that close within the horizon -------------------------------------------------------------


def test_a_tilbud_closing_before_its_deadline_is_not_visited() -> None:
    # F1 due 2027-02-15 but closing 2027-01-15: no visit needed (it used to be planned up to 2027-02-15);
    # F2 due 2026-12-15, closing 2027-01-15: visited before it closes
    case = (
        Case()
        .facility("F1", last_unannounced="2026-08-15", closed="2027-01-15")
        .facility("F2", last_unannounced="2026-06-15", closed="2027-01-15")
        .facility("F3", last_unannounced="2026-08-15")
        .inspector("I1")
    )
    problem = case.problem()
    assert problem.facility_by_id["F1"].closed_on == dt.date(2027, 1, 15)
    plan = solve(problem)
    assert dates(plan, "F1") == []
    assert dates(plan, "F2") and max(dates(plan, "F2")) <= dt.date(2026, 12, 15)
    assert dates(plan, "F3")
    assert "2 tilbud lukker i planens horisont; ingen besøg planlagt fra lukkedagen: " in " ".join(plan.analysis.notes)


def test_a_chain_stops_at_the_closing_day() -> None:
    # a 2-month interval: visits every two months, but none on or after the closing day 2027-01-15
    case = Case().facility("F1", last_unannounced="2026-09-01", closed="2027-01-15").inspector("I1")
    problem = case.problem(settings={"visit_interval_default_months": 2})
    assert "F1 lukker 2027-01-15: ingen besøg planlagt efter." in problem.notes
    days = dates(solve(problem), "F1")
    assert len(days) == 2 and max(days) < dt.date(2027, 1, 15)


def test_an_overdue_tilbud_that_closes_is_visited_before_it_closes() -> None:
    case = Case().facility("F1", last_unannounced="2026-03-01", closed="2026-11-16").inspector("I1")
    problem = case.problem()
    f = problem.facility_by_id["F1"]
    assert f.overdue and f.overdue_due == dt.date(2026, 11, 15)
    assert dates(solve(problem), "F1")[0] <= dt.date(2026, 11, 15)


def test_the_checker_refuses_a_visit_on_or_after_the_closing_day() -> None:
    problem = Case().facility("F1", last_unannounced="2026-06-15", closed="2026-12-01").inspector("I1").problem()
    assert check_plan(problem, [visit("F1", "2026-11-30")]).ok
    assert check_plan(problem, [visit("F1", "2026-12-01")]).rules_broken == {HardRule.KNOWN_FACILITY}
    assert check_plan(problem, []).ok  # the deadline 2026-12-15 falls after the closing day: no visit needed
    earlier = Case().facility("F1", last_unannounced="2026-05-15", closed="2026-12-01").inspector("I1").problem()
    assert check_plan(earlier, []).rules_broken == {HardRule.DEADLINE}  # due 2026-11-15, before it closes


def test_a_tilbud_closing_before_the_plan_start_is_not_planned() -> None:
    case = Case().facility("F1", last_unannounced="2026-08-15").facility("F2", closed="2026-12-01").inspector("I1")
    problem = case.problem(quarter="2027Q1")
    assert [f.facility_id for f in problem.facilities] == ["F1"]
    assert any("F2 (2026-12-01)" in n and "ikke med i planen" in n for n in problem.notes)


def test_a_tilbud_closing_before_the_gap_allows_a_visit_is_not_planned() -> None:
    case = Case().facility("F1", last_unannounced="2026-03-01", closed="2026-10-20").inspector("I1")
    problem = case.visit("F1", "2026-09-25", announced=True).problem()
    assert problem.facilities == ()
    assert any("F1 (2026-10-20)" in n for n in problem.notes)
    assert solve(problem).visits == ()


def test_a_closure_between_the_as_of_day_and_today_was_not_known_on_the_as_of_day() -> None:
    # a what-if as of 2026-10-01 made on 2026-11-01: the closure of 2026-10-20 had not been announced then
    case = Case().facility("F1", last_unannounced="2026-06-15", closed="2026-10-20").inspector("I1")
    problem = case.problem(settings={"today": dt.date(2026, 11, 1)})
    assert problem.facility_by_id["F1"].closed_on is None


def test_a_lock_on_or_after_the_closing_day_is_refused() -> None:
    case = Case().facility("F1", last_unannounced="2026-06-15", closed="2026-12-01").inspector("I1")
    case.lock("F1", "2026-12-01", "I1")
    with pytest.raises(PlanInfeasibleError) as error:
        case.problem()
    assert "Låst besøg i F1 den 2026-12-01: F1 er lukket pr. 2026-12-01" in str(error.value.details)


def test_a_closure_within_the_datas_span_is_history_not_an_announcement() -> None:
    # a replay as of 2026-10-01 of data that runs to 2026-12-10 (synthetic Denmark in the backtest): the
    # closure of 2026-11-01 happened later in the data and was not known on the as-of day
    case = Case().facility("F1", last_unannounced="2026-06-15", closed="2026-11-01").facility("F2")
    case.visit("F2", "2026-12-10").inspector("I1")
    assert case.problem().facility_by_id["F1"].closed_on is None
    # the same closure announced (after the data's last record) is honoured
    announced = Case().facility("F1", last_unannounced="2026-06-15", closed="2026-11-01").inspector("I1")
    assert announced.problem().facility_by_id["F1"].closed_on == dt.date(2026, 11, 1)


def test_without_visit_data_a_tilbud_approved_within_the_first_visit_window_of_the_as_of_day_is_new() -> None:
    """A tilsyn whose tilbud are all new brings an empty visits.csv. Planning 2027Q1 on 24 November 2026, a tilbud
    approved 5 June 2026 lost its first-visit rule (first visit by 5 December 2026) and was planned for August 2027
    as "Lovkrav: uanmeldt besøg senest 5. juni 2028": without visit data "new" was counted back from the plan's
    start (1 January) rather than from the as-of day, so the tilbud approved in June fell between the two."""
    case = (
        Case().inspector("I1", per_week=5).facility("N1", approved="2026-08-15").facility("O1", approved="2026-05-01")
    )
    problem = case.problem(quarter="2027Q1")  # as of 1 October 2026; the first-visit rule is 3 months here
    n1, o1 = problem.facility_by_id["N1"], problem.facility_by_id["O1"]
    assert n1.is_new and n1.first_visit_due == dt.date(2026, 11, 15)
    # approved before the window: not known to be new (it may have had its first visit), the deadline as before
    assert not o1.is_new and o1.first_visit_due is None and o1.deadline == dt.date(2026, 11, 1)
    assert n1.overdue  # due before 2027Q1 begins: the plan says so and visits it first
    plan = solve(problem)
    assert dates(plan, "N1")[0] <= dt.date(2027, 1, 15)

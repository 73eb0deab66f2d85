"""What the planner takes as history: records of the as-of day, locked visits before the plan start,
tilbud that close within the horizon."""

from __future__ import annotations

import datetime as dt

from planner import solve_plan
from planner.checker import check_plan
from planner.domain import Plan, PlanningProblem, ReasonCode
from tests.planner.cases import AS_OF, Case


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
    case = Case().facility("F1", last_unannounced="2026-05-20").facility("F2", last_unannounced="2026-05-20")
    case.facilities[1]["closed_on"] = AS_OF.isoformat()
    problem = case.inspector("I1").problem()
    assert [f.facility_id for f in problem.facilities] == ["F1"]

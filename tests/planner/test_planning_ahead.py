"""Planning ahead: a quarter after the next one builds on the stored plans of the quarters before it, and is
refused while a deadline falls before its start that none of them keeps (``planner.problem``, "Planning ahead").

As of 2026-10-01 (2026Q4) the next quarter is 2027Q1; 2027Q2 is the quarter after next. Interval 6 months.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from data.errors import InvalidArgumentError
from planner.domain import EarlierPlan, EarlierVisit, PlanningProblem
from planner.solver import solve_plan
from tests.planner.cases import Case


def ahead_case() -> Case:
    # A: deadline 2026-12-01 (the current quarter); B: 2027-03-01 (the next quarter); C, a kostskole visited
    # every 12 months: 2027-09-30 (2027Q3)
    case = Case().inspector("I1", per_week=5)
    case.facility("A", last_unannounced="2026-06-01")
    case.facility("B", last_unannounced="2026-09-01")
    case.facility("C", ftype="kostskole", last_unannounced="2026-09-30")
    return case


def problem(quarter: str, **overrides: Any) -> PlanningProblem:
    return ahead_case().problem(quarter=quarter, settings={"visit_interval_months": {"kostskole": 12}}, **overrides)


def test_a_quarter_after_the_next_is_refused_while_a_deadline_before_it_is_left_unplanned() -> None:
    # The QA's 2030Q1 typo: every visit went into 2030Q1 as "overdue", years late, and the plan looked clean
    with pytest.raises(InvalidArgumentError) as info:
        problem("2027Q2")
    message = info.value.message
    assert message.startswith("Kvartalet 2027Q2 kan ikke planlægges endnu: 2027Q1 er ikke planlagt, og 2 tilbud")
    assert "har en frist før 2027Q2 begynder (A, B; den tidligste: A, frist 2026-12-01)" in message
    assert "først tilsynsplan plan --quarter 2027Q1" in message
    with pytest.raises(InvalidArgumentError, match="2027Q1 er ikke planlagt"):
        problem("2030Q1")


def test_the_next_quarter_is_always_accepted() -> None:
    # planning 2027Q1 in early December: A's deadline lies in the current quarter, the planner's business now
    assert problem("2027Q1", as_of=dt.date(2026, 12, 3)).facility_by_id["A"].overdue
    # ... unless the current quarter's plan visits it in December: then the next plan does not visit it again
    q4 = EarlierPlan(1, "2026Q4", None, (EarlierVisit("A", dt.date(2026, 12, 10), False),))
    a = problem("2027Q1", as_of=dt.date(2026, 12, 3), earlier_plans=[q4]).facility_by_id["A"]
    assert not a.overdue and a.deadline == dt.date(2027, 6, 10)
    # a visit on or before the as-of day is history only once visits.csv holds it
    a = problem("2027Q1", as_of=dt.date(2026, 12, 10), earlier_plans=[q4]).facility_by_id["A"]
    assert a.overdue


def test_a_quarter_after_the_next_builds_on_the_stored_plan_of_the_quarter_before() -> None:
    # planning 2027Q2 in October when 2027Q1 has a plan: its visits will have taken place
    q1 = EarlierPlan(
        3,
        "2027Q1",
        None,
        (EarlierVisit("A", dt.date(2027, 1, 5), False), EarlierVisit("B", dt.date(2027, 2, 9), False)),
    )
    ahead = problem("2027Q2", earlier_plans=[q1])
    a, b = ahead.facility_by_id["A"], ahead.facility_by_id["B"]
    assert not a.overdue and a.last_unannounced == dt.date(2027, 1, 5) and a.deadline == dt.date(2027, 7, 5)
    assert not b.overdue and b.deadline == dt.date(2027, 8, 9)
    assert "Planen bygger på plan 3 for 2027Q1 (2 besøg)" in " ".join(ahead.notes)
    plan = solve_plan(ahead)
    assert not plan.analysis.overdue and {v.facility_id for v in plan.visits} == {"A", "B", "C"}
    assert all(v.date >= dt.date(2027, 2, 9) + dt.timedelta(days=30) for v in plan.visits)  # the minimum gap too


def test_a_plan_for_another_socialtilsyn_does_not_cover_and_the_newest_plan_of_record_counts() -> None:
    nord = EarlierPlan(3, "2027Q1", "nord", (EarlierVisit("A", dt.date(2027, 1, 5), False),))
    with pytest.raises(InvalidArgumentError, match="2027Q1 er ikke planlagt"):
        problem("2027Q2", earlier_plans=[nord])
    old = EarlierPlan(4, "2027Q1", None, (EarlierVisit("A", dt.date(2027, 1, 5), False),))
    new = EarlierPlan(5, "2027Q1", "midt", (EarlierVisit("A", dt.date(2027, 1, 12), False),))  # B not visited
    with pytest.raises(InvalidArgumentError) as info:
        problem("2027Q2", earlier_plans=[old, new])
    assert "1 tilbud har en frist før 2027Q2 begynder (B; den tidligste: B, frist 2027-03-01)" in info.value.message
    assert "som de gemte planer for 2027Q1 ikke besøger" in info.value.message


def test_the_as_of_days_visits_of_a_plan_made_that_day_count_for_the_next_quarter() -> None:
    # Early January: 2027Q1 planned on its first day puts the overdue A on that very day (the plan starts on
    # the as-of day); 2027Q2 planned the same day saw A as overdue again and sent it a second visit in April
    q1 = EarlierPlan(
        3,
        "2027Q1",
        None,
        (EarlierVisit("A", dt.date(2027, 1, 4), False), EarlierVisit("B", dt.date(2027, 2, 9), False)),
        as_of=dt.date(2027, 1, 4),
    )
    ahead = problem("2027Q2", as_of=dt.date(2027, 1, 4), earlier_plans=[q1])
    a = ahead.facility_by_id["A"]
    assert not a.overdue and a.last_unannounced == dt.date(2027, 1, 4) and a.deadline == dt.date(2027, 7, 4)
    assert "Planen bygger på plan 3 for 2027Q1 (2 besøg)" in " ".join(ahead.notes)
    # a plan made before the as-of day: its visit on the as-of day is history only once visits.csv holds it
    earlier = EarlierPlan(3, "2027Q1", None, q1.visits, as_of=dt.date(2026, 12, 20))
    assert problem("2027Q2", as_of=dt.date(2027, 1, 4), earlier_plans=[earlier]).facility_by_id["A"].overdue

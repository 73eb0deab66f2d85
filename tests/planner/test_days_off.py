"""Days off besides the public holidays (``Settings.days_off``, default juleaftensdag and nytårsaftensdag)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from pydantic import ValidationError

from data.settings import Settings
from planner.calendar_grid import WeekGrid, build_capacity
from planner.checker import check_plan
from planner.domain import HardRule
from tests.planner.cases import Case
from tests.planner.test_solver_rules import solve

XMAS_EVE = dt.date(2026, 12, 24)
NEW_YEARS_EVE = dt.date(2026, 12, 31)


def late_december_case() -> Case:
    # I1 is away until 20 December; ten tilbud are due by 31 December (interval six months), so every
    # visit falls in 21-31 December; L has a visit agreed on juleaftensdag.
    case = Case().inspector("I1", per_week=10).absent("I1", "2026-10-01", "2026-12-20")
    for k in range(10):
        case.facility(f"F{k:02d}", last_unannounced="2026-06-30")
    case.facility("L", last_unannounced="2026-09-01").lock("L", "2026-12-24", "I1")
    return case


def test_nothing_is_planned_on_the_days_off_but_an_agreed_visit_stays() -> None:
    problem, plan = solve(late_december_case())
    assert problem.days_off == frozenset({XMAS_EVE, NEW_YEARS_EVE})
    on_days_off = [(v.facility_id, v.locked) for v in plan.visits if v.date in problem.days_off]
    assert on_days_off == [("L", True)]
    assert all(dt.date(2026, 12, 21) <= v.date <= NEW_YEARS_EVE for v in plan.visits if v.facility_id != "L")


def test_the_days_off_lower_that_weeks_capacity() -> None:
    problem = late_december_case().problem()
    capacity = build_capacity(problem, WeekGrid.of(problem)).capacity["I1"]
    grid = WeekGrid.of(problem)
    week = grid.week_of(XMAS_EVE)
    # 21-25 December: the 25th is a public holiday, the 24th a day off -> 3 of 5 days: 10 * 3/5 = 6
    assert grid.days[week] == (dt.date(2026, 12, 21), dt.date(2026, 12, 22), dt.date(2026, 12, 23))
    assert capacity[week] == 6
    none = late_december_case().problem(settings={"days_off": []})
    assert none.days_off == frozenset()
    assert build_capacity(none, WeekGrid.of(none)).capacity["I1"][week] == 8


def test_the_checker_refuses_a_planned_visit_on_a_day_off() -> None:
    problem, plan = solve(late_december_case())
    moved = [replace(v, date=XMAS_EVE) if v.facility_id == "F00" else v for v in plan.visits]
    report = check_plan(problem, moved)
    assert [(v.rule, v.facility_id) for v in report.violations if v.rule == HardRule.WORKING_DAY] == [
        (HardRule.WORKING_DAY, "F00")
    ]
    assert "fridag" in next(str(v) for v in report.violations if v.rule == HardRule.WORKING_DAY)


@pytest.mark.parametrize("bad", ["24-12", "12-32", "december 24", "2026-12-24"])
def test_a_day_off_must_be_month_and_day(bad: str) -> None:
    with pytest.raises(ValidationError, match="MM-DD"):
        Settings(days_off=[bad])

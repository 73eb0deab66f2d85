"""Days off besides the public holidays (``Settings.days_off``, default juleaftensdag and nytårsaftensdag)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from pydantic import ValidationError

from data.errors import InvalidArgumentError
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


@pytest.mark.parametrize(
    ("as_of", "why"),
    [
        (NEW_YEARS_EVE, "nytårsaftensdag er en fridag"),  # 31 December: a Thursday, but a day off
        (dt.date(2026, 12, 27), "søndag"),  # the last working days lie ahead: 28-30 December
    ],
)
def test_the_current_quarter_on_its_last_days_is_planned_only_with_a_working_day_left(as_of: dt.date, why: str) -> None:
    """As of 31 December, 2025Q4 was planned with no day left to plan in: the plan of record for the quarter had no
    visit in it, "0 % mod 0 %" of the riskiest visited, and said of the overdue tilbud "Planen lægger dem først i
    kvartalet"; as of Sunday 30 June 2024 the same plan for 2024Q2 was refused as short of inspector-days in July
    (an overdue visit gets 28 days when the first quarter has none left), while 2024Q3 planned fine that day."""
    case = Case().inspector("I1", per_week=5).facility("A", last_unannounced="2026-06-30")
    settings = {"today": NEW_YEARS_EVE}
    if as_of == NEW_YEARS_EVE:
        with pytest.raises(InvalidArgumentError) as info:
            case.problem(quarter="2026Q4", as_of=as_of, settings=settings)
        assert str(info.value) == (
            "Kvartalet 2026Q4 har ingen arbejdsdag tilbage fra opgørelsesdatoen 2026-12-31 (weekender, helligdage "
            "og fridagene i indstillingen days_off tæller ikke): en plan for det ville ikke have et eneste besøg i "
            "kvartalet. Planlæg det næste kvartal, 2027Q1."
        )
        # the next quarter, the same day, is planned
        assert case.problem(quarter="2027Q1", as_of=as_of, settings=settings).quarter == "2027Q1"
    else:
        problem = case.problem(quarter="2026Q4", as_of=as_of, settings=settings)
        assert problem.start == as_of and problem.quarter == "2026Q4", why

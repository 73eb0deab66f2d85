"""The first quarter's figures when its last week runs into the next quarter (2027K1 ends Wednesday 31 March; the
week of 29 March has 1-2 April too): capacity and the rotation's visits are counted by the days in the quarter, as
the plan's visits are (bench/edge_worlds.py all_absent: every inspector away all of 2027K1 read "kapacitet 1,
udnyttelse 0 %" and "0 % mod 6 % i rotationen")."""

from __future__ import annotations

import datetime as dt

from planner import solve_plan
from tests.planner.cases import Case

AS_OF = dt.date(2026, 12, 1)


def away_all_quarter(per_week: int = 5) -> Case:
    """One tilbud due Friday 2 April 2027 (last unannounced visit 2 October 2026, a 6-month interval) and one
    inspector away from 1 January to 31 March: the only days it can be visited are 1-2 April, in 2027K2."""
    case = Case().inspector("I1", per_week=per_week)
    case.facility("F1", last_unannounced="2026-10-02", risk=0.9)
    return case.absent("I1", "2027-01-01", "2027-03-31")


def test_an_inspector_away_all_quarter_has_no_capacity_in_it() -> None:
    plan = solve_plan(away_all_quarter().problem(quarter="2027Q1", as_of=AS_OF))
    [visit] = [v for v in plan.visits if v.facility_id == "F1" and v.date <= dt.date(2027, 4, 2)]
    assert visit.date in (dt.date(2027, 4, 1), dt.date(2027, 4, 2))
    assert plan.analysis.visits_first_quarter_by_inspector == {"I1": 0}
    # 1-2 April are two days of 2027K2's week, not of 2027K1: capacity 2 (5 a week x 2 / 5) was counted in 2027K1
    assert plan.analysis.capacity_first_quarter_by_inspector == {"I1": 0}


def test_the_rotation_gets_no_first_quarter_visit_the_plan_could_not_make_either() -> None:
    plan = solve_plan(away_all_quarter().problem(quarter="2027Q1", as_of=AS_OF))
    base = plan.analysis.baseline
    assert base.top_decile_count == 1
    assert base.plan_top_decile_first_quarter == 0.0
    # the rotation's visit lies in the same week as the plan's, on 1 or 2 April: not in 2027K1 either
    assert base.baseline_top_decile_first_quarter == 0.0


def test_the_quarters_first_days_of_a_straddling_week_still_count() -> None:
    """Present on 30-31 March only (away 1 January - 29 March and from 1 April): 2 days of 2027K1, capacity 2."""
    case = Case().inspector("I1", per_week=5)
    case.facility("F1", last_unannounced="2026-09-30", risk=0.9)  # due Wednesday 31 March
    case.absent("I1", "2027-01-01", "2027-03-29").absent("I1", "2027-04-01", "2027-06-30")
    plan = solve_plan(case.problem(quarter="2027Q1", as_of=AS_OF))
    assert plan.analysis.capacity_first_quarter_by_inspector == {"I1": 2}
    assert plan.analysis.visits_first_quarter_by_inspector == {"I1": 1}
    assert plan.analysis.baseline.plan_top_decile_first_quarter == 1.0
    assert plan.analysis.baseline.baseline_top_decile_first_quarter == 1.0

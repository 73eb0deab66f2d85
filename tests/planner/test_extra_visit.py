"""The top tier's extra first-quarter visit for a facility that needs no visit in the horizon (its
deadline lies after it: a 36-month interval, a short horizon, a closing day): an optional slot."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from planner import solve_plan
from planner.calendar_grid import WeekGrid, build_capacity
from planner.checker import check_plan
from planner.domain import Plan, PlanningProblem, ReasonCode, SoftRule, VisitRole
from planner.hint import flow_lower_bound, flow_schedule, schedule_hint
from planner.objective import evaluate
from planner.slots import compute_slots
from planner.week_model import WeekModelData
from planner.week_solve import build_week_model, extract_placements
from tests.planner.cases import Case

Q1_END = dt.date(2026, 12, 31)
TWELVE = {"visit_interval_default_months": 12, "top_tier_share": 0.5}


def week_data(problem: PlanningProblem) -> WeekModelData:
    grid = WeekGrid.of(problem)
    slots = compute_slots(problem, grid)
    return WeekModelData(
        "midt", problem, grid, build_capacity(problem, grid), slots.of_authority("midt"), slots.gap_weeks
    )


def solve(problem: PlanningProblem) -> Plan:
    plan = solve_plan(problem)
    assert check_plan(problem, plan.visits).ok
    return plan


def no_deadline_case() -> Case:
    # a 12-month interval over a 2-quarter horizon (to 2027-03-31): both are due in June 2027, no visit needed
    return (
        Case()
        .facility("F1", last_unannounced="2026-06-01", risk=0.9)
        .facility("F2", last_unannounced="2026-06-15", risk=0.1)
        .inspector("I1")
    )


def test_a_top_tier_facility_without_a_deadline_in_the_horizon_gets_its_extra_visit() -> None:
    problem = no_deadline_case().problem(settings=TWELVE)
    assert problem.facility_by_id["F1"].top_tier and not problem.facility_by_id["F2"].top_tier
    (slot,) = compute_slots(problem, WeekGrid.of(problem)).by_facility["F1"]
    assert slot.optional and slot.role == VisitRole.EXTRA_TOP_TIER
    assert (slot.lo, slot.hi) == (problem.start, Q1_END)
    plan = solve(problem)
    (f1,) = [v for v in plan.visits if v.facility_id == "F1"]
    assert f1.date <= Q1_END and f1.role == VisitRole.EXTRA_TOP_TIER
    assert f1.reason_code == ReasonCode.EXTRA_TOP_TIER
    assert f1.reason.startswith("Ekstra uanmeldt besøg i kvartalet") and "1. juni 2027" in f1.reason
    assert not [v for v in plan.visits if v.facility_id == "F2"]  # not top tier: no visit needed
    assert plan.analysis.rule_costs[SoftRule.EXTRA_TOP_TIER] == 0
    assert plan.analysis.baseline.plan_top_decile_first_quarter == 1.0


def test_the_extra_visit_is_left_out_at_its_cost_when_there_is_no_capacity() -> None:
    case = no_deadline_case().absent("I1", "2026-10-01", "2026-12-31")
    problem = case.problem(settings=TWELVE)
    plan = solve(problem)
    assert plan.visits == ()
    assert plan.analysis.rule_costs[SoftRule.EXTRA_TOP_TIER] == 13 * 90
    d = week_data(problem)
    assert evaluate(d, {})[SoftRule.EXTRA_TOP_TIER] == 13 * 90
    flow = flow_schedule(d)
    assert flow.placements == {} and flow_lower_bound(d, flow) == plan.analysis.objective


def test_no_extra_slot_when_a_locked_visit_lies_in_the_first_quarter() -> None:
    case = no_deadline_case().lock("F1", "2026-11-10", "I1", announced=True)
    problem = case.problem(settings=TWELVE)
    assert compute_slots(problem, WeekGrid.of(problem)).by_facility["F1"] == ()
    assert [v.date for v in solve(problem).visits if v.facility_id == "F1"] == [dt.date(2026, 11, 10)]


def test_the_extra_slot_keeps_the_gap_to_the_last_visit() -> None:
    case = no_deadline_case().visit("F1", "2026-09-20", announced=True)
    problem = case.problem(settings=TWELVE)
    (slot,) = compute_slots(problem, WeekGrid.of(problem)).by_facility["F1"]
    assert slot.lo == dt.date(2026, 10, 20)
    (f1,) = [v for v in solve(problem).visits if v.facility_id == "F1"]
    assert dt.date(2026, 10, 20) <= f1.date <= Q1_END


def test_a_one_quarter_horizon_and_a_new_tilbud() -> None:
    # one quarter; N1 approved 2026-09-15 with its first visit due 2027-03-15, after the horizon
    case = (
        Case().facility("N1", approved="2026-09-15", risk=0.9).facility("F1", risk=0.1, last_unannounced="2026-06-01")
    )
    problem = case.inspector("I1").problem(
        settings={
            "plan_horizon_quarters": 1,
            "first_visit_months": 6,
            "visit_interval_default_months": 12,
            "top_tier_share": 0.5,
        }
    )
    (n1,) = [v for v in solve(problem).visits if v.facility_id == "N1"]
    assert n1.role == VisitRole.EXTRA_TOP_TIER and n1.date <= Q1_END


def test_the_extra_slot_costs_the_same_in_cp_sat_in_python_and_in_the_flow() -> None:
    case = no_deadline_case().facility("F3", last_unannounced="2026-02-01", risk=0.5)  # due 2027-02-01
    problem = case.problem(settings=TWELVE)
    d = week_data(problem)
    assert sum(s.optional for s in d.slots) == 1 and set(d.extra_weight) == {"F1#1", "F3#1"}
    model, v, terms = build_week_model(d)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    python = evaluate(d, extract_placements(d, v, solver))
    for t in terms:
        assert t.value(solver) == python[str(t.rule)], t.rule
    assert sum(python.values()) == round(solver.objective_value)
    hint, bound = schedule_hint(d)
    assert "F1#1" in hint and bound is not None and bound <= round(solver.objective_value)

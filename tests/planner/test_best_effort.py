"""A best-effort plan (``solve_plan(allow_late=True)``): when capacity is too short for the deadlines, the relaxed
optimum is the plan, with every missed deadline recorded; by default the plan is refused as before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import solve_plan
from planner.checker import check_plan
from planner.domain import BEST_EFFORT, HardRule, OverdueFacility, Plan, PlanInfeasibleError, ReasonCode
from tests.planner.cases import Case

DUE = dt.date(2026, 10, 9)  # a Friday: last unannounced visit 2026-04-09 + 6 months


def short_case(k: int = 3, per_week: int = 1) -> Case:
    """``k`` tilbud due Friday 9 October; the plan starts Thursday 1 October: week 0 (2 days) gives
    ``round(per_week * 2 / 5)`` visits, week 1 ``per_week``; the rest are late."""
    case = Case().inspector("I1", per_week=per_week)
    for n in range(k):
        case.facility(f"F{n}", last_unannounced="2026-04-09")
    return case


def late_of(plan: Plan) -> dict[str, OverdueFacility]:
    return {o.facility_id: o for o in plan.analysis.late}


def test_refused_by_default_and_the_message_tells_how_to_get_the_best_effort_plan() -> None:
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(short_case().problem())
    message = info.value.message
    assert "Socialtilsyn Midt mangler 10 tilsynsdage i 2026K4" in message
    assert "tilsynsplan plan --allow-late" in message and "feltet allow_late" in message


def test_the_best_effort_plan_misses_exactly_the_deadlines_the_diagnosis_names_and_as_little_as_it_can() -> None:
    problem = short_case().problem()
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(problem)
    named = set(info.value.details[0]["facility_ids"])  # type: ignore[arg-type]
    plan = solve_plan(problem, allow_late=True)
    assert plan.status == BEST_EFFORT and plan.best_effort
    late = late_of(plan)
    assert set(late) == named and len(named) == 2
    assert all(o.deadline == DUE and o.planned_date is not None for o in late.values())
    # one visit a week from week 1: the late ones in weeks 2 and 3 -- 1 + 2 weeks; 1 + 3 (an idle week between)
    # or 2 + 2 would be an avoidable extra week
    assert sorted(o.weeks_late for o in late.values()) == [1, 2]  # type: ignore[type-var]
    for o in late.values():
        assert o.planned_date is not None and o.weeks_late == (o.planned_date - DUE).days // 7 + 1
    # the plan's missed deadlines are its visits' reasons too (a planner reads them per visit)
    for v in plan.visits:
        assert (v.reason_code == ReasonCode.LATE) == (v.facility_id in late)
    assert "overskrides, 1 uge for sent" in " ".join(v.reason for v in plan.visits)
    # the diagnosis's inspector-days stay with the plan
    [shortfall] = plan.analysis.shortfall
    assert (shortfall.authority, shortfall.quarter, shortfall.inspector_days) == ("midt", "2026Q4", 10)
    assert set(shortfall.facility_ids) == named
    # stored and read back (JSON) unchanged
    assert type(plan.analysis).from_dict(plan.analysis.to_dict()).late == plan.analysis.late


def test_the_checker_accepts_only_recorded_late_visits_of_a_best_effort_plan() -> None:
    problem = short_case().problem()
    plan = solve_plan(problem, allow_late=True)
    assert check_plan(problem, plan.visits, plan.analysis.late).ok
    # the same visits as a normal plan: every late visit is a violation
    normal = check_plan(problem, plan.visits)
    assert {v.facility_id for v in normal.of_rule(HardRule.DEADLINE)} == set(late_of(plan))
    # a late visit the plan does not record (silent) is still an error
    first, *rest = plan.analysis.late
    silent = check_plan(problem, plan.visits, rest)
    assert [v.facility_id for v in silent.violations] == [first.facility_id]
    # a record that understates the lateness, or names a deadline that is kept, is an error too
    wrong = check_plan(problem, plan.visits, [replace(first, weeks_late=0), *rest])
    assert not wrong.ok
    kept = next(v for v in plan.visits if v.facility_id not in late_of(plan))
    invented = OverdueFacility(kept.facility_id, "midt", DUE, kept.date, 0)
    assert "det passer ikke med planens besøg" in str(
        check_plan(problem, plan.visits, [*plan.analysis.late, invented]).violations[0]
    )
    # every other rule is still checked in a best-effort plan: a late visit moved onto the Saturday of its week
    assert first.planned_date is not None
    saturday = first.planned_date + dt.timedelta(days=5 - first.planned_date.weekday())
    moved = [replace(v, date=saturday) if v.facility_id == first.facility_id else v for v in plan.visits]
    moved_late = [replace(first, planned_date=saturday), *rest]
    assert {v.rule for v in check_plan(problem, moved, moved_late).violations} == {HardRule.WORKING_DAY}


def test_a_deadline_no_week_can_take_is_recorded_without_a_visit() -> None:
    # the only inspector is away from week 3 to the horizon's end: week 1 keeps one deadline, week 2 takes one
    # visit a week late, and the third tilbud gets no visit at all
    case = short_case().absent("I1", "2026-10-19", "2027-03-31")
    problem = case.problem()
    plan = solve_plan(problem, allow_late=True)
    late = late_of(plan)
    assert len(late) == 2
    unplaced = [o for o in late.values() if o.planned_date is None]
    assert len(unplaced) == 1 and unplaced[0].weeks_late is None and unplaced[0].deadline == DUE
    assert sorted(o.weeks_late for o in late.values() if o.planned_date is not None) == [1]
    assert unplaced[0].facility_id not in {v.facility_id for v in plan.visits}
    assert check_plan(problem, plan.visits, plan.analysis.late).ok
    assert not check_plan(problem, plan.visits).ok


def test_an_authority_that_can_keep_its_deadlines_is_planned_under_the_hard_rules() -> None:
    # Midt is short; Nord is not: only Midt's deadlines are missed, and Nord's visit keeps its deadline
    case = (
        short_case().inspector("N1", authority="nord").facility("G1", authority="nord", last_unannounced="2026-05-01")
    )
    problem = case.problem()
    plan = solve_plan(problem, allow_late=True)
    assert plan.best_effort and {o.authority for o in plan.analysis.late} == {"midt"}
    [g1] = [v for v in plan.visits if v.facility_id == "G1"]
    assert g1.date <= dt.date(2026, 11, 1) and g1.reason_code != ReasonCode.LATE
    assert {s.authority for s in plan.analysis.shortfall} == {"midt"}


def test_a_plan_that_keeps_its_deadlines_is_a_normal_plan_with_the_opt_in() -> None:
    problem = short_case(k=1).problem()
    plan = solve_plan(problem, allow_late=True)
    assert plan.status in ("optimal", "feasible") and not plan.analysis.late and not plan.analysis.shortfall


def test_a_missing_competence_is_refused_with_the_opt_in_too() -> None:
    # the opt-in relaxes deadlines only: no inspector may visit S1, so nothing suggests --allow-late
    case = Case().facility("S1", ftype="sikret_doegninstitution", last_unannounced="2026-05-01")
    case.inspector("I1", competences="sel108")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem(), allow_late=True)
    assert "kompetence" in info.value.message and "--allow-late" not in info.value.message


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.integers(2, 7), per_week=st.integers(1, 3))
def test_the_late_visits_fill_the_first_free_weeks(k: int, per_week: int) -> None:
    # capacity: week 0 round(per_week * 2/5), then per_week a week; the deadline's week is week 1
    on_time = math.floor(per_week * 2 / 5 + 0.5) + per_week
    problem = short_case(k, per_week).problem()
    if k <= on_time:
        assert not solve_plan(problem, allow_late=True).best_effort
        return
    plan = solve_plan(problem, allow_late=True)
    weeks = sorted(o.weeks_late or 0 for o in plan.analysis.late)
    assert len(weeks) == k - on_time
    assert weeks == [1 + n // per_week for n in range(k - on_time)]  # per_week late visits in each week after
    assert check_plan(problem, plan.visits, plan.analysis.late).ok


def test_when_visits_must_be_left_out_they_are_the_latest_deadlines_not_the_longest_waiting() -> None:
    # one visit a week for two quarters (about 25) and 36 tilbud due one after another from October to March:
    # some deadlines get no visit at all. Those must be the last ones due -- a later plan can still reach them --
    # never a tilbud due in October while the quarter's capacity goes to tilbud due months later (the earliest
    # deadlines were the cheapest to drop: a dropped visit cost the same whatever its deadline, and dropping the
    # first in line saves every visit behind it a week of lateness)
    case = Case().inspector("I1", per_week=1)
    first = dt.date(2026, 4, 6)
    for n in range(36):
        case.facility(f"F{n:02}", last_unannounced=(first + dt.timedelta(days=5 * n)).isoformat(), risk=(n % 7) / 7)
    problem = case.problem()
    plan = solve_plan(problem, allow_late=True)
    late = late_of(plan)
    unplaced = sorted(o.deadline for o in late.values() if o.planned_date is None)
    placed = sorted(due for due in problem_deadlines(plan).values() if due is not None)
    assert unplaced, "the case is meant to leave deadlines without a visit"
    assert max(placed) <= min(unplaced), (placed, unplaced)
    assert check_plan(problem, plan.visits, plan.analysis.late).ok


def problem_deadlines(plan: Plan) -> dict[str, dt.date | None]:
    """Facility -> its deadline when the plan visits it (None: no visit)."""
    visited = {v.facility_id for v in plan.visits}
    return {fid: dt.date.fromisoformat(due) if fid in visited else None for fid, due in plan.analysis.deadlines.items()}

"""Property tests on random small instances: every returned plan passes the independent checker; an
infeasible instance raises the domain error naming the right facilities; the week model's objective,
its Python evaluation and the flow's lower bound agree."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.calendar import is_working_day
from planner import solve_plan
from planner.calendar_grid import WeekGrid, build_capacity
from planner.checker import check_plan
from planner.domain import PlanInfeasibleError
from planner.hint import flow_lower_bound, flow_schedule
from planner.objective import evaluate
from planner.slots import compute_slots
from planner.week_model import WeekModelData
from planner.week_solve import solve_week_model
from tests.planner.cases import AS_OF, Case

TYPES = ("sel108", "opholdssted", "sel109")
COMPETENCES = ("all", "sel108", "opholdssted;sel109", "sel108;opholdssted")
HORIZON_DAYS = 181  # 2026-10-01 .. 2027-03-31


def day(offset: int) -> str:
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


@st.composite
def instances(draw: st.DrawFn) -> tuple[Case, dict[str, object]]:
    case = Case()
    authorities = draw(st.lists(st.sampled_from(["midt", "nord"]), min_size=1, max_size=2, unique=True))
    inspectors: dict[str, list[tuple[str, str]]] = {a: [] for a in authorities}
    for a in authorities:
        for k in range(draw(st.integers(1, 3))):
            iid = f"I{a[0]}{k}"
            comp = draw(st.sampled_from(COMPETENCES))
            case.inspector(iid, authority=a, competences=comp, per_week=draw(st.integers(0, 3)))
            inspectors[a].append((iid, comp))
            if draw(st.booleans()):
                start = draw(st.integers(0, 150))
                case.absent(iid, day(start), day(start + draw(st.integers(0, 30))))
    for k in range(draw(st.integers(1, 6))):
        fid = f"F{k}"
        a = draw(st.sampled_from(authorities))
        ftype = draw(st.sampled_from(TYPES))
        if draw(st.integers(0, 4)) == 0:  # a new facility
            case.facility(
                fid, authority=a, ftype=ftype, approved=day(-draw(st.integers(1, 120))), risk=draw(st.floats(0, 1))
            )
        else:
            last = day(-draw(st.integers(1, 230)))  # some already overdue with the 3-9 month intervals
            case.facility(fid, authority=a, ftype=ftype, last_unannounced=last, risk=draw(st.floats(0, 1)))
            if draw(st.booleans()):
                case.visit(fid, day(-draw(st.integers(1, 60))), announced=True)
        if draw(st.integers(0, 3)) == 0:
            competent = [i for i, c in inspectors[a] if c == "all" or ftype in c.split(";")]
            offset = draw(st.integers(0, HORIZON_DAYS - 1))
            lock_day = AS_OF + dt.timedelta(days=offset)
            absent = {(x["inspector_id"]) for x in case.absences if x["start"] <= lock_day.isoformat() <= x["end"]}
            usable = [i for i in competent if i not in absent]
            if usable and is_working_day(lock_day):
                case.lock(fid, lock_day.isoformat(), usable[0], announced=draw(st.booleans()))
    options = {
        "visit_interval_default_months": draw(st.integers(3, 9)),
        "min_visit_gap_days": draw(st.sampled_from([0, 14, 30, 40])),
        "top_tier_share": draw(st.sampled_from([0.0, 0.2, 0.5])),
        "first_visit_months": draw(st.integers(1, 4)),
        "solver_time_limit_s": 3.0,
        "seed": draw(st.integers(0, 1000)),
    }
    return case, options


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_passes_the_checker_or_the_error_names_real_facilities(
    instance: tuple[Case, dict[str, object]],
) -> None:
    case, options = instance
    problem = case.problem(settings=options)
    try:
        plan = solve_plan(problem)
    except PlanInfeasibleError as error:
        assert error.details, error.message
        named = {fid for d in error.details for fid in d.get("facility_ids", [])}  # type: ignore[attr-defined]
        assert named <= {f.facility_id for f in problem.facilities}
        return
    report = check_plan(problem, plan.visits)
    assert report.ok, [str(v) for v in report.violations]
    assert plan.analysis.check_ok
    assert set(report.overdue) == {o.facility_id for o in plan.analysis.overdue}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_week_objective_evaluation_and_flow_bound_agree(instance: tuple[Case, dict[str, object]]) -> None:
    case, options = instance
    problem = case.problem(settings=options)
    grid = WeekGrid.of(problem)
    capacity = build_capacity(problem, grid)
    slots = compute_slots(problem, grid)
    for authority in problem.authorities:
        d = WeekModelData(authority, problem, grid, capacity, slots.of_authority(authority), slots.gap_weeks)
        result = solve_week_model(d, 3.0, 2, problem.seed, use_cp_sat=True)
        if not result.solved:
            continue
        assert sum(evaluate(d, result.placements).values()) == result.objective
        bound = flow_lower_bound(d, flow_schedule(d))
        if bound is not None:
            assert bound <= result.objective + 1e-9
            if result.status == "optimal" and not any(s.prev for s in d.slots):
                assert bound == result.objective  # without chains the flow is the model


@settings(max_examples=20, deadline=None)
@given(k=st.integers(1, 7), per_week=st.integers(1, 4))
def test_short_capacity_names_exactly_the_facilities_it_cannot_serve(k: int, per_week: int) -> None:
    # k facilities due Friday 2026-10-09; the start is Thursday 1 October: weeks 0 (2 days) and 1 (5 days)
    case = Case().inspector("I1", per_week=per_week)
    for n in range(k):
        case.facility(f"F{n}", last_unannounced="2026-04-09")
    capacity = math.floor(per_week * 2 / 5 + 0.5) + per_week
    problem = case.problem()
    if k <= capacity:
        plan = solve_plan(problem)
        assert check_plan(problem, plan.visits).ok
        return
    try:
        solve_plan(problem)
    except PlanInfeasibleError as error:
        named = error.details[0]["facility_ids"]
        assert len(named) == k - capacity  # type: ignore[arg-type]
        assert set(named) <= {f"F{n}" for n in range(k)}  # type: ignore[arg-type]
        assert "2026K4" in error.message and "tilsynsdage" in error.message
    else:
        raise AssertionError("expected PlanInfeasibleError")

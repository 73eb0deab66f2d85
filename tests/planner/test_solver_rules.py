"""Per rule: a tiny case where the rule binds -- the solver's plan keeps it (and the checker agrees) --
and, for soft rules, the exact cost of hand-placed schedules."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from data.calendar import add_months
from data.glossary import VISIT_REASON_FOR_READERS_DA
from planner import solve_plan
from planner.calendar_grid import WeekGrid, build_capacity
from planner.checker import check_plan
from planner.day_assignment import day_travel_cost
from planner.domain import (
    FacilityNeed,
    ParentVisit,
    Plan,
    PlanInfeasibleError,
    PlanningProblem,
    PlanTimeoutError,
    ReasonCode,
    SoftRule,
    VisitRole,
)
from planner.hint import flow_lower_bound, flow_schedule
from planner.objective import evaluate
from planner.slots import compute_slots
from planner.week_model import Placement, WeekModelData
from planner.week_solve import WeekResult, build_week_model, extract_placements
from planner.weights import balance_cost, balance_pieces, risk_weight
from tests.planner.cases import Case


def solve(case: Case, **overrides: object) -> tuple[PlanningProblem, Plan]:
    problem = case.problem(**overrides)
    plan = solve_plan(problem)
    assert check_plan(problem, plan.visits).ok
    return problem, plan


def dates(plan: Plan, fid: str) -> list[dt.date]:
    return sorted(v.date for v in plan.visits if v.facility_id == fid)


def week_data(problem: PlanningProblem, authority: str = "midt") -> WeekModelData:
    grid = WeekGrid.of(problem)
    slots = compute_slots(problem, grid)
    return WeekModelData(
        authority, problem, grid, build_capacity(problem, grid), slots.of_authority(authority), slots.gap_weeks
    )


# --- hard rules: the solver keeps them where they bind ----------------------------------------------


def test_deadline_with_exactly_enough_capacity() -> None:
    # four facilities due 2026-10-30; one visit a week; week 0 (Thu-Fri) has 1 * 2/5 -> 0 capacity
    case = Case().inspector("I1", per_week=1)
    for k in range(4):
        case.facility(f"F{k}", last_unannounced="2026-04-30")
    _, plan = solve(case)
    days = [dates(plan, f"F{k}")[0] for k in range(4)]
    assert all(d <= dt.date(2026, 10, 30) for d in days)
    assert len({d.isocalendar()[1] for d in days}) == 4  # one per week


def test_first_visit_to_a_new_facility() -> None:
    # approved 2026-08-15: first visit by 2026-11-15 even though its low risk would rather wait
    case = Case().facility("N1", approved="2026-08-15", risk=0.01).facility("F1", risk=0.9).inspector("I1")
    _, plan = solve(case)
    first = dates(plan, "N1")[0]
    assert first <= dt.date(2026, 11, 15)
    assert next(v for v in plan.visits if v.facility_id == "N1").reason_code == ReasonCode.NEW_FACILITY


def test_only_competent_inspectors_of_the_authority() -> None:
    case = (
        Case()
        .facility("F1", ftype="sel108", last_unannounced="2026-05-15")
        .facility("F2", ftype="opholdssted", last_unannounced="2026-05-15")
        .inspector("I1", competences="opholdssted")
        .inspector("I2", per_week=1)
        .inspector("I9", authority="nord")
    )
    _, plan = solve(case)
    by_facility = {v.facility_id: v.inspector_ids for v in plan.visits}
    assert by_facility["F1"] == ("I2",)
    assert by_facility["F2"] in {("I1",), ("I2",)}
    assert all("I9" not in v.inspector_ids for v in plan.visits)


def test_weekly_capacity_spreads_visits() -> None:
    case = Case().inspector("I1", per_week=1)
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-05-27")  # due 2026-11-27
    _, plan = solve(case)
    weeks = [v.date.isocalendar()[1] for v in plan.visits]
    assert len(set(weeks)) == 3


def test_no_visits_on_absences_weekends_or_holidays() -> None:
    # absent 2026-10-05 .. 2026-11-27; due 2026-12-04: only 1-2 October or 30 Nov - 4 Dec remain
    case = Case().facility("F1", last_unannounced="2026-06-04").inspector("I1").absent("I1", "2026-10-05", "2026-11-27")
    _, plan = solve(case)
    day = dates(plan, "F1")[0]
    assert day.weekday() < 5
    assert not (dt.date(2026, 10, 5) <= day <= dt.date(2026, 11, 27))
    assert day <= dt.date(2026, 12, 4)


def test_min_gap_after_the_last_visit() -> None:
    # risky (wants week 0) but visited (announced) on 2026-09-25: not before 2026-10-25
    case = (
        Case()
        .facility("F1", last_unannounced="2026-05-20", risk=0.95)
        .visit("F1", "2026-09-25", announced=True)
        .inspector("I1")
    )
    _, plan = solve(case)
    assert (dates(plan, "F1")[0] - dt.date(2026, 9, 25)).days >= 30


def test_chain_of_visits_keeps_every_deadline_and_the_gap() -> None:
    # 2-month interval over two quarters: several visits, each within 2 months of the previous one
    case = Case().facility("F1", last_unannounced="2026-08-20").inspector("I1")
    _, plan = solve(case, settings={"visit_interval_default_months": 2})
    days = dates(plan, "F1")
    assert len(days) >= 3
    assert all((b - a).days >= 30 for a, b in itertools.pairwise(days))
    assert days[0] <= dt.date(2026, 10, 20)


def test_a_chain_whose_only_days_the_week_bound_excludes_is_planned_at_day_level() -> None:
    # Found by Hypothesis: first visit by 2026-10-30 (a Friday), an agreed visit on 2026-12-14 with a
    # 40-day gap, so the next unannounced visit lies in 2027-01-25..29 (3-month interval from Oct 30).
    # The week-level chain bound (12 weeks after Oct 26's week) ends on Sunday 2027-01-24 and called
    # the tilbud impossible "because of the locks"; the day-level rule has five working days.
    case = Case().inspector("I1").facility("F0", approved="2026-09-30").lock("F0", "2026-12-14", "I1", announced=True)
    settings = {"visit_interval_default_months": 3, "min_visit_gap_days": 40, "first_visit_months": 1}
    _, plan = solve(case, settings=settings)
    unannounced = sorted(v.date for v in plan.visits if v.facility_id == "F0" and not v.announced)
    first, second = unannounced[0], unannounced[1]
    assert first <= dt.date(2026, 10, 30)
    assert dt.date(2027, 1, 25) <= second <= add_months(first, 3)
    assert (second - dt.date(2026, 12, 14)).days >= 40


def test_a_chain_moves_its_earlier_visit_forward_when_a_lock_blocks_the_later_one() -> None:
    # Found by Hypothesis: last unannounced visit 2026-09-30, 3-month interval, 40-day gap, an agreed
    # (announced) visit on 2027-03-15. Placed as late as it may go (2026-12-30), the first visit puts the
    # second's deadline on 2027-03-30, and the agreed visit's gap blocks 2027-02-04 .. 2027-04-23: the plan
    # was refused "because of the locks". A first visit in November and a second in January keep every rule.
    case = Case().inspector("I1").facility("F0", last_unannounced="2026-09-30")
    case.lock("F0", "2027-03-15", "I1", announced=True)
    _, plan = solve(case, settings={"visit_interval_default_months": 3, "min_visit_gap_days": 40})
    first, second = (v.date for v in sorted(plan.visits, key=lambda v: v.date) if not v.announced)
    assert first <= dt.date(2026, 12, 30)
    assert (second - first).days >= 40 and second <= add_months(first, 3)
    assert (dt.date(2027, 3, 15) - second).days >= 40
    assert add_months(second, 3) > dt.date(2027, 3, 31)  # no third visit due in the horizon


def test_locked_visit_stays_and_takes_capacity() -> None:
    # I1 one a week; the week of 12 October is taken by a lock, so F2 (due 16 October) goes the week before
    case = (
        Case()
        .facility("F1", last_unannounced="2026-06-01")
        .facility("F2", last_unannounced="2026-04-16")
        .inspector("I1", per_week=1)
        .lock("F1", "2026-10-14", "I1", announced=True)
    )
    _, plan = solve(case)
    locked = [v for v in plan.visits if v.locked]
    assert [(v.facility_id, v.date, v.inspector_ids, v.announced) for v in locked] == [
        ("F1", dt.date(2026, 10, 14), ("I1",), True)
    ]
    assert dt.date(2026, 10, 5) <= dates(plan, "F2")[0] <= dt.date(2026, 10, 9)


# --- infeasible and timed out --------------------------------------------------------------------


def test_infeasible_capacity_names_the_facilities_and_the_missing_days() -> None:
    # three facilities due 2026-10-09, one visit a week: only week 5-9 October can take one
    case = Case().inspector("I1", per_week=1)
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-04-09")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    error = info.value
    assert error.code == "plan_infeasible" and error.http_status == 409
    named = error.details[0]["facility_ids"]
    assert len(named) == 2 and set(named) < {"F0", "F1", "F2"}
    # two visits at one visit a week (1/5 a day) = 10 inspector-days, in the quarter of the deadline
    assert "Socialtilsyn Midt mangler 10 tilsynsdage i 2026K4" in error.message
    assert error.details[0]["inspector_days"] == 10


def test_infeasible_one_missing_inspector_day_is_one_tilsynsdag() -> None:
    # Midt, five inspectors away most of the quarter, read "Socialtilsyn Midt mangler 1 tilsynsdage i 2027K1".
    # Five visits a week (one a day): Thursday and Friday take two of the three tilbud due Friday 2 October.
    case = Case().inspector("I1", per_week=5)
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-04-02")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert "Socialtilsyn Midt mangler 1 tilsynsdag i 2026K4 for at overholde toårsreglen for dette tilbud: F" in message
    assert info.value.details[0]["inspector_days"] == 1


def test_infeasible_first_visits_name_the_rule_for_new_tilbud_not_the_two_year_rule() -> None:
    # A tilsyn whose tilbud were all new (approved within a year) read "mangler 2 tilsynsdage i 2027K1 for at
    # overholde toårsreglen for dette tilbud: T-10", where T-10's deadline was its first visit, six months
    # after its approval: no two-year deadline was at stake.
    case = Case().inspector("I1", per_week=1)
    for k in range(3):
        case.facility(f"N{k}", approved="2026-07-09")  # new: first visit by 2026-10-09
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert "Socialtilsyn Midt mangler 10 tilsynsdage i 2026K4 for at overholde fristen for første besøg i et nyt " in (
        message
    )
    assert "toårsreglen" not in message
    # two new tilbud and two due under the two-year rule, room for one: the three late hold both kinds
    mixed = Case().inspector("I1", per_week=1)
    for k in range(2):
        mixed.facility(f"N{k}", approved="2026-07-09").facility(f"F{k}", last_unannounced="2026-04-09")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(mixed.problem())
    message = " ".join(info.value.message.split())
    assert "for at overholde toårsreglen og fristen for første besøg i et nyt tilbud for disse 3 tilbud" in message


def test_a_deadline_only_an_absent_inspector_may_keep_names_the_competence_and_the_absence() -> None:
    # Syd's only inspector for længerevarende botilbud was away all quarter. The refusal said "mangler 4
    # tilsynsdage … for dette tilbud", though Syd had capacity to spare: more days of the others would not keep
    # the deadline, and nothing said who may visit the tilbud or that that inspector is away.
    case = (
        Case()
        .inspector("I1", per_week=3)
        .inspector("I2", competences="opholdssted", per_week=5)
        .absent("I1", "2026-09-20", "2026-12-31")
        .absent("I1", "2026-10-05", "2026-10-09")  # inside the longer one: named once, merged
        .facility("F1", last_unannounced="2026-04-20")  # sel108, due Tuesday 20 October
        .facility("F2", ftype="opholdssted", last_unannounced="2026-06-01")
    )
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert "for at overholde toårsreglen for dette tilbud: F1" in message
    assert (
        "kun I1 har kompetence til længerevarende botilbud (SEL § 108), og I1 er fraværende "
        "20. september 2026 – 31. december 2026." in message
    )
    assert "5. oktober 2026" not in message
    # the best-effort plan keeps it beside the missing days (the CLI, the quarterly plan and the API show it)
    plan = solve_plan(case.problem(), allow_late=True)
    (shortfall,) = plan.analysis.shortfall
    assert shortfall.note.startswith("kun I1 har kompetence til længerevarende botilbud (SEL § 108), og I1 er")
    assert type(plan.analysis).from_dict(plan.analysis.to_dict()).shortfall == plan.analysis.shortfall
    # an authority whose every inspector may visit the late tilbud lacks capacity, and says no more
    short = Case().inspector("I1", per_week=1)
    for k in range(3):
        short.facility(f"F{k}", last_unannounced="2026-04-09")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(short.problem())
    assert "kompetence" not in info.value.message


def test_a_shortfall_names_the_long_absences_of_the_inspectors_who_may_visit() -> None:
    # Midt's one inspector with capacity was away most of the quarter; the refusal said only "mangler 10
    # tilsynsdage": nothing said why the days lack. Absences of two weeks or more before the deadlines are named; a
    # day off is not (it says nothing a planner does not know).
    case = Case().inspector("I1", per_week=5).inspector("I2", per_week=0)
    case.absent("I1", "2026-10-01", "2026-12-31").absent("I1", "2027-01-04", "2027-01-04")
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-04-09")  # due 9 October
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert "mangler" in message and "; I1 er fraværende 1. oktober 2026 – 31. december 2026." in message, message
    assert "kompetence" not in message
    # a short absence is not named
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(Case().inspector("I1", per_week=1).absent("I1", "2026-10-05", "2026-10-06")
                   .facility("F0", last_unannounced="2026-04-09").facility("F1", last_unannounced="2026-04-09")
                   .facility("F2", last_unannounced="2026-04-09").problem())  # fmt: skip
    assert "fraværende" not in info.value.message


def test_a_shortfall_names_one_absence_shared_by_several_inspectors_once() -> None:
    # Midt's five inspectors were all away 4 January - 19 March; the refusal repeated "INS-mi-0 er fraværende 4.
    # januar 2027 – 19. marts 2027; INS-mi-1 er fraværende 4. januar 2027 – 19. marts 2027; …" five times.
    case = Case().inspector("I1", per_week=1).inspector("I2", per_week=1).inspector("I3", per_week=1)
    for iid in ("I1", "I2"):
        case.absent(iid, "2026-10-01", "2026-12-31")
    case.absent("I3", "2026-10-01", "2026-11-30")
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-04-09")  # due 9 October
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert (
        "; I1 og I2 er fraværende 1. oktober 2026 – 31. december 2026; I3 er fraværende 1. oktober 2026 – 30. "
        "november 2026." in message
    ), message


def test_who_may_visit_names_each_group_of_inspectors_once_and_a_day_as_a_day() -> None:
    # I1 and I2 alone may visit the late botilbud of two types; I3 only opholdssteder. The note repeated "kun I1
    # og I2 har kompetence til …, og I2 er fraværende …" with the same absences for every type, wrote a one-day
    # absence as "12. oktober 2026 – 12. oktober 2026" and counted "og 1 perioder til".
    case = Case().inspector("I1", per_week=1).inspector("I2", per_week=1)
    case.inspector("I3", competences="opholdssted", per_week=5)
    for start, end in [("2026-10-01", "2026-10-01"), ("2026-10-05", "2026-10-06"), ("2026-10-08", "2026-10-08")]:
        case.absent("I2", start, end)
    case.absent("I2", "2026-10-12", "2026-10-12")  # after the deadlines (9 October): a fourth period at most
    for k in range(3):
        case.facility(f"A{k}", last_unannounced="2026-04-09")
        case.facility(f"B{k}", ftype="sel107", last_unannounced="2026-04-09")
    case.facility("O1", ftype="opholdssted", last_unannounced="2026-06-01")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert message.count("kun I1 og I2 har kompetence til") == 1
    assert (
        "kun I1 og I2 har kompetence til midlertidigt botilbud (SEL § 107) og længerevarende botilbud (SEL § 108), "
        "og I2 er fraværende 1. oktober 2026, 5. oktober 2026 – 6. oktober 2026, 8. oktober 2026." in message
    )
    # a fourth period before the deadline is counted, in the singular
    case.absences = [{"inspector_id": "I2", "start": day, "end": day} for day in ("2026-10-01", "2026-10-05")]
    case.absences += [{"inspector_id": "I2", "start": day, "end": day} for day in ("2026-10-07", "2026-10-09")]
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    assert "7. oktober 2026 og 1 periode til." in " ".join(info.value.message.split())


def test_who_may_visit_names_the_absences_of_the_weeks_before_the_deadlines() -> None:
    # the late botilbud are due 5 March 2027; I2's day off in October, five months before, was listed first (and,
    # with more periods than are shown, instead of the ones that matter)
    case = Case().inspector("I1", per_week=1).inspector("I2", per_week=1)
    case.inspector("I3", competences="opholdssted", per_week=5).facility("O1", ftype="opholdssted")
    case.absent("I2", "2026-10-12", "2026-10-12").absent("I2", "2027-02-01", "2027-02-02")
    for k in range(50):
        case.facility(f"A{k:02}", last_unannounced="2026-09-05")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = " ".join(info.value.message.split())
    assert "og I2 er fraværende 1. februar 2027 – 2. februar 2027." in message
    assert "12. oktober 2026" not in message


def test_an_infeasible_authority_says_the_others_can_be_planned_alone() -> None:
    # Midt cannot keep its deadlines (as above); Nord can. A plan for all fails, so the message says how to plan
    # Nord meanwhile, and planning Midt alone does not suggest it again.
    case = Case().inspector("I1", per_week=1).inspector("N1", authority="nord")
    for k in range(3):
        case.facility(f"F{k}", last_unannounced="2026-04-09")
    case.facility("G1", authority="nord", last_unannounced="2026-05-01")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    assert "De øvrige socialtilsyn (Socialtilsyn Nord) kan planlægges hver for sig" in info.value.message
    assert "tilsynsplan plan --authority nord" in info.value.message
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem(authority="midt"))
    assert "øvrige" not in info.value.message
    # the competence check (before any solve) says the same
    case = Case().facility("S1", ftype="sikret_doegninstitution", last_unannounced="2026-05-01")
    case.inspector("I1", competences="sel108").facility("G1", authority="nord").inspector("N1", authority="nord")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    assert "De øvrige socialtilsyn (Socialtilsyn Nord)" in info.value.message


def test_infeasible_competence_names_the_facility() -> None:
    case = Case().facility("S1", ftype="sikret_doegninstitution", last_unannounced="2026-05-01")
    case.facility("F1", last_unannounced="2026-05-01").inspector("I1", competences="sel108")
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    assert "kompetence til sikret døgninstitution" in info.value.message
    assert info.value.details[0]["facility_ids"] == ["S1"]


def test_infeasible_zero_capacity_says_capacity_not_competence() -> None:
    # the authority's only inspector has the competence but 0 visits a week (e.g. on leave all quarter)
    case = Case().facility("F1", last_unannounced="2026-05-01").inspector("I1", per_week=0)
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = info.value.message
    assert "kompetence" not in message
    assert "Socialtilsyn Midt har ingen kapacitet" in message and "I1" in message and "0 besøg om ugen" in message
    assert "dette tilbud: F1" in message
    assert info.value.details[0]["rule"] == "capacity" and info.value.details[0]["facility_ids"] == ["F1"]


def test_infeasible_competent_inspector_without_capacity_is_named() -> None:
    case = Case().facility("S1", ftype="sikret_doegninstitution", last_unannounced="2026-05-01")
    case.facility("F1", last_unannounced="2026-05-01").inspector("I1", competences="sel108")
    case.inspector("I2", competences="sikret_doegninstitution", per_week=0)
    with pytest.raises(PlanInfeasibleError) as info:
        solve_plan(case.problem())
    message = info.value.message
    assert "mangler kapacitet til sikret døgninstitution" in message and "(I2) har 0 besøg om ugen" in message
    assert info.value.details[0]["rule"] == "capacity"


def test_no_solution_in_time_is_a_domain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("planner.solver.solve_week_model", lambda *a, **k: WeekResult(status="unknown"))
    with pytest.raises(PlanTimeoutError) as info:
        solve_plan(Case().facility("F1", last_unannounced="2026-05-01").inspector("I1").problem())
    assert "tidsgrænsen" in info.value.message and info.value.code == "plan_timeout"


# --- soft rules: exact costs -----------------------------------------------------------------------


def late_case(**facility: object) -> Case:
    # deadline 2027-03-01 (week 22 of the grid that starts Monday 2026-09-28)
    return Case().facility("F1", last_unannounced="2026-09-01", **facility).inspector("I1")  # type: ignore[arg-type]


def test_risk_lateness_cost() -> None:
    d = week_data(late_case(risk=0.5).problem())
    assert d.timing["F1#1"].hi == 6 and d.timing["F1#1"].weight == 50  # the only facility: riskiest
    assert evaluate(d, {"F1#1": Placement(10, "P0", None)})[SoftRule.RISK_LATENESS] == 50 * 4
    assert evaluate(d, {"F1#1": Placement(6, "P0", None)})[SoftRule.RISK_LATENESS] == 0


def test_early_visit_cost() -> None:
    case = late_case(risk=0.9).facility("F2", last_unannounced="2026-09-01", risk=0.1)
    d = week_data(case.problem())
    t = d.timing["F2#1"]
    assert (t.lo, t.hi) == (22 - 13, 22)  # the least risky: no lateness before its deadline week
    costs = evaluate(d, {"F1#1": Placement(3, "P0", None), "F2#1": Placement(0, "P0", None)})
    assert costs[SoftRule.EARLY_VISIT] == 9
    assert costs[SoftRule.RISK_LATENESS] == 0


def test_extra_top_tier_visit_cost_and_reason() -> None:
    case = late_case(risk=0.9).facility("F2", last_unannounced="2026-09-01", risk=0.1)
    problem = case.problem(settings={"top_tier_share": 0.5})
    d = week_data(problem)
    assert d.extra_weight == {"F1#1": 13 * 90}
    base = {"F2#1": Placement(20, "P0", None)}
    assert evaluate(d, {**base, "F1#1": Placement(14, "P0", None)})[SoftRule.EXTRA_TOP_TIER] == 1170
    assert evaluate(d, {**base, "F1#1": Placement(10, "P0", None)})[SoftRule.EXTRA_TOP_TIER] == 0
    plan = solve_plan(problem)
    f1 = next(v for v in plan.visits if v.facility_id == "F1")
    assert f1.date <= dt.date(2026, 12, 31) and f1.reason_code == ReasonCode.EXTRA_TOP_TIER
    assert plan.analysis.rule_costs[SoftRule.EXTRA_TOP_TIER] == 0


def test_a_new_tilbud_in_the_top_tier_is_visited_in_the_quarter_as_its_first_visit() -> None:
    # NEW was approved 1 August 2026 (first visit due 1 February 2027) and is the riskiest: the top tier pulls its
    # first visit into 2026Q4. Its reason said "Ekstra uanmeldt besøg i kvartalet …; fristen var først 1. februar
    # 2027", as if it had a visit due anyway and got one more: it is the new tilbud's first visit.
    case = Case().inspector("I1").facility("OLD", last_unannounced="2026-05-01", risk=0.1)
    case.facility("NEW", approved="2026-08-01", risk=0.9).visit("OLD", "2020-01-06", announced=True)
    problem, plan = solve(case, settings={"top_tier_share": 0.5, "first_visit_months": 6})
    assert problem.facility_by_id["NEW"].top_tier and problem.facility_by_id["NEW"].is_new
    [new] = [v for v in plan.visits if v.facility_id == "NEW"]
    assert new.date <= dt.date(2026, 12, 31)
    assert new.reason_code == ReasonCode.NEW_FACILITY
    assert new.reason.startswith("Nyt tilbud godkendt 1. august 2026: første besøg senest 1. februar 2027")
    assert "nr. 1 af 2" in new.reason and "Ekstra" not in new.reason


def test_a_replan_within_the_quarter_asks_no_extra_visit_of_a_top_tier_facility_seen_in_it() -> None:
    # F1 is the riskiest (top tier); re-planning on 2026-11-16, after a visit on 2026-10-20 in this quarter
    seen = late_case(risk=0.9).facility("F2", last_unannounced="2026-09-01", risk=0.1).visit("F1", "2026-10-20")
    problem = seen.problem(settings={"top_tier_share": 0.5}, as_of=dt.date(2026, 11, 16))
    assert problem.facility_by_id["F1"].risk_rank == 1 and not problem.facility_by_id["F1"].top_tier
    assert week_data(problem).extra_weight == {}
    plan = solve_plan(problem)
    assert all(v.date > dt.date(2026, 12, 31) for v in plan.visits if v.facility_id == "F1")
    # visited before the quarter began (2026-09-20): still owed its extra visit this quarter
    before = late_case(risk=0.9).facility("F2", last_unannounced="2026-09-01", risk=0.1).visit("F1", "2026-09-20")
    problem = before.problem(settings={"top_tier_share": 0.5}, as_of=dt.date(2026, 11, 16))
    assert problem.facility_by_id["F1"].top_tier
    assert list(week_data(problem).extra_weight) == ["F1#1"]


def test_workload_cost_pieces() -> None:
    # capacity 10: ten pieces of one visit costing 1, 3, 5, ..., 19 (BALANCE_WEIGHT * load**2 / capacity)
    assert [c for _, _, c in balance_pieces(10)] == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
    assert balance_cost(3, 10) == 1 + 3 + 5
    assert balance_cost(10, 10) == 100
    assert balance_cost(0, 10) == 0
    # the convex cost prefers two half-full pools to one full and one empty
    assert 2 * balance_cost(5, 10) < balance_cost(10, 10) + balance_cost(0, 10)


def need(fid: str, postcode: str) -> FacilityNeed:
    d = dt.date(2020, 1, 1)
    return FacilityNeed(
        fid, fid, "midt", "sel108", postcode, None, None, 0.1, 1, 1.0, False, d, 24, d, d, False, None, d, False, None
    )


def test_travel_cost_by_postcode_proxy() -> None:
    assert day_travel_cost([need("A", "8000"), need("B", "8000")]) == 0
    assert day_travel_cost([need("A", "8000"), need("B", "8010")]) == 15
    assert day_travel_cost([need("A", "8000"), need("B", "8600")]) == 40
    assert day_travel_cost([need("A", "8000"), need("B", "8010"), need("C", "9000")]) == 15 + 100 + 100


def test_day_step_pairs_the_closest_visits_when_days_are_short() -> None:
    # three visits due 9 October; the inspector works only 8 and 9 October (3.2 -> 3 visits that week)
    case = (
        Case()
        .facility("A", postcode="8000", last_unannounced="2026-04-09")
        .facility("B", postcode="8010", last_unannounced="2026-04-09")
        .facility("C", postcode="9000", last_unannounced="2026-04-09")
        .inspector("I1", per_week=8)
        .absent("I1", "2026-10-01", "2026-10-07")
    )
    _, plan = solve(case)
    day = {v.facility_id: v.date for v in plan.visits}
    assert day["A"] == day["B"] != day["C"]
    assert plan.analysis.rule_costs[SoftRule.TRAVEL] == 15


AALBORG = {"postcode": "9000", "lat": 57.048, "lon": 9.919}
THISTED = {"postcode": "7700", "lat": 56.955, "lon": 8.694}


def test_each_visit_goes_to_the_inspector_living_nearer_when_the_workload_is_the_same() -> None:
    # I1 lives in Aalborg, I2 in Thisted (85 km apart), both one pool with the same capacity; half the tilbud lie
    # in each town. The day step balanced the inspectors' workload but handed each visit to either at random, so
    # the Aalborg inspector drove to Thisted while the Thisted one drove to Aalborg the same week. Given how many
    # visits each gets in a week (the balance), no two visits of a week may be swapped between them to less km.
    case = Case().inspector("I1", per_week=2, postcode="9000").inspector("I2", per_week=2, postcode="7700")
    for k in range(16):
        town = AALBORG if k % 2 else THISTED
        case.facility(f"F{k:02}", last_unannounced=f"2026-0{4 + k % 6}-{10 + k}", risk=0.05 * (k % 5), **town)
    problem, plan = solve(case)
    facility = problem.facility_by_id
    home = {"I1": AALBORG, "I2": THISTED}

    def km(iid: str, fid: str) -> float:
        f, h = facility[fid], home[iid]
        return 0.0 if (f.lat, f.lon) == (h["lat"], h["lon"]) else 85.0

    by_week: dict[dt.date, list[tuple[str, str]]] = {}
    for v in plan.visits:
        by_week.setdefault(v.date - dt.timedelta(days=v.date.weekday()), []).append((v.inspector_ids[0], v.facility_id))
    swaps = [
        (a, b)
        for visits in by_week.values()
        for a, b in itertools.combinations(visits, 2)
        if a[0] != b[0] and km(a[0], b[1]) + km(b[0], a[1]) < km(*a) + km(*b)
    ]
    assert swaps == []
    loads = [sum(1 for v in plan.visits if v.inspector_ids == (i,)) for i in ("I1", "I2")]
    assert abs(loads[0] - loads[1]) <= 1  # still balanced


def test_stability_cost_and_replanning_keeps_the_parent_weeks() -> None:
    case = Case().inspector("I1").inspector("I2")
    for k in range(6):
        case.facility(f"F{k}", last_unannounced=f"2026-0{4 + k % 5}-1{k}", risk=0.1 * (k + 1))
    problem = case.problem()
    first = solve_plan(problem)
    parents = [ParentVisit(v.facility_id, v.date, v.inspector_ids) for v in first.visits]
    other_seed = case.problem(settings={"seed": 99})
    replan = solve_plan(replace(other_seed, parent_visits=tuple(parents)))
    assert replan.analysis.rule_costs[SoftRule.STABILITY] == 0
    assert sorted((v.facility_id, v.date) for v in replan.visits) == sorted(
        (v.facility_id, v.date) for v in first.visits
    )
    # a parent visit in a week the facility no longer gets costs STABILITY_WEIGHT
    d = week_data(replace(other_seed, parent_visits=(ParentVisit("F0", dt.date(2026, 10, 7), ("I1",)),)))
    sid = next(s.slot_id for s in d.slots if s.facility_id == "F0")
    assert evaluate(d, {sid: Placement(1, "P0", None)})[SoftRule.STABILITY] == 0
    assert evaluate(d, {sid: Placement(2, "P0", None)})[SoftRule.STABILITY] == 500


def test_a_replan_after_an_absence_leaves_the_other_weeks_as_they_were() -> None:
    # three inspectors, I3 only for længerevarende botilbud (sel108, every tilbud here); I1 is then away the week
    # of their first November visit. Only that week's visits need to move: a visit the re-plan keeps in its week
    # keeps its day and inspector too. The week model's pools are a counting device (a sel108 visit may go to
    # I3's pool or to I1 and I2's), and the day step let visits claim another's parent day: visits in weeks
    # nothing touched changed inspector or day, in the weeks before the absence too.
    case = (
        Case().inspector("I1", per_week=2).inspector("I2", per_week=2).inspector("I3", per_week=1, competences="sel108")
    )
    for k in range(24):
        case.facility(f"F{k:02}", last_unannounced=f"2026-0{4 + k % 6}-{10 + k % 18}", risk=0.03 * (k % 9))
    first = solve_plan(case.problem())
    day = min(v.date for v in first.visits if v.inspector_ids == ("I1",) and v.date >= dt.date(2026, 11, 1))
    monday = day - dt.timedelta(days=day.weekday())
    case.absent("I1", monday.isoformat(), (monday + dt.timedelta(days=4)).isoformat())
    parents = tuple(ParentVisit(v.facility_id, v.date, v.inspector_ids) for v in first.visits)
    replan = solve_plan(replace(case.problem(), parent_visits=parents))
    before = {v.facility_id: (v.date, v.inspector_ids) for v in first.visits}
    after = {v.facility_id: (v.date, v.inspector_ids) for v in replan.visits}

    def week(d: dt.date) -> dt.date:
        return d - dt.timedelta(days=d.weekday())

    changed = [
        (fid, before[fid], after[fid])
        for fid in before
        if fid in after and week(before[fid][0]) == week(after[fid][0]) != monday and before[fid] != after[fid]
    ]
    assert changed == []
    assert sum(1 for fid in before if before[fid] != after.get(fid)) <= 3  # the away week's visits


def test_overdue_is_visited_in_the_first_two_weeks_on_a_day_the_tilbud_cannot_predict() -> None:
    """An overdue visit always took the plan's first working day, which the tilbud (it knows its deadline has
    passed) could predict; now a random working day of the first two weeks (OVERDUE_GRACE_WEEKS), later costs."""
    case = Case().inspector("I1", per_week=10).inspector("I2", per_week=10)
    for k in range(12):
        case = case.facility(f"F{k}", last_unannounced="2026-01-01")  # deadline 2026-07-01 passed
    first_days: set[dt.date] = set()
    for seed in (1, 2, 3):
        problem, plan = solve(case, settings={"seed": seed})
        assert all(f.overdue for f in problem.facilities)
        days = [v.date for v in plan.visits if v.reason_code == ReasonCode.OVERDUE]
        assert len(days) == 12 and all(d <= dt.date(2026, 10, 9) for d in days)  # Thu 1 Oct - Fri 9 Oct
        assert len(set(days)) >= 4, days  # not all on the first day
        first_days.add(dates(plan, "F0")[0])
    assert len(first_days) > 1  # the seed decides, not the rule
    d = week_data(problem)
    sid = next(s.slot_id for s in d.slots if s.facility_id == "F0")
    costs = [evaluate(d, {sid: Placement(w, "P0", None)})[SoftRule.OVERDUE_DELAY] for w in (0, 1, 2, 3)]
    assert costs == [0, 0, 1000, 2000]
    assert sorted(o.facility_id for o in plan.analysis.overdue) == sorted(f"F{k}" for k in range(12))


def test_overdue_visits_in_a_first_quarter_have_two_weeks_when_new_years_day_takes_the_first() -> None:
    # 2027Q1 begins on Friday 1 January, a holiday: the plan's week 0 has no working day, so "the first two weeks"
    # left the overdue visits five days (4-8 January), one working week a tilbud that knows it is overdue can
    # expect. The grace weeks count from the first week with a working day: 4-15 January.
    case = Case().inspector("I1", per_week=10).inspector("I2", per_week=10)
    for k in range(12):
        case = case.facility(f"F{k}", last_unannounced="2026-06-01")  # 6 months: due 1 December 2026
    days: set[dt.date] = set()
    for seed in (1, 2, 3):
        problem, plan = solve(case, settings={"seed": seed}, quarter="2027Q1", as_of=dt.date(2026, 12, 1))
        assert all(f.overdue for f in problem.facilities)
        days |= {v.date for v in plan.visits if v.reason_code == ReasonCode.OVERDUE}
    assert all(dt.date(2027, 1, 4) <= d <= dt.date(2027, 1, 15) for d in days)
    assert any(d >= dt.date(2027, 1, 11) for d in days)
    d = week_data(problem)
    sid = next(s.slot_id for s in d.slots if s.facility_id == "F0")
    costs = [evaluate(d, {sid: Placement(w, "P0", None)})[SoftRule.OVERDUE_DELAY] for w in (1, 2, 3)]
    assert costs == [0, 0, 1000]


def test_an_overdue_visit_names_the_date_that_passed_and_what_it_was_counted_from() -> None:
    case = (
        Case()
        .facility("OV", last_unannounced="2026-01-01")  # deadline 1 July 2026
        .facility("ANN", approved="2015-01-05")  # only announced visits in the history loaded, which begins later
        .visit("ANN", "2026-03-02", announced=True)
        .facility("YOUNG", approved="2026-02-02")  # approved after the data begin: never visited unannounced
        .visit("YOUNG", "2026-03-05", announced=True)
        .facility("NEW", approved="2026-05-04")  # first visit due 4 August, the deadline only 4 November
        .inspector("I1")
    )
    _, plan = solve(case)
    reason = {v.facility_id: v.reason for v in plan.visits if v.reason_code == ReasonCode.OVERDUE}
    asap = "kunne ikke nås ved planens start: besøges i planens første uger, senest 31. december 2026"
    assert reason["OV"] == f"Fristen for uanmeldt besøg (1. juli 2026; sidste uanmeldte besøg 1. januar 2026) {asap}"
    # the data begin 1 January 2026: an unannounced visit before then is not known, not known not to exist
    assert reason["ANN"] == (
        f"Fristen for uanmeldt besøg (5. juli 2015; godkendt 5. januar 2015, intet uanmeldt besøg kendt i data) {asap}"
    )
    assert reason["YOUNG"] == (
        f"Fristen for uanmeldt besøg (2. august 2026; godkendt 2. februar 2026, endnu ikke besøgt uanmeldt) {asap}"
    )
    # not "Fristen for uanmeldt besøg (4. november 2026) kunne ikke nås": that date had not come
    assert reason["NEW"] == f"Nyt tilbud godkendt 4. maj 2026: første besøg senest 4. august 2026 {asap}"


def test_risk_weight() -> None:
    assert [risk_weight(r) for r in (0.0, 0.004, 0.005, 0.5, 1.0)] == [1, 1, 1, 50, 100]


# --- unpredictability, reproducibility, confidentiality ----------------------------------------------


def many(seed: int) -> Plan:
    case = Case().inspector("I1", per_week=5).inspector("I2", per_week=5)
    for k in range(12):
        case.facility(f"F{k:02d}", last_unannounced="2026-09-01", risk=0.5 + k / 40)
    return solve_plan(case.problem(settings={"seed": seed}))


def test_same_seed_same_plan_other_seed_other_dates() -> None:
    a, b, c = many(1), many(1), many(2)
    key = lambda p: [(v.facility_id, v.date, v.inspector_ids) for v in p.visits]  # noqa: E731
    assert key(a) == key(b)
    assert [v.date for v in a.visits] != [v.date for v in c.visits]


def test_dates_do_not_follow_the_risk_rank() -> None:
    plan = many(1)
    by_risk = [v.date for v in sorted(plan.visits, key=lambda v: v.facility_id, reverse=True)]  # riskiest first
    assert by_risk != sorted(by_risk)  # the riskiest are not simply served first
    assert len({v.date for v in plan.visits}) >= 6  # spread over the no-cost weeks, not stacked


def test_unannounced_dates_are_hidden_from_unauthorised_readers() -> None:
    case = (
        Case()
        .facility("F1", last_unannounced="2026-06-01")
        .inspector("I1")
        .lock("F1", "2026-10-14", "I1", announced=True)
    )
    _, plan = solve(case)
    for v in plan.visits:
        public = v.as_dict(authorised=False)
        assert public["confidential"] is (not v.announced)
        assert (public["date"] is None) is (not v.announced)
        assert v.as_dict(authorised=True)["date"] == v.date.isoformat()
        # nor does its reason narrow the date ("Lovkrav: uanmeldt besøg senest 1. december 2026")
        if not v.announced:
            assert v.reason != public["reason"] == VISIT_REASON_FOR_READERS_DA[v.reason_code.value]
            assert v.as_dict(authorised=True)["reason"] == v.reason
    # every reason code has a reader's text
    assert set(VISIT_REASON_FOR_READERS_DA) == {c.value for c in ReasonCode}


def test_every_visit_has_a_danish_reason_matching_its_role() -> None:
    case = (
        Case()
        .facility("OV", last_unannounced="2026-01-01")
        .facility("NEW", approved="2026-08-15")
        .facility("DL", last_unannounced="2026-05-01", risk=0.05)
        .inspector("I1")
        .lock("DL", "2026-12-15", "I1", announced=True)
    )
    _, plan = solve(case)
    code = {(v.facility_id, v.locked): v.reason_code for v in plan.visits}
    assert code[("OV", False)] == ReasonCode.OVERDUE
    assert code[("NEW", False)] == ReasonCode.NEW_FACILITY
    assert code[("DL", True)] == ReasonCode.LOCK
    assert code[("DL", False)] in (ReasonCode.DEADLINE, ReasonCode.RISK)
    assert all(v.reason and v.role in VisitRole for v in plan.visits)


def test_a_deadline_counted_from_a_locked_visit_says_so_in_its_reason() -> None:
    # F1's last unannounced visit was 1 June 2026 (due 1 December); an unannounced visit is locked on 2 November,
    # so the next is due 2 May 2027, counted from the lock. The reason named the visit of 1 June as its basis: a
    # planner checking "senest 2. maj 2027 (sidste uanmeldte besøg 1. juni 2026)" finds a date that does not add up.
    case = Case().inspector("I1").facility("F1", last_unannounced="2026-06-01", risk=0.05)
    case.lock("F1", "2026-11-02", "I1")
    _, plan = solve(case, settings={"plan_horizon_quarters": 4})
    [after] = [v for v in plan.visits if v.facility_id == "F1" and not v.locked]
    assert after.date > dt.date(2026, 11, 2)
    assert after.reason_code == ReasonCode.DEADLINE
    assert "senest 2. maj 2027" in after.reason
    assert "1. juni 2026" not in after.reason and "låste uanmeldte besøg 2. november 2026" in after.reason


def test_a_socialtilsyn_gets_the_same_plan_alone_as_in_the_national_plan() -> None:
    # the five socialtilsyn are independent: Nord planned alone in the morning and all five in the afternoon must
    # give Nord the same days and inspectors (the day step drew from one random stream for all of them, so Nord's
    # days depended on whether Midt was planned before it)
    case = Case()
    for authority in ("midt", "nord"):
        case.inspector(f"{authority}1", authority=authority).inspector(f"{authority}2", authority=authority)
        for k in range(8):
            case.facility(f"{authority}{k}", authority=authority, last_unannounced=f"2026-0{4 + k % 6}-1{k}")
    both = solve_plan(case.problem())
    for authority in ("midt", "nord"):
        alone = solve_plan(case.problem(authority=authority))
        assert {(v.facility_id, v.date, v.inspector_ids) for v in alone.visits} == {
            (v.facility_id, v.date, v.inspector_ids) for v in both.visits if v.authority == authority
        }


def test_a_week_overbooked_by_a_lock_still_lets_every_other_week_be_used() -> None:
    # I1 (one a week) is away Monday-Thursday of the week of 12 October (capacity 0) but has a locked visit
    # on the Friday; every other week of the quarter is needed for the facilities due by 1 January 2027
    case = Case().inspector("I1", per_week=1).absent("I1", "2026-10-12", "2026-10-15")
    case.facility("L", last_unannounced="2026-09-01").lock("L", "2026-10-16", "I1", announced=True)
    probe = case.problem()
    grid = WeekGrid.of(probe)
    remaining = build_capacity(probe, grid).remaining["I1"]
    usable = sum(r for w, r in enumerate(remaining) if grid.days[w] and grid.days[w][-1] <= dt.date(2026, 12, 31))
    for k in range(usable):
        case.facility(f"F{k:02d}", last_unannounced="2026-07-01")
    problem, plan = solve(case)
    assert sum(1 for v in plan.visits if v.facility_id.startswith("F")) == usable
    # the note names the week of a locked visit: for planners only (an unannounced lock's week is confidential)
    assert any("Låste besøg fylder mere end kapaciteten" in n for n in plan.analysis.confidential_notes)
    assert not any("Låste besøg" in n for n in plan.analysis.notes)
    assert plan.analysis.from_dict(plan.analysis.to_dict()).confidential_notes == plan.analysis.confidential_notes
    d = week_data(problem)
    bound = flow_lower_bound(d, flow_schedule(d))
    assert bound is not None and bound <= plan.analysis.objective


def test_every_rule_costs_the_same_in_cp_sat_and_in_python() -> None:
    # chains (2-month interval), a parent plan, a top tier, an overdue facility and a lock: every soft rule
    case = Case().inspector("I1", per_week=2).inspector("I2", per_week=1, competences="opholdssted")
    for k in range(5):
        case.facility(
            f"F{k}", last_unannounced=f"2026-0{4 + k}-15", risk=0.2 * k, ftype=("sel108", "opholdssted")[k % 2]
        )
    case.facility("OV", last_unannounced="2026-01-10").lock("F1", "2026-10-21", "I1", announced=True)
    problem = case.problem(settings={"top_tier_share": 0.3, "visit_interval_default_months": 3})
    problem = replace(problem, parent_visits=(ParentVisit("F2", dt.date(2026, 10, 14), ("I1",)),))
    d = week_data(problem)
    model, v, terms = build_week_model(d)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 1
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    python = evaluate(d, extract_placements(d, v, solver))
    for t in terms:
        assert t.value(solver) == python[str(t.rule)], t.rule
    assert sum(python.values()) == round(solver.objective_value)
    assert any(s.prev for s in d.slots) and d.extra_weight and d.parent_weeks


def test_a_one_quarter_plan_with_a_first_visit_due_after_it() -> None:
    # TILSYNSPLAN_PLAN_HORIZON_QUARTERS=1: the checker used to demand the first visit due 2027-03-15
    # of a plan ending 2026-12-31 and rejected the planner's own plan
    case = Case().facility("N1", approved="2026-09-15").facility("F1", last_unannounced="2026-05-01")
    solve(case.inspector("I1"), settings={"plan_horizon_quarters": 1, "first_visit_months": 6})


def test_an_interval_shorter_than_the_gap_is_named_as_the_cause() -> None:
    # a 1-month interval and a 30-day gap: no chain of visits is possible, and the facility has no locks
    # (the message used to blame locked visits)
    case = Case().facility("F1", last_unannounced="2026-09-20").inspector("I1")
    problem = case.problem(settings={"visit_interval_months": {"sel108": 1}})
    with pytest.raises(PlanInfeasibleError) as error:
        solve_plan(problem)
    message = error.value.message
    assert "intervallet på 1 måned og mindsteafstanden på 30 dage" in message
    assert "låste" not in message


def test_locks_that_leave_no_day_are_named_as_the_cause() -> None:
    # 2-month interval; an agreed visit on 2026-12-15 keeps the chain's second visit out of 2026-11-16 ..
    # 2027-01-13, so the first visit placed as late as it may go (2026-10-30) leaves it no day
    case = Case().facility("F1", last_unannounced="2026-09-01").inspector("I1")
    case.lock("F1", "2026-12-15", "I1", announced=True)
    with pytest.raises(PlanInfeasibleError, match="låste besøg og mindsteafstanden"):
        solve_plan(case.problem(settings={"visit_interval_default_months": 2}))


def test_a_gap_that_leaves_no_day_in_the_horizon_is_named_as_the_cause() -> None:
    case = Case().facility("F1", last_unannounced="2026-05-15").visit("F1", "2026-09-30", announced=True)
    with pytest.raises(PlanInfeasibleError) as error:
        solve_plan(case.inspector("I1").problem(settings={"min_visit_gap_days": 365}))
    assert "mindsteafstanden på 365 dage efter det seneste besøg" in error.value.message
    assert "låste" not in error.value.message


def test_a_re_plan_keeps_the_named_inspector_of_a_partial_week_unless_it_costs_more() -> None:
    """In a partial week the week model names the inspector; another than the parent plan's costs
    INSPECTOR_CHANGE_WEIGHT (the day step could not keep the parent's day with them)."""
    from planner.weights import INSPECTOR_CHANGE_WEIGHT

    case = Case().facility("F1", last_unannounced="2024-12-03").inspector("I1").inspector("I2")  # due 3 Dec 2026
    problem = case.problem()
    d = week_data(replace(problem, parent_visits=(ParentVisit("F1", dt.date(2026, 12, 1), ("I2",)),)))
    [slot] = [s for s in d.slots if s.facility_id == "F1"]
    week = d.grid.week_of(dt.date(2026, 12, 1))
    base = evaluate(d, {slot.slot_id: Placement(week, None, "I2")})[SoftRule.STABILITY]
    other = evaluate(d, {slot.slot_id: Placement(week, None, "I1")})[SoftRule.STABILITY]
    assert other - base == INSPECTOR_CHANGE_WEIGHT
    assert d.share_out(week, [slot.slot_id], [(d.pool_of["I1"].pool_id, 1)]) == {slot.slot_id: d.pool_of["I1"].pool_id}


def test_a_visit_pulled_forward_by_risk_gives_the_risk_as_the_reports_do() -> None:
    """The reason wrote the risk as a share ("risiko 0,80") beside reports that give it as a percentage."""
    case = Case().inspector("I1").facility("HI", last_unannounced="2026-09-15", risk=0.8)
    for k in range(4):
        case = case.facility(f"LO{k}", last_unannounced="2026-09-15", risk=0.05)
    _, plan = solve(case)
    [visit] = [v for v in plan.visits if v.facility_id == "HI" and v.reason_code == ReasonCode.RISK]
    assert visit.reason.startswith("Risiko: nr. 1 af 5 i socialtilsynet (risiko 80 %); planlagt før fristen ")


def test_the_overbooked_weeks_note_counts_one_more_in_the_singular() -> None:
    """Eleven overbooked weeks listed ten "og 1 flere" (Danish says "og 1 mere")."""
    from types import SimpleNamespace

    from planner.solver import _overbooked_notes

    grid = SimpleNamespace(week_start=lambda w: dt.date(2027, 1, 4) + dt.timedelta(days=7 * w))
    eleven = SimpleNamespace(overbooked=lambda: [("I1", w, 2, 1) for w in range(11)])
    [note] = _overbooked_notes(None, grid, eleven)  # type: ignore[arg-type]
    assert note.endswith(
        "I1 i ugen fra 2027-03-08 (2 låste, kapacitet 1) og 1 mere; de uger får ingen planlagte besøg."
    )
    twelve = SimpleNamespace(overbooked=lambda: [("I1", w, 2, 1) for w in range(12)])
    [note] = _overbooked_notes(None, grid, twelve)  # type: ignore[arg-type]
    assert "(2 låste, kapacitet 1) og 2 flere; de uger" in note


def test_the_solve_time_includes_the_flow_that_found_the_plan() -> None:
    """2,000 tilbud and four inspectors: the min-cost flow found the plan and CP-SAT was not run, and `plan` said
    "løsning 0,0 s, første gyldige plan efter 1,2 s" -- a plan found after longer than the whole solve. The solve
    time is the whole time spent on the schedule (the flow, the model's build and CP-SAT), which the first complete
    schedule is a part of."""
    case = Case().facility("F1", last_unannounced="2025-06-04").facility("F2").inspector("I1")
    plan = solve_plan(case.problem(), stop_after_first_solution=True)  # the flow's plan, no CP-SAT
    a = plan.analysis
    assert a.first_solution_seconds is not None and a.first_solution_seconds > 0
    assert a.solve_seconds >= a.first_solution_seconds, (a.solve_seconds, a.first_solution_seconds)
    assert a.solve_seconds == pytest.approx(sum(s.build_seconds + s.seconds for s in a.authorities), abs=0.002)

"""Solve a :class:`PlanningProblem` into a checked, analysed :class:`Plan`.

1. The horizon becomes a week grid with each inspector's capacity (``calendar_grid``), each facility's
   needed visits become slots with windows (``slots``).
2. The authorities are independent subproblems (own facilities, own inspectors): each is one CP-SAT
   week model (``week_model``, ``constraints``, ``week_solve``), solved one after the other on the
   configured workers; the time limit is shared out in proportion to their sizes (time an authority
   does not use passes to the next). A greedy schedule is the hint, so the first feasible plan
   comes at once.
3. Infeasible: the deadline rules are relaxed to find the facilities and the missing capacity
   (``infeasibility``); no solution within the time limit: :class:`PlanTimeoutError`. With ``allow_late``
   the relaxed optimum of the authorities that cannot keep their deadlines is the plan instead (status
   ``BEST_EFFORT``): every other rule stays hard, and the deadlines it misses are recorded (``analysis.late``)
   with the missing inspector-days (``analysis.shortfall``).
4. The day step gives each visit its day and inspector (``day_assignment``; one seeded random stream per authority,
   so a socialtilsyn planned alone gets the days it gets in a plan for all); the independent checker
   verifies every hard rule on that final plan; the analysis prices every rule, explains every visit
   and compares with the rotation baseline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from data.enums import VisitKind
from data.glossary import and_more_da, format_number_da, weeks_late_da
from planner.analysis import (
    LOCK_REASON,
    authority_da,
    compare_with_baseline,
    date_da,
    final_rule_costs,
    reason_for,
    utilisation_spread,
)
from planner.baseline import BaselineSchedule, rotation_baseline
from planner.calendar_grid import CapacityTable, WeekGrid, build_capacity, pro_rata_capacity
from planner.checker import check_plan
from planner.day_assignment import assign_days
from planner.domain import (
    BEST_EFFORT,
    AuthoritySolve,
    BaselineComparison,
    CapacityShortfall,
    OverdueFacility,
    Plan,
    PlanAnalysis,
    PlanCheckError,
    PlannedVisit,
    PlanningProblem,
    PlanTimeoutError,
    ReasonCode,
    VisitRole,
)
from planner.infeasibility import check_competence, late_visits, relax_deadlines
from planner.slots import compute_slots
from planner.week_model import WeekModelData
from planner.week_solve import WeekResult, solve_week_model
from planner.weights import as_dict as weights_dict

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


def solve_plan(
    problem: PlanningProblem,
    *,
    stop_after_first_solution: bool = False,
    progress: Progress | None = None,
    strategy: str = "flow",
    allow_late: bool = False,
) -> Plan:
    """The plan for ``problem`` (raises ``PlanInfeasibleError`` / ``PlanTimeoutError``; see module doc).

    ``strategy="cp-sat"`` runs CP-SAT alone from a greedy hint (no min-cost flow): for comparison only.
    ``allow_late``: when the deadlines cannot all be kept, return the best-effort plan instead of refusing."""
    say = progress or (lambda _msg: None)
    grid = WeekGrid.of(problem)
    capacity = build_capacity(problem, grid)
    slotset = compute_slots(problem, grid)
    check_competence(problem, slotset)

    notes = list(problem.notes)
    budget = problem.time_limit_s
    remaining_slots = len(slotset.slots)
    datas: list[WeekModelData] = []
    results: dict[str, WeekResult] = {}
    infeasible: list[WeekModelData] = []
    for authority in problem.authorities:
        d = WeekModelData(authority, problem, grid, capacity, slotset.of_authority(authority), slotset.gap_weeks)
        share = max(0.5, budget * len(d.slots) / max(1, remaining_slots))
        remaining_slots -= len(d.slots)
        say(f"Planlægger {authority_da(authority)} ({format_number_da(len(d.slots), 0)} besøg, op til {share:.0f} s)")
        result = solve_week_model(
            d,
            share,
            problem.workers,
            problem.seed,
            stop_after_first_solution=stop_after_first_solution,
            strategy=strategy,
        )
        budget = max(0.0, budget - result.solve_seconds - result.build_seconds)
        if result.status == "infeasible":
            infeasible.append(d)
            continue
        if not result.solved:
            raise PlanTimeoutError(
                f"{authority_da(authority)}: ingen gyldig plan fundet inden for tidsgrænsen på {share:.0f} s "
                f"({format_number_da(len(d.slots), 0)} besøg). Giv solveren mere tid (--time-limit) eller "
                "planlæg ét socialtilsyn ad gangen."
            )
        datas.append(d)
        results[authority] = result
    day_data = {d.authority: d for d in datas}  # the model whose candidate days the day step keeps
    shortfall: tuple[CapacityShortfall, ...] = ()
    if infeasible:
        say("Reglerne kan ikke overholdes: finder de tilbud og den kapacitet, det drejer sig om")
        solves, error = relax_deadlines(
            problem, infeasible, max(5.0, problem.time_limit_s), problem.workers, problem.seed
        )
        if not allow_late or not all(rs.late for rs in solves):
            raise error
        log.info("best-effort plan: %s", "; ".join(x.message for rs in solves for x in rs.shortfall))
        for rs in solves:  # the analysis prices and explains by the strict model (its slots keep their deadlines)
            datas.append(rs.strict)
            results[rs.strict.authority] = rs.result
            day_data[rs.strict.authority] = rs.data
        datas.sort(key=lambda d: problem.authorities.index(d.authority))
        shortfall = tuple(x for rs in solves for x in rs.shortfall)
    best_effort = bool(shortfall)

    say("Fordeler besøgene på dage og tilsynskonsulenter")
    days: dict[str, tuple[dt.date, str]] = {}
    for d in datas:
        rng = authority_rng(problem.seed, d.authority)  # a tilsyn's days do not depend on who is planned with it
        days.update(assign_days(day_data[d.authority], results[d.authority].placements, rng))
    visits = _visits(problem, grid, datas, days)
    late: tuple[OverdueFacility, ...] = ()
    if best_effort:
        late = late_visits(problem, visits)
        visits = _mark_late(visits, late)

    report = check_plan(problem, visits, late if best_effort else None)
    if not report.ok:
        log.error("plan checker: %s", [str(v) for v in report.violations[:20]])
        raise PlanCheckError(
            f"Den uafhængige kontrol afviste planen ({len(report.violations)} brud); det er en fejl i planlæggeren",
            details=[{"rule": v.rule.value, "message": v.message} for v in report.violations[:100]],
        )

    baselines: dict[str, BaselineSchedule] = {}
    for d in datas:
        per_week: dict[int, int] = defaultdict(int)
        for sid in d.slot_by_id:
            if sid in days:
                per_week[grid.week_of(days[sid][0])] += 1
        baselines[d.authority] = rotation_baseline(d, per_week)
    comparison = compare_with_baseline(problem, grid, datas, days, visits, baselines)
    costs = final_rule_costs(problem, grid, capacity, datas, days, visits)
    analysis = _analysis(problem, grid, capacity, datas, results, costs, comparison, visits, notes)
    if best_effort:
        analysis = replace(analysis, late=late, shortfall=shortfall)
    return Plan(
        quarter=problem.quarter,
        as_of=problem.as_of,
        start=problem.start,
        end=problem.end,
        authority=problem.authority,
        status=BEST_EFFORT if best_effort else analysis.status,
        visits=tuple(sorted(visits, key=lambda v: (v.date, v.facility_id, v.slot_id))),
        analysis=analysis,
        parent_plan_id=problem.parent_plan_id,
    )


def authority_rng(seed: int, authority: str) -> np.random.Generator:
    """The day step's random stream for one authority: seeded by the plan's seed and the authority's code alone,
    so a socialtilsyn planned alone gets the same days and inspectors as in a plan for all five."""
    return np.random.default_rng([seed, *authority.encode()])


def _visits(
    problem: PlanningProblem, grid: WeekGrid, datas: list[WeekModelData], days: dict[str, tuple[dt.date, str]]
) -> list[PlannedVisit]:
    n_by_authority: dict[str, int] = defaultdict(int)
    for f in problem.facilities:
        n_by_authority[f.authority] += 1
    out: list[PlannedVisit] = []
    for d in datas:
        for s in d.slots:
            if s.slot_id not in days:
                continue
            day, inspector = days[s.slot_id]
            f = d.facility[s.facility_id]
            code, text = reason_for(
                s,
                day,
                f,
                d.timing.get(s.slot_id),
                grid,
                n_by_authority[f.authority],
                problem,
            )
            out.append(
                PlannedVisit(
                    facility_id=s.facility_id,
                    authority=s.authority,
                    date=day,
                    inspector_ids=(inspector,),
                    announced=False,
                    kind=VisitKind.OPERATIONAL,
                    role=s.role,
                    reason_code=code,
                    reason=text,
                    locked=False,
                    slot_id=s.slot_id,
                )
            )
    facility = problem.facility_by_id
    for k, lv in enumerate(problem.locked):
        out.append(
            PlannedVisit(
                facility_id=lv.facility_id,
                authority=facility[lv.facility_id].authority,
                date=lv.date,
                inspector_ids=(lv.inspector_id,),
                announced=lv.announced,
                kind=VisitKind.OPERATIONAL,
                role=VisitRole.LOCKED,
                reason_code=ReasonCode.LOCK,
                reason=LOCK_REASON,
                locked=True,
                slot_id=f"{lv.facility_id}#L{k + 1}",
            )
        )
    return out


def _mark_late(visits: list[PlannedVisit], late: tuple[OverdueFacility, ...]) -> list[PlannedVisit]:
    """A best-effort plan's visits after their deadline say so (reason ``LATE``), not "by the deadline"."""
    by_visit = {(o.facility_id, o.planned_date): o for o in late if o.planned_date is not None}
    out = []
    for v in visits:
        o = by_visit.get((v.facility_id, v.date))
        if o is None or v.locked:
            out.append(v)
            continue
        reason = (
            f"Fristen {date_da(o.deadline)} overskrides, {weeks_late_da(o.weeks_late)}: for lidt kapacitet "
            "(bedst mulige plan med overskredne frister)"
        )
        out.append(replace(v, reason_code=ReasonCode.LATE, reason=reason))
    return out


def _analysis(
    problem: PlanningProblem,
    grid: WeekGrid,
    capacity: CapacityTable,
    datas: list[WeekModelData],
    results: dict[str, WeekResult],
    costs: dict[str, int],
    comparison: BaselineComparison,
    visits: list[PlannedVisit],
    notes: list[str],
) -> PlanAnalysis:
    n_slots = {d.authority: len(d.slots) for d in datas}
    solves = tuple(
        AuthoritySolve(
            authority=a,
            status=r.status,
            method=r.method,
            objective=r.objective,
            bound=r.bound,
            gap=r.gap,
            seconds=round(r.solve_seconds, 3),
            build_seconds=round(r.build_seconds, 3),
            first_solution_seconds=None if r.first_solution_seconds is None else round(r.first_solution_seconds, 3),
            slots=n_slots[a],
            variables=r.variables,
            candidates=r.candidates,
        )
        for a, r in results.items()
    )
    objective = sum(r.objective for r in results.values())
    bound = sum(r.bound for r in results.values())
    firsts = [r.first_solution_seconds for r in results.values() if r.first_solution_seconds is not None]
    q1_visits: dict[str, int] = defaultdict(int)
    for v in visits:
        if v.date <= problem.first_quarter_end:
            for iid in v.inspector_ids:
                q1_visits[iid] += 1
    # pro rata to the inspector's days in the quarter, as the visits are counted by their day: a week that runs into
    # the next quarter (2027K1 ends on a Wednesday) brought its days after the quarter's end along
    q1_capacity = {
        i.inspector_id: sum(
            pro_rata_capacity(i.visits_per_week, sum(1 for day in week if day <= problem.first_quarter_end))
            for week in capacity.available[i.inspector_id]
        )
        for i in problem.inspectors
    }
    overdue = tuple(
        OverdueFacility(
            f.facility_id,
            f.authority,
            f.first_visit_due if f.first_visit_due is not None and f.first_visit_due < f.deadline else f.deadline,
            min((v.date for v in visits if v.facility_id == f.facility_id and not v.announced), default=None),
        )
        for f in problem.facilities
        if f.overdue
    )
    return PlanAnalysis(
        status="optimal" if all(r.status == "optimal" for r in results.values()) else "feasible",
        objective=objective,
        bound=bound,
        gap=max(0.0, objective - bound) / max(1.0, abs(objective)),
        # the whole time spent on the schedule (flow, model build, CP-SAT): CP-SAT's alone was 0 when the flow's plan
        # was kept, and "løsning 0,0 s, første gyldige plan efter 1,2 s" read as a plan found after the solve ended
        solve_seconds=round(sum(r.build_seconds + r.solve_seconds for r in results.values()), 3),
        first_solution_seconds=round(sum(firsts), 3) if len(firsts) == len(results) else None,
        authorities=solves,
        rule_costs=costs,
        overdue=overdue,
        baseline=comparison,
        check_ok=True,
        violations=(),
        visits_first_quarter_by_inspector={
            i.inspector_id: q1_visits.get(i.inspector_id, 0) for i in problem.inspectors
        },
        capacity_first_quarter_by_inspector=q1_capacity,
        notes=tuple(notes),
        confidential_notes=tuple(_overbooked_notes(problem, grid, capacity)),  # the weeks of locked visits
        weights=weights_dict(),
        deadlines={
            f.facility_id: f.first_due.isoformat() if not f.overdue else f.deadline.isoformat()
            for f in problem.facilities
        },
        utilisation_spread_first_quarter=round(utilisation_spread(problem, grid, capacity, visits), 1),
    )


def _overbooked_notes(problem: PlanningProblem, grid: WeekGrid, capacity: CapacityTable) -> list[str]:
    over = capacity.overbooked()
    if not over:
        return []
    weeks = ", ".join(
        f"{i} i ugen fra {grid.week_start(w).isoformat()} ({n} låste, kapacitet {c})" for i, w, n, c in over[:10]
    )
    more = and_more_da(len(over) - 10)
    return [f"Låste besøg fylder mere end kapaciteten for {weeks}{more}; de uger får ingen planlagte besøg."]

"""The week model's objective evaluated in plain Python for a schedule (slot -> week and pool/inspector).

Used to price the flow incumbent without CP-SAT, to report each rule's cost at week level, and in the
tests, which check it against CP-SAT's own objective value.
"""

from __future__ import annotations

from collections import defaultdict

from planner.domain import SoftRule, VisitRole
from planner.week_model import Placement, WeekModelData
from planner.weights import (
    EARLY_WEIGHT,
    INSPECTOR_CHANGE_WEIGHT,
    LATE_WEIGHT,
    STABILITY_WEIGHT,
    balance_cost,
    overdue_cost,
    unplaced_cost,
)


def evaluate(d: WeekModelData, placed: dict[str, Placement]) -> dict[str, int]:
    """Cost per rule of a week-level schedule (rules with no cost included as 0)."""
    costs: dict[str, int] = {rule.value: 0 for rule in SoftRule if rule != SoftRule.TRAVEL}
    if d.relaxed:
        costs["deadline_relaxed"] = 0
        costs["first_visit_relaxed"] = 0
    q1 = d.first_quarter_weeks
    for s in d.slots:
        p = placed.get(s.slot_id)
        if d.relaxed and not s.optional:
            key = "first_visit_relaxed" if s.role == VisitRole.NEW_FACILITY else "deadline_relaxed"
            hard_week = d.grid.week_of(d.hard_hi.get(s.slot_id, s.hi))
            if p is None:
                costs[key] += unplaced_cost(hard_week, d.grid.n_weeks)
            else:
                costs[key] += LATE_WEIGHT * max(0, p.week - hard_week)
        extra = d.extra_weight.get(s.slot_id)
        if extra is not None and (p is None or p.week not in q1):
            costs[SoftRule.EXTRA_TOP_TIER] += extra
        if p is None:
            continue
        t = d.timing.get(s.slot_id)
        if t is not None:
            costs[SoftRule.RISK_LATENESS] += t.weight * max(0, p.week - t.hi)
            costs[SoftRule.EARLY_VISIT] += EARLY_WEIGHT * max(0, t.lo - p.week)
        if s.role == VisitRole.OVERDUE:
            costs[SoftRule.OVERDUE_DELAY] += overdue_cost(p.week, d.grid.first_working_week)
        costs[SoftRule.TIE_BREAK] += int(d.tie_break(s.slot_id)[p.week])

    weeks_of_facility: dict[str, set[int]] = defaultdict(set)
    for sid, p in placed.items():
        weeks_of_facility[d.slot_by_id[sid].facility_id].add(p.week)
    for fid, weeks in d.parent_weeks.items():
        costs[SoftRule.STABILITY] += STABILITY_WEIGHT * sum(1 for w in weeks if w not in weeks_of_facility[fid])
    for sid, p in placed.items():
        others = d.parent_inspectors.get((d.slot_by_id[sid].facility_id, p.week))
        if p.inspector_id is not None and others is not None and p.inspector_id not in others:
            costs[SoftRule.STABILITY] += INSPECTOR_CHANGE_WEIGHT

    costs[SoftRule.WORKLOAD_BALANCE] = workload_cost(d, placed)
    return costs


def workload_cost(d: WeekModelData, placed: dict[str, Placement]) -> int:
    load: dict[tuple[str, int], int] = defaultdict(int)
    for p in placed.values():
        pool_id = p.pool_id if p.pool_id is not None else d.pool_of[str(p.inspector_id)].pool_id
        load[(pool_id, p.week)] += 1
    total = 0
    for _q, pool, weeks, cap, fixed in d.pool_quarters:
        total += balance_cost(fixed + sum(load[(pool.pool_id, w)] for w in weeks), cap)
    return total


def locked_workload_cost(d: WeekModelData) -> int:
    """The part of the workload cost that locked visits alone cause (a constant of the model)."""
    return sum(balance_cost(fixed, cap) for _q, _pool, _weeks, cap, fixed in d.pool_quarters)

"""The plan's breakdown: the cost of every soft rule on the final plan, why each visit sits where it
sits (a Danish reason), and the comparison with the rotation baseline.

The rule costs here are computed on the final day-level plan with the formulas of
``planner.constraints`` (weights from ``planner.weights``); two differ from the week model's terms by
design: *workload balance* is measured per inspector (the model balances pools, the day step the
inspectors inside a pool) and *travel* exists only in the day step.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from data.enums import Authority
from data.glossary import AUTHORITY_DA, format_number_da, format_percent_da, top_pool_da
from planner.baseline import BaselineSchedule
from planner.calendar_grid import CapacityTable, WeekGrid
from planner.day_assignment import day_travel_cost
from planner.domain import (
    TOP_DECILE,
    BaselineComparison,
    FacilityNeed,
    PlannedVisit,
    PlanningProblem,
    ReasonCode,
    SoftRule,
    VisitRole,
)
from planner.slots import VisitSlot
from planner.week_model import Timing, WeekModelData
from planner.weights import EARLY_WEIGHT, STABILITY_WEIGHT, TARGET_WINDOW_WEEKS, balance_cost, overdue_cost

MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def date_da(day: dt.date) -> str:
    """``3. marts 2027``."""
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def authority_da(code: str) -> str:
    try:
        return AUTHORITY_DA[Authority(code)]
    except ValueError:
        return code


# --- reasons -----------------------------------------------------------------------------------


def reason_for(
    slot: VisitSlot,
    day: dt.date,
    f: FacilityNeed,
    timing: Timing | None,
    grid: WeekGrid,
    n_in_authority: int,
    problem: PlanningProblem,
) -> tuple[ReasonCode, str]:
    """Why a planned visit sits where it sits, as a code and a Danish sentence."""
    risk = format_percent_da(f.risk)  # as the reports show a risk ("risiko 6 %")
    first_quarter_end = problem.first_quarter_end
    top = _top_group_da(f, n_in_authority, problem)
    if slot.role == VisitRole.OVERDUE:
        asap = f"besøges i planens første uger, senest {date_da(slot.hi)}"
        if f.first_visit_due is not None and f.first_visit_due < f.deadline:  # the first-visit rule bound
            return ReasonCode.OVERDUE, (
                f"Nyt tilbud godkendt {date_da(f.approved_on)}: første besøg senest {date_da(f.first_visit_due)} "
                f"kunne ikke nås ved planens start: {asap}"
            )
        return ReasonCode.OVERDUE, (
            f"Fristen for uanmeldt besøg ({date_da(f.deadline)}; {_deadline_basis(f)}) kunne ikke nås ved "
            f"planens start: {asap}"
        )
    if slot.role == VisitRole.EXTRA_TOP_TIER:  # no visit needed in the horizon: the extra visit alone
        return ReasonCode.EXTRA_TOP_TIER, (
            f"Ekstra uanmeldt besøg i kvartalet: {top}; fristen er først {date_da(f.first_due)}"
        )
    due = slot.deadline or slot.hi
    pulled = f.top_tier and slot.index == 0 and day <= first_quarter_end < due
    if slot.role == VisitRole.NEW_FACILITY:  # the first visit, also when the top tier pulls it into the quarter
        first_due = f.first_visit_due or slot.hi
        text = f"Nyt tilbud godkendt {date_da(f.approved_on)}: første besøg senest {date_da(first_due)}"
        if pulled:
            text += f"; lagt i kvartalet, da det er {top}"
        return ReasonCode.NEW_FACILITY, text
    if pulled:
        return ReasonCode.EXTRA_TOP_TIER, (
            f"Ekstra uanmeldt besøg i kvartalet: {top}; fristen var først {date_da(due)}"
        )
    if slot.deadline is None or slot.prev is not None:  # chained (or pinned) to the visit planned before it
        return ReasonCode.DEADLINE, (
            f"Lovkrav: næste uanmeldte besøg senest {f.interval_months} måneder efter det forrige"
        )
    week = grid.week_of(day)
    due_week = grid.week_of(slot.deadline)
    pulled = timing is not None and timing.hi < due_week - TARGET_WINDOW_WEEKS and week <= timing.hi
    if pulled and f.risk_percentile >= 0.5:
        return ReasonCode.RISK, (
            f"Risiko: nr. {f.risk_rank} af {n_in_authority} i socialtilsynet (risiko {risk}); "
            f"planlagt før fristen {date_da(slot.deadline)}"
        )
    basis = _deadline_basis(f, slot.after_lock)
    return ReasonCode.DEADLINE, f"Lovkrav: uanmeldt besøg senest {date_da(slot.deadline)} ({basis})"


def _top_group_da(f: FacilityNeed, n_in_authority: int, problem: PlanningProblem) -> str:
    """Where the facility stands in the top group: "blandt de 10 % mest risikable tilbud på landsplan (nr. 37 af
    1.987, risiko 34 %)", or, drawn per socialtilsyn, "blandt socialtilsynets mest risikable tilbud (nr. 5 af 412,
    risiko 34 %)"."""
    risk = format_percent_da(f.risk)
    if problem.top_tier_scope == "national" and f.national_rank is not None:
        share = format_number_da(problem.top_tier_share * 100, 0)
        return (
            f"blandt de {share} % mest risikable tilbud {top_pool_da(problem.top_tier_pool_authorities)} (nr. "
            f"{format_number_da(f.national_rank, 0)} af {format_number_da(problem.top_tier_pool, 0)}, risiko {risk})"
        )
    return f"blandt socialtilsynets mest risikable tilbud (nr. {f.risk_rank} af {n_in_authority}, risiko {risk})"


def _deadline_basis(f: FacilityNeed, after_lock: dt.date | None = None) -> str:
    """What the unannounced-visit deadline is counted from: a locked unannounced visit in the horizon
    (``after_lock``: the slot comes after it), else the history. A tilbud approved before the visit data
    begin and with no unannounced visit in them may well have had one before: the text says only that
    none is known (the plan's short-export note says why and what to give)."""
    if after_lock is not None:
        return f"det låste uanmeldte besøg {date_da(after_lock)}"
    if f.last_unannounced is not None:
        return f"sidste uanmeldte besøg {date_da(f.last_unannounced)}"
    if not f.history_known:
        return f"godkendt {date_da(f.approved_on)}, intet uanmeldt besøg kendt i data"
    return f"godkendt {date_da(f.approved_on)}, endnu ikke besøgt uanmeldt"


LOCK_REASON = "Låst besøg (aftalt på forhånd)"


# --- rule costs on the final plan ----------------------------------------------------------------


def final_rule_costs(
    problem: PlanningProblem,
    grid: WeekGrid,
    capacity: CapacityTable,
    datas: list[WeekModelData],
    days: dict[str, tuple[dt.date, str]],
    visits: list[PlannedVisit],
) -> dict[str, int]:
    """Soft-rule costs of the final plan (slot id -> (day, inspector) for planned slots)."""
    costs = {rule.value: 0 for rule in SoftRule}
    for d in datas:
        for s in d.slots:
            placed = days.get(s.slot_id)
            week = None if placed is None else grid.week_of(placed[0])
            t = d.timing.get(s.slot_id)
            if t is not None and week is not None:
                costs[SoftRule.RISK_LATENESS] += t.weight * max(0, week - t.hi)
                costs[SoftRule.EARLY_VISIT] += EARLY_WEIGHT * max(0, t.lo - week)
            if s.slot_id in d.extra_weight and week not in d.first_quarter_weeks:
                costs[SoftRule.EXTRA_TOP_TIER] += d.extra_weight[s.slot_id]
            if s.role == VisitRole.OVERDUE and week is not None:
                costs[SoftRule.OVERDUE_DELAY] += overdue_cost(week, grid.first_working_week)
            if week is not None:
                costs[SoftRule.TIE_BREAK] += int(d.tie_break(s.slot_id)[week])
    costs[SoftRule.WORKLOAD_BALANCE] = workload_balance_cost(grid, capacity, datas, visits)
    costs[SoftRule.TRAVEL] = travel_cost(problem, visits)
    costs[SoftRule.STABILITY] = stability_cost(problem, grid, visits)
    return costs


def workload_balance_cost(
    grid: WeekGrid, capacity: CapacityTable, datas: Iterable[WeekModelData], visits: Iterable[PlannedVisit]
) -> int:
    """Per authority, pool and quarter: ``weights.balance_cost`` of the pool's visits (locked included)."""
    load: dict[tuple[str, str], int] = defaultdict(int)
    for v in visits:
        for iid in v.inspector_ids:
            load[(iid, grid.quarter_of_week[grid.week_of(v.date)])] += 1
    total = 0
    for d in datas:
        for q, pool, _weeks, cap, _fixed in d.pool_quarters:
            total += balance_cost(sum(load[(m, q)] for m in pool.members), cap)
    return total


def utilisation_spread(
    problem: PlanningProblem, grid: WeekGrid, capacity: CapacityTable, visits: Iterable[PlannedVisit]
) -> float:
    """The largest spread (percentage points) in the first quarter between the most and the least used
    inspector of one authority (a key figure for the balance rule)."""
    q = problem.quarters[0]
    load: dict[str, int] = defaultdict(int)
    for v in visits:
        if grid.quarter_of_week[grid.week_of(v.date)] == q:
            for iid in v.inspector_ids:
                load[iid] += 1
    worst = 0.0
    for authority in problem.authorities:
        utils = []
        for i in problem.inspectors:
            if i.authority != authority:
                continue
            cap = sum(c for w, c in enumerate(capacity.capacity[i.inspector_id]) if grid.quarter_of_week[w] == q)
            if cap > 0:
                utils.append(100 * load[i.inspector_id] / cap)
        if len(utils) >= 2:
            worst = max(worst, max(utils) - min(utils))
    return worst


def travel_cost(problem: PlanningProblem, visits: Iterable[PlannedVisit]) -> int:
    """Sum over inspectors and days of the km between every pair of that day's visits (``day_travel_cost``)."""
    facility = problem.facility_by_id
    per_day: dict[tuple[str, dt.date], list[FacilityNeed]] = defaultdict(list)
    for v in visits:
        if v.facility_id in facility:
            for iid in v.inspector_ids:
                per_day[(iid, v.date)].append(facility[v.facility_id])
    return sum(day_travel_cost(fs) for fs in per_day.values() if len(fs) > 1)


def stability_cost(problem: PlanningProblem, grid: WeekGrid, visits: Iterable[PlannedVisit]) -> int:
    """``STABILITY_WEIGHT`` per parent-plan visit whose facility has no visit in the same week any more."""
    weeks = {(v.facility_id, grid.week_of(v.date)) for v in visits}
    return sum(
        STABILITY_WEIGHT
        for p in problem.parent_visits
        if problem.start <= p.date <= problem.end and (p.facility_id, grid.week_of(p.date)) not in weeks
    )


# --- comparison with the rotation ----------------------------------------------------------------


def top_decile(problem: PlanningProblem) -> set[str]:
    """The riskiest 10 % (``FacilityNeed.top_decile``: of all tilbud in the risk run or of each socialtilsyn, by
    ``top_tier_scope``), visited in the quarter already or not."""
    return {f.facility_id for f in problem.facilities if f.top_decile}


def compare_with_baseline(
    problem: PlanningProblem,
    grid: WeekGrid,
    datas: list[WeekModelData],
    days: dict[str, tuple[dt.date, str]],
    visits: list[PlannedVisit],
    baselines: dict[str, BaselineSchedule],
) -> BaselineComparison:
    top = top_decile(problem)
    q1_end = problem.first_quarter_end
    plan_q1 = {v.facility_id for v in visits if v.date <= q1_end}
    locked_q1 = {lv.facility_id for lv in problem.locked if lv.date <= q1_end}
    base_q1 = set(locked_q1)
    plan_late = base_late = 0
    for d in datas:
        base = baselines[d.authority]
        # The rotation has the plan's visits per week; in a week that runs into the next quarter (2027K1 ends on a
        # Wednesday) only as many of them count as the plan has on the quarter's days, the rotation's first (oldest
        # first). Counting the whole week gave the rotation first-quarter visits on 1-2 April that the plan's same
        # visits were not credited with ("0 % mod 100 %" when every inspector was away all quarter).
        plan_in_q1: dict[int, int] = defaultdict(int)
        for sid in d.slot_by_id:
            if sid in days and days[sid][0] <= q1_end:
                plan_in_q1[grid.week_of(days[sid][0])] += 1
        credited: dict[int, int] = defaultdict(int)
        for sid, w in base.weeks.items():  # in the rotation's order: week by week, oldest first
            if credited[w] < plan_in_q1[w]:
                credited[w] += 1
                base_q1.add(d.slot_by_id[sid].facility_id)
        for sid, t in d.timing.items():
            placed = days.get(sid)
            plan_w = grid.n_weeks if placed is None else grid.week_of(placed[0])
            base_w = base.weeks.get(sid, grid.n_weeks)
            plan_late += t.weight * max(0, plan_w - t.hi)
            base_late += t.weight * max(0, base_w - t.hi)
    n = len(top)
    in_top = Counter(problem.facility_by_id[fid].authority for fid in top)
    plan_share = len(top & plan_q1) / n if n else 0.0
    base_share = len(top & base_q1) / n if n else 0.0
    return BaselineComparison(
        plan_risk_lateness=plan_late,
        baseline_risk_lateness=base_late,
        top_decile_count=n,
        plan_top_decile_first_quarter=plan_share,
        baseline_top_decile_first_quarter=base_share,
        ratio=(plan_share / base_share) if base_share > 0 else None,
        baseline_missed_deadlines=sum(b.missed_deadlines for b in baselines.values()),
        top_share=TOP_DECILE,
        top_scope=problem.top_tier_scope,
        top_pool=problem.top_tier_pool_authorities,
        top_by_authority={a: in_top[a] for a in problem.authorities},
    )

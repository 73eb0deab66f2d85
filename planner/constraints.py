"""The business rules of the week model, one ``add_<rule>(model, vars, data)`` each.

Hard rules post constraints (some are kept by construction of the candidate weeks, see
``planner.slots`` and ``planner.week_model``; the docstring says where). Soft rules return the
:class:`CostTerms` they add to the objective, which :func:`build_objective` sums once. Weights are in
``planner.weights``. Short travel is a soft rule of the day step (``planner.day_assignment``), where
days and inspectors are known. The independent ``planner.checker`` verifies every hard rule on the
final day-level plan.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from planner.domain import SoftRule, VisitRole
from planner.week_model import CostTerms, WeekModelData, WeekModelVars
from planner.weights import (
    EARLY_WEIGHT,
    INSPECTOR_CHANGE_WEIGHT,
    LATE_WEIGHT,
    STABILITY_WEIGHT,
    balance_pieces,
    overdue_cost,
    unplaced_cost,
)

Model = cp_model.CpModel

# ----------------------------------------------------------------------------------------------
# hard rules
# ----------------------------------------------------------------------------------------------


def add_one_visit_per_slot(model: Model, v: WeekModelVars, d: WeekModelData) -> None:
    """Every needed visit lies in exactly one week (relaxed: or is marked unplaced); an optional one (the
    top tier's extra visit) in at most one."""
    for s in d.slots:
        placed = v.placed(s.slot_id)
        if s.optional:
            model.add_at_most_one(placed)
        elif s.slot_id in v.unplaced:
            model.add_exactly_one([*placed, v.unplaced[s.slot_id]])
        else:
            model.add_exactly_one(placed)  # empty: no possible week -> the model is infeasible


def _placed_literals(v: WeekModelVars, *slot_ids: str) -> list[cp_model.LiteralT]:
    return [v.unplaced[sid].Not() for sid in slot_ids if sid in v.unplaced]


def _deadline_relaxation(v: WeekModelVars, d: WeekModelData, roles: set[VisitRole], rule: str) -> CostTerms:
    terms = CostTerms(rule)
    if not d.relaxed:
        return terms
    for s in d.slots:
        if s.role not in roles:
            continue
        hard_week = d.grid.week_of(d.hard_hi.get(s.slot_id, s.hi))
        for w in v.weeks.get(s.slot_id, []):
            if w > hard_week:
                terms.add(v.x[(s.slot_id, w)], LATE_WEIGHT * (w - hard_week))
        if s.slot_id in v.unplaced:
            terms.add(v.unplaced[s.slot_id], unplaced_cost(hard_week, d.grid.n_weeks))
    return terms


def add_unannounced_deadline(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """Unannounced visit by the deadline. A slot's candidate weeks end at its deadline (``slots.py``); two
    planned visits of one chain lie at most ``chain_weeks`` apart. Relaxed: late weeks and unplaced
    visits cost ``LATE_WEIGHT``/``unplaced_cost`` instead (infeasibility analysis)."""
    for s in d.slots:
        if s.prev is None or s.prev not in v.weeks or s.slot_id not in v.weeks:
            continue
        ct = model.add(v.week_expr(s.slot_id) - v.week_expr(s.prev) <= s.chain_weeks)
        ct.only_enforce_if(_placed_literals(v, s.slot_id, s.prev))
    return _deadline_relaxation(v, d, {VisitRole.DEADLINE, VisitRole.OVERDUE}, "deadline_relaxed")


def add_first_visit_new_facility(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """First visit to a new facility within ``first_visit_months`` of approval: its slot's candidate weeks
    end at that date (``slots.py``). Relaxed: priced like a missed deadline."""
    return _deadline_relaxation(v, d, {VisitRole.NEW_FACILITY}, "first_visit_relaxed")


def add_authority_and_competence(model: Model, v: WeekModelVars, d: WeekModelData) -> dict[tuple[str, int], list]:
    """Only inspectors of the facility's own authority with competence for its type: each class of
    facility types sends its visits of a week to competent pools only (integer flows); partial-week
    visits have ``y`` variables for competent inspectors only. Returns each pool-week's load terms."""
    load: dict[tuple[str, int], list] = defaultdict(list)
    for (cls, w), xs in v.demand.items():
        pools = [p for p in d.class_pools[cls] if d.pool_remaining[p][w] > 0]
        if len(pools) == 1:
            load[(pools[0], w)].extend(xs)
            continue
        flows = []
        for p in pools:
            f = model.new_int_var(0, min(len(xs), d.pool_remaining[p][w]), f"flow[{cls},{p},{w}]")
            v.flow[(cls, p, w)] = f
            flows.append(f)
            load[(p, w)].append(f)
        model.add(sum(flows) == sum(xs))
    for (_sid, w, i), y in v.y.items():
        load[(d.pool_of[i].pool_id, w)].append(y)
    return load


def add_weekly_capacity(model: Model, v: WeekModelVars, d: WeekModelData, load: dict[tuple[str, int], list]) -> None:
    """Weekly capacity: per pool and week at most its members' remaining (pro rata, after locked visits)
    capacity; per inspector at most their own for the partial-week visits given to them by name."""
    for (p, w), terms in load.items():
        model.add(sum(terms) <= d.pool_remaining[p][w])  # flows are integers: always post
    per_inspector: dict[tuple[str, int], list] = defaultdict(list)
    for (_sid, w, i), y in v.y.items():
        per_inspector[(i, w)].append(y)
    remaining = d.capacity.remaining
    for (i, w), ys in per_inspector.items():
        if len(ys) > remaining[i][w]:
            model.add(sum(ys) <= remaining[i][w])


def add_working_days_and_absences(model: Model, v: WeekModelVars, d: WeekModelData) -> None:
    """No visits on weekends, public holidays or absence days: candidate weeks are those with a working
    day in the window; in a partial week the visit goes to one inspector present on a candidate day."""
    for sid, w in v.partial:
        model.add(v.x[(sid, w)] == sum(v.y[(sid, w, i)] for i in v.y_of[(sid, w)]))


def add_min_gap(model: Model, v: WeekModelVars, d: WeekModelData) -> None:
    """At least ``min_visit_gap_days`` between two visits to one facility: windows keep the gap to history
    and locked visits (``slots.py``); planned visits of one facility lie ``gap_weeks`` or more apart."""
    for s in d.slots:
        if s.prev is not None and s.prev in v.weeks and s.slot_id in v.weeks:
            ct = model.add(v.week_expr(s.slot_id) - v.week_expr(s.prev) >= d.gap_weeks)
            ct.only_enforce_if(_placed_literals(v, s.slot_id, s.prev))


def add_locked_visits(model: Model, v: WeekModelVars, d: WeekModelData) -> None:
    """Locked visits stay as agreed: they are constants that take their inspector's weekly capacity
    (``CapacityTable.remaining``; a week they fill beyond capacity gets no planned visit, and the plan's
    notes say so) and bound the other visits' windows (``slots.py``). Nothing to decide here."""


# ----------------------------------------------------------------------------------------------
# soft rules
# ----------------------------------------------------------------------------------------------


def add_risk_lateness(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """Higher risk earlier: each week after the facility's risk target costs its risk weight."""
    terms = CostTerms(SoftRule.RISK_LATENESS)
    for sid, t in d.timing.items():
        for w in v.weeks.get(sid, []):
            if w > t.hi:
                terms.add(v.x[(sid, w)], t.weight * (w - t.hi))
    return terms


def add_early_visit(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """Capacity is not spent long before it is needed: each week before the target window costs a little."""
    terms = CostTerms(SoftRule.EARLY_VISIT)
    for sid, t in d.timing.items():
        for w in v.weeks.get(sid, []):
            if w < t.lo:
                terms.add(v.x[(sid, w)], EARLY_WEIGHT * (t.lo - w))
    return terms


def add_extra_top_tier_visit(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """The top risk tier gets a visit in the first quarter, as capacity allows -- an extra visit compared
    with the legal rhythm: a top-tier facility whose first visit is not in a first-quarter week costs
    ``EXTRA_WEIGHT`` times its risk weight. (Its visit then restarts its interval; no second visit is
    planned in the same quarter.) One that needs no visit in the horizon has an optional slot instead
    (``slots``): leaving it out costs the same."""
    terms = CostTerms(SoftRule.EXTRA_TOP_TIER)
    q1 = d.first_quarter_weeks
    for sid, weight in d.extra_weight.items():
        terms.constant += weight
        for w in v.weeks.get(sid, []):
            if w in q1:
                terms.add(v.x[(sid, w)], -weight)
    return terms


def add_balanced_workload(
    model: Model, v: WeekModelVars, d: WeekModelData, load: dict[tuple[str, int], list]
) -> CostTerms:
    """Balanced workload: each pool's visits of a quarter cost more the fuller the pool gets (the convex
    ``weights.balance_pieces``), which spreads the work over pools and quarters in proportion to their
    capacity; inside a pool the day step spreads it over the inspectors."""
    terms = CostTerms(SoftRule.WORKLOAD_BALANCE)
    for q, p, weeks, cap, fixed in d.pool_quarters:
        ts = [t for w in weeks for t in load.get((p.pool_id, w), [])]
        pieces = []
        for k, (start, size, cost) in enumerate(balance_pieces(cap)):
            piece = model.new_int_var(0, size, f"load[{p.pool_id},{q},{k}]")
            pieces.append((piece, start, size))
            terms.add(piece, cost)
        model.add(sum(x for x, _, _ in pieces) == sum(ts) + fixed)
        v.balance.append((fixed, ts, pieces))
    return terms


def add_stability(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """Re-planning moves as few visits as it can: a parent-plan visit whose facility is no longer visited
    in the same week costs ``STABILITY_WEIGHT``; one kept in its week but named (a partial week) to another
    inspector than the parent's ``INSPECTOR_CHANGE_WEIGHT`` (the day step could not keep its day)."""
    terms = CostTerms(SoftRule.STABILITY)
    slots_of: dict[str, list[str]] = defaultdict(list)
    for s in d.slots:
        slots_of[s.facility_id].append(s.slot_id)
    for fid, weeks in d.parent_weeks.items():
        for k, pw in enumerate(weeks):
            xs = [v.x[(sid, pw)] for sid in slots_of[fid] if (sid, pw) in v.x]
            terms.constant += STABILITY_WEIGHT
            if not xs:
                continue
            keep = model.new_bool_var(f"keep[{fid},{k}]")
            model.add(keep <= sum(xs))
            v.keep.append((keep, xs))
            terms.add(keep, -STABILITY_WEIGHT)
    for (sid, w, inspector), y in v.y.items():  # a named inspector other than the parent's, in the parent's week
        others = d.parent_inspectors.get((d.slot_by_id[sid].facility_id, w))
        if others is not None and inspector not in others:
            terms.add(y, INSPECTOR_CHANGE_WEIGHT)
    return terms


def add_overdue_asap(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """An overdue facility is visited as early as possible: each week after its grace weeks costs
    (``planner.weights.overdue_cost``)."""
    terms = CostTerms(SoftRule.OVERDUE_DELAY)
    for s in d.slots:
        if s.role == VisitRole.OVERDUE:
            for w in v.weeks.get(s.slot_id, []):
                terms.add(v.x[(s.slot_id, w)], overdue_cost(w, d.grid.first_working_week))
    return terms


def add_tie_break(model: Model, v: WeekModelVars, d: WeekModelData) -> CostTerms:
    """Unpredictability: a seeded random cost per visit and week decides among near-equal plans, so the
    date is not a function of the risk rank (and changes with the seed, never with the input order)."""
    terms = CostTerms(SoftRule.TIE_BREAK)
    for sid, weeks in v.weeks.items():
        noise = d.tie_break(sid)
        for w in weeks:
            terms.add(v.x[(sid, w)], int(noise[w]))
    return terms


# ----------------------------------------------------------------------------------------------


def add_all_rules(model: Model, v: WeekModelVars, d: WeekModelData) -> list[CostTerms]:
    """Post every hard rule and collect every soft rule's terms (in the order of the issue)."""
    add_locked_visits(model, v, d)
    add_one_visit_per_slot(model, v, d)
    relaxations = [add_unannounced_deadline(model, v, d), add_first_visit_new_facility(model, v, d)]
    load = add_authority_and_competence(model, v, d)
    add_weekly_capacity(model, v, d, load)
    add_working_days_and_absences(model, v, d)
    add_min_gap(model, v, d)
    soft = [
        add_risk_lateness(model, v, d),
        add_early_visit(model, v, d),
        add_extra_top_tier_visit(model, v, d),
        add_balanced_workload(model, v, d, load),
        add_stability(model, v, d),
        add_overdue_asap(model, v, d),
        add_tie_break(model, v, d),
    ]
    return [t for t in relaxations if t.variables or t.constant] + soft


def build_objective(model: Model, terms: list[CostTerms]) -> None:
    """The objective, built once: the sum of every rule's terms (one coefficient per variable)."""
    merged: dict[int, list] = {}
    for t in terms:
        for var, coef in zip(t.variables, t.coefficients, strict=True):
            entry = merged.get(var.index)
            if entry is None:
                merged[var.index] = [var, coef]
            else:
                entry[1] += coef
    variables = [e[0] for e in merged.values() if e[1]]
    coefficients = [e[1] for e in merged.values() if e[1]]
    constant = sum(t.constant for t in terms)
    model.minimize(cp_model.LinearExpr.weighted_sum(variables, coefficients) + constant)

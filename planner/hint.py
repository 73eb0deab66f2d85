"""CP-SAT's solution hint: a near-optimal schedule from a min-cost flow, so the first feasible plan
comes at once and the search starts close to the optimum.

Without chains of several visits (intervals shorter than the horizon, locked visits in between), the
week model *is* a min-cost flow: slot -> (class, week) -> (pool, week) for full weeks, slot ->
(inspector, week) -> (pool, week) for partial weeks, then (pool, week) -> (pool, quarter) -> sink
through the convex workload pieces; the arc from a slot to a week costs that week's soft-rule costs
(risk timing, first quarter for the top tier, overdue, tie-break, minus the stability bonus); the top
tier's optional extra visit also has an arc straight to the sink at the cost of leaving it out.
``SimpleMinCostFlow`` solves it exactly in well under a second. Chain placements that break the
week distances are removed and placed again greedily; a visit that finds no week is left out of the
hint (CP-SAT repairs it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from planner.domain import VisitRole
from planner.objective import locked_workload_cost
from planner.week_model import Placement, WeekModelData, WeekModelVars
from planner.weights import (
    EARLY_WEIGHT,
    LATE_WEIGHT,
    STABILITY_WEIGHT,
    balance_pieces,
    overdue_cost,
    unplaced_cost,
)


def week_cost(d: WeekModelData, slot_id: str, week: int, noise: int) -> int:
    """The soft-rule cost of putting a slot in a week (as in ``planner.constraints``; stability and
    workload aside)."""
    s = d.slot_by_id[slot_id]
    cost = noise
    if s.role == VisitRole.OVERDUE:
        cost += overdue_cost(week, d.grid.first_working_week)
    t = d.timing.get(slot_id)
    if t is not None:
        cost += t.weight * max(0, week - t.hi) + EARLY_WEIGHT * max(0, t.lo - week)
    extra = d.extra_weight.get(slot_id)
    if extra is not None and week not in d.first_quarter_weeks:
        cost += extra
    if d.relaxed:
        hard_week = d.grid.week_of(d.hard_hi.get(slot_id, s.hi))
        cost += LATE_WEIGHT * max(0, week - hard_week)
    return cost


@dataclass(frozen=True)
class FlowResult:
    placements: dict[str, Placement]
    cost: int | None  # the flow's optimal cost; None when the flow is infeasible or skipped a slot


def flow_schedule(d: WeekModelData, restrict: dict[str, tuple[int, int]] | None = None) -> FlowResult:
    """The min-cost-flow schedule (see module doc); ``restrict`` limits some slots to a range of weeks."""
    nodes: dict[tuple[str, object, int], int] = {}

    def node(kind: str, key: object, week: int) -> int:
        return nodes.setdefault((kind, key, week), len(nodes))

    sink = node("sink", None, -1)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    supplies: dict[int, int] = {}
    parent: dict[str, dict[int, int]] = {}
    for fid, weeks in d.parent_weeks.items():
        counts: dict[int, int] = defaultdict(int)
        for w in weeks:
            counts[w] += 1
        parent[fid] = counts
    complete = True

    def arc(tail: int, head: int, cap: int, cost: int) -> int:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)
        return len(tails) - 1

    arc_of_slot: dict[int, tuple[str, int, str | None]] = {}
    demand: dict[tuple[int, int], int] = defaultdict(int)
    for s in d.slots:
        options = d.candidates[s.slot_id]
        if restrict is not None and s.slot_id in restrict:
            w_lo, w_hi = restrict[s.slot_id]
            options = [(w, e) for w, e in options if w_lo <= w <= w_hi]
        if not options and not d.relaxed and not s.optional:
            complete = False
            continue
        sn = node("slot", s.slot_id, -1)
        supplies[sn] = 1
        noise = d.tie_break(s.slot_id)
        cls = d.classes.get(s.facility_type)
        bonus = parent.get(s.facility_id, {})
        for w, eligible in options:
            c = week_cost(d, s.slot_id, w, int(noise[w])) - STABILITY_WEIGHT * bonus.get(w, 0)
            if eligible is not None:
                for i in eligible:
                    arc_of_slot[arc(sn, node("insp", i, w), 1, c)] = (s.slot_id, w, i)
            else:
                assert cls is not None
                demand[(cls, w)] += 1
                arc_of_slot[arc(sn, node("class", cls, w), 1, c)] = (s.slot_id, w, None)
        if s.optional:  # the top tier's extra visit may be left out, at the cost of its soft rule
            arc(sn, sink, 1, d.extra_weight.get(s.slot_id, 0))
        elif d.relaxed:
            arc(sn, sink, 1, unplaced_cost(d.grid.week_of(d.hard_hi.get(s.slot_id, s.hi)), d.grid.n_weeks))
    class_arcs: dict[int, tuple[int, str, int]] = {}
    for (kind, key, w), n in list(nodes.items()):
        if kind == "class":
            assert isinstance(key, int)
            for p in d.class_pools[key]:
                if d.pool_remaining[p][w] > 0:
                    class_arcs[arc(n, node("pool", p, w), demand[(key, w)], 0)] = (key, p, w)
        elif kind == "insp":
            assert isinstance(key, str)
            arc(n, node("pool", d.pool_of[key].pool_id, w), d.capacity.remaining[key][w], 0)
    quarter_node: dict[tuple[str, str], int] = {}
    for (kind, key, w), n in list(nodes.items()):
        if kind == "pool":
            assert isinstance(key, str)
            q = d.grid.quarter_of_week[w]
            if (key, q) not in quarter_node:
                quarter_node[(key, q)] = node("quarter", (key, q), -1)
            arc(n, quarter_node[(key, q)], d.pool_remaining[key][w], 0)
    for q, pool, _weeks, cap, fixed in d.pool_quarters:
        qn = quarter_node.get((pool.pool_id, q))
        if qn is None:
            continue
        for start, size, cost in balance_pieces(cap):
            free = size - min(size, max(0, fixed - start))  # locked visits fill the first pieces
            if free > 0:
                arc(qn, sink, free, cost)
    supplies[sink] = -sum(supplies.values())

    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    mcf.set_nodes_supplies(
        np.arange(len(nodes), dtype=np.int32), np.array([supplies.get(n, 0) for n in range(len(nodes))], dtype=np.int64)
    )
    if mcf.solve() != mcf.OPTIMAL:
        return FlowResult({}, None)
    flows = mcf.flows(np.arange(len(tails), dtype=np.int32))
    placed: dict[str, Placement] = {}
    full: dict[tuple[int, int], list[str]] = defaultdict(list)
    for a, (sid, w, named) in arc_of_slot.items():
        if flows[a] > 0:
            if named is not None:
                placed[sid] = Placement(w, None, named)
            else:
                full[(d.classes[d.slot_by_id[sid].facility_type], w)].append(sid)
    to_pool: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
    for a, (cls, p, w) in class_arcs.items():
        if flows[a] > 0:
            to_pool[(cls, w)].append((p, int(flows[a])))
    for key, sids in full.items():
        for sid, p in d.share_out(key[1], sids, sorted(to_pool[key])).items():
            placed[sid] = Placement(key[1], p, None)
    return FlowResult(placed, int(mcf.optimal_cost()) if complete else None)


def flow_lower_bound(d: WeekModelData, flow: FlowResult) -> int | None:
    """A valid lower bound on the week model's optimum: the flow's optimum plus the model's constants
    (stability charges every parent visit and refunds kept ones; locked visits' share of the workload
    cost). The flow drops only the chain constraints and may refund stability more generously, so it
    can only be cheaper than the model."""
    if flow.cost is None:
        return None
    parents = sum(len(ws) for ws in d.parent_weeks.values())
    return flow.cost + STABILITY_WEIGHT * parents + locked_workload_cost(d)


def _remove_conflicts(d: WeekModelData, placed: dict[str, Placement]) -> dict[str, Placement]:
    """Drop chain placements that break the week distances (the flow ignores them)."""
    out = dict(placed)
    for s in d.slots:  # a chain's slots come in order
        if s.prev is not None and s.slot_id in out:
            prev = out.get(s.prev)
            if prev is None or not (d.gap_weeks <= out[s.slot_id].week - prev.week <= s.chain_weeks):
                del out[s.slot_id]
    return out


class _Greedy:
    """A schedule under construction with reversible capacity bookkeeping (same capacity rules as the
    model: per pool and week, and per named inspector and week)."""

    def __init__(self, d: WeekModelData) -> None:
        self.d = d
        self.pool_used: dict[tuple[str, int], int] = defaultdict(int)
        self.named_used: dict[tuple[str, int], int] = defaultdict(int)
        self.placed: dict[str, Placement] = {}
        self.weeks_of_facility: dict[str, list[int]] = defaultdict(list)

    def take(self, sid: str, p: Placement) -> None:
        self.placed[sid] = p
        self.weeks_of_facility[self.d.slot_by_id[sid].facility_id].append(p.week)
        if p.inspector_id is not None:
            self.named_used[(p.inspector_id, p.week)] += 1
            self.pool_used[(self.d.pool_of[p.inspector_id].pool_id, p.week)] += 1
        else:
            assert p.pool_id is not None
            self.pool_used[(p.pool_id, p.week)] += 1

    def untake(self, sid: str) -> None:
        p = self.placed.pop(sid)
        self.weeks_of_facility[self.d.slot_by_id[sid].facility_id].remove(p.week)
        if p.inspector_id is not None:
            self.named_used[(p.inspector_id, p.week)] -= 1
            self.pool_used[(self.d.pool_of[p.inspector_id].pool_id, p.week)] -= 1
        else:
            assert p.pool_id is not None
            self.pool_used[(p.pool_id, p.week)] -= 1

    def options(self, sid: str) -> list[tuple[int, tuple[str, ...] | None]]:
        noise = self.d.tie_break(sid)
        return sorted(self.d.candidates[sid], key=lambda we: (week_cost(self.d, sid, we[0], int(noise[we[0]])), we[0]))

    def fit(self, sid: str, w: int, eligible: tuple[str, ...] | None, prev_week: int | None) -> Placement | None:
        """A placement of ``sid`` in week ``w`` that keeps capacity and week distances, or None."""
        d = self.d
        s = d.slot_by_id[sid]
        if prev_week is not None and not (d.gap_weeks <= w - prev_week <= s.chain_weeks):
            return None
        if any(abs(w - w2) < d.gap_weeks for w2 in self.weeks_of_facility[s.facility_id]):
            return None
        if eligible is not None:
            for i in eligible:
                pool = d.pool_of[i].pool_id
                if (
                    self.named_used[(i, w)] < d.capacity.remaining[i][w]
                    and self.pool_used[(pool, w)] < d.pool_remaining[pool][w]
                ):
                    return Placement(w, None, i)
            return None
        pools = [
            p for p in d.class_pools[d.classes[s.facility_type]] if d.pool_remaining[p][w] > self.pool_used[(p, w)]
        ]
        if not pools:
            return None
        return Placement(w, max(pools, key=lambda p: d.pool_remaining[p][w] - self.pool_used[(p, w)]), None)

    def place_chain(self, chain: list[str], budget: list[int]) -> bool:
        """Place a chain's slots in order, backtracking over weeks (at most ``budget[0]`` tries)."""

        def go(k: int, prev_week: int | None) -> bool:
            if k == len(chain):
                return True
            for w, eligible in self.options(chain[k]):
                if budget[0] <= 0:
                    return False
                budget[0] -= 1
                choice = self.fit(chain[k], w, eligible, prev_week)
                if choice is None:
                    continue
                self.take(chain[k], choice)
                if go(k + 1, w):
                    return True
                self.untake(chain[k])
            return False

        return go(0, None)


CHAIN_SEARCH_BUDGET = 20_000


def greedy_schedule(d: WeekModelData, fixed: dict[str, Placement] | None = None) -> dict[str, Placement]:
    """Complete ``fixed`` greedily: overdue first, then earliest deadline; each visit (a chain of visits
    together, with backtracking) to its cheapest weeks with capacity that keep the week distances."""
    g = _Greedy(d)
    for sid, p in (fixed or {}).items():
        g.take(sid, p)
    successors: dict[str, str] = {s.prev: s.slot_id for s in d.slots if s.prev is not None}
    heads = [s for s in d.slots if s.prev is None]

    def chain_of(head: str) -> list[str]:
        out = [head]
        while out[-1] in successors:
            out.append(successors[out[-1]])
        return out

    def order_key(chain: list[str]) -> tuple[int, object]:
        s = d.slot_by_id[chain[0]]
        return (0 if s.role == VisitRole.OVERDUE else 2 if s.optional else 1, s.hi)

    chains = sorted((chain_of(h.slot_id) for h in heads), key=order_key)
    for chain in chains:
        if all(sid in g.placed for sid in chain) or not all(d.candidates[sid] for sid in chain):
            continue
        kept = [sid for sid in chain if sid in g.placed]
        for sid in kept:  # place the chain again as a whole
            g.untake(sid)
        if not g.place_chain(chain, [CHAIN_SEARCH_BUDGET]):
            for sid in kept:  # leave it to the solver; keep what the flow had where it still fits
                p = (fixed or {})[sid]
                if g.fit(sid, p.week, None if p.inspector_id is None else (p.inspector_id,), None) is not None:
                    g.take(sid, p)
    return g.placed


def chain_flow(d: WeekModelData, flow: FlowResult) -> dict[str, Placement]:
    """Repair the week distances of chains by re-solving the flow: fix every chain's first visit where the
    flow put it and confine the next to ``gap_weeks``-``chain_weeks`` after it (everything else free to
    move out of the way); then the next link, and so on."""
    placed = flow.placements
    depth = max((s.index for s in d.slots if s.prev is not None), default=0)
    for k in range(1, depth + 1):
        if not any(
            s.prev is not None
            and s.slot_id in placed
            and s.prev in placed
            and not (d.gap_weeks <= placed[s.slot_id].week - placed[s.prev].week <= s.chain_weeks)
            for s in d.slots
        ):
            break
        restrict: dict[str, tuple[int, int]] = {}
        for s in d.slots:
            if s.prev is None or s.index > k:
                continue
            chain_prev = placed.get(s.prev)
            if chain_prev is None:
                continue
            if s.index == k:
                restrict[s.slot_id] = (chain_prev.week + d.gap_weeks, chain_prev.week + s.chain_weeks)
            restrict[s.prev] = (chain_prev.week, chain_prev.week)
        again = flow_schedule(d, restrict)
        if again.cost is None:
            break
        placed = again.placements
    return placed


def schedule_hint(d: WeekModelData) -> tuple[dict[str, Placement], int | None]:
    """Min-cost flow, chains repaired by further flows, the rest completed greedily; and the first flow's
    lower bound."""
    flow = flow_schedule(d)
    placed = chain_flow(d, flow) if any(s.prev for s in d.slots) else flow.placements
    return greedy_schedule(d, _remove_conflicts(d, placed)), flow_lower_bound(d, flow)


def apply_hint(model: cp_model.CpModel, d: WeekModelData, v: WeekModelVars, placed: dict[str, Placement]) -> None:
    """Hint every variable of the model from a schedule (a complete hint is checked by CP-SAT at once)."""
    index: list[int] = []
    value: list[int] = []
    on: set[int] = set()
    for (sid, w), x in v.x.items():
        p = placed.get(sid)
        hit = p is not None and p.week == w
        index.append(x.index)
        value.append(int(hit))
        if hit:
            on.add(x.index)
    for (sid, w, i), y in v.y.items():
        p = placed.get(sid)
        hit = p is not None and p.week == w and p.inspector_id == i
        index.append(y.index)
        value.append(int(hit))
        if hit:
            on.add(y.index)
    counts: dict[tuple[int, str, int], int] = defaultdict(int)
    for sid, p in placed.items():
        if p.pool_id is not None:
            counts[(d.classes[d.slot_by_id[sid].facility_type], p.pool_id, p.week)] += 1
    flow_value: dict[int, int] = {}
    for key, f in v.flow.items():
        flow_value[f.index] = counts.get(key, 0)
        index.append(f.index)
        value.append(counts.get(key, 0))
    for sid, u in v.unplaced.items():
        index.append(u.index)
        value.append(int(sid not in placed))
    for keep, xs in v.keep:
        index.append(keep.index)
        value.append(int(any(x.index in on for x in xs)))

    def term_value(term: cp_model.IntVar) -> int:
        return flow_value.get(term.index, int(term.index in on))

    for fixed, terms, pieces in v.balance:
        load = fixed + sum(term_value(t) for t in terms)
        for piece, start, size in pieces:
            index.append(piece.index)
            value.append(min(size, max(0, load - start)))
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(index)
    hint.values.extend(value)

"""The day step: inside each week, give every visit an inspector and a working day.

The week model guarantees this is always possible: per pool the visits fit the members' remaining
capacity, a named (partial-week) visit's inspector is present on one of its candidate days, and
there is no daily cap. The step then decides, per week:

1. **Inspector** (balanced workload, then the shortest drive from home): how many of a pool's visits each
   member gets in a week is decided one visit at a time, in a seeded random order, by the lowest
   utilisation of the quarter so far (``(load + 1) / capacity``) among the members with capacity left
   this week; which visits they are is then one min-cost assignment of the authority's visits of the week
   on the km from each inspector's home (``inspectors.postcode``) to the tilbud, each inspector taking as
   many as counted, only types they may visit and on a day they are there -- so the inspector living in
   Thisted takes the Thisted visit and the one in Aalborg the Aalborg visit, at the same workload for
   both. When re-planning, the parent plan's inspector is kept if possible.
2. **Day** (short travel, unpredictability): each visit takes a random free available day of its
   inspector (the parent plan's day when re-planning, with whichever inspector; an overdue visit too,
   within its grace weeks: a first-day visit was predictable to a tilbud that knows its deadline has
   passed); only when an
   inspector has more visits than available days do visits share a day, and then with the closest
   visits. A local search (move a visit to another day, swap two visits' days) then lowers the km
   between same-day visits.

Distance: great-circle km when both facilities have coordinates; otherwise a postcode proxy (same
postcode 0 km, same first two digits 15 km, same first digit 40 km, else 100 km). An inspector's home is
the centre of the problem's tilbud with coordinates in the same postcode (else in postcodes with the same
first three digits); without any, the postcode proxy against the tilbud's postcode; an inspector without a
postcode is as near to every tilbud as any other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
from ortools.graph.python import min_cost_flow

from planner.domain import FacilityNeed, Inspector, PlanningProblem
from planner.week_model import Placement, WeekModelData
from planner.weights import TRAVEL_WEIGHT


def distance_km(a: FacilityNeed, b: FacilityNeed) -> float:
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        return _great_circle_km(a.lat, a.lon, b.lat, b.lon)
    return _postcode_km(a.postcode, b.postcode)


#: A re-plan: another inspector than the parent plan's, for a visit kept in its week, counts as this many km
#: farther, so the assignment keeps the parent's inspector whenever the week's capacity allows (the week model
#: may hand the visit to another pool of inspectors: its pools are a counting device).
PARENT_INSPECTOR_KM = 1000.0
#: A visit more than the workload step counted for an inspector this week (within their capacity) counts as this
#: many km: only a re-plan's parent inspector (``PARENT_INSPECTOR_KM``) outweighs it, never the km alone.
SPARE_KM = 500.0


def _postcode_km(a: str, b: str) -> float:
    pa, pb = a.strip(), b.strip()
    if pa == pb:
        return 0.0
    if pa[:2] == pb[:2]:
        return 15.0
    if pa[:1] == pb[:1]:
        return 40.0
    return 100.0


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def inspector_homes(problem: PlanningProblem) -> dict[str, tuple[float, float] | None]:
    """Inspector -> the coordinates of their home postcode, from the problem's tilbud (module doc); None when
    none of them lies in it (or in a postcode with its first three digits)."""
    by_code: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for f in problem.facilities:
        if f.lat is not None and f.lon is not None:
            by_code[f.postcode.strip()].append((f.lat, f.lon))
    by_prefix: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, points in by_code.items():
        by_prefix[code[:3]].extend(points)
    out: dict[str, tuple[float, float] | None] = {}
    for i in problem.inspectors:
        code = (i.postcode or "").strip()
        points = (by_code.get(code) or by_prefix.get(code[:3]) or []) if code else []
        out[i.inspector_id] = (
            (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else None
        )
    return out


def home_km(inspector: Inspector, home: tuple[float, float] | None, f: FacilityNeed) -> float:
    """Km from the inspector's home to the tilbud (module doc); 0 for an inspector without a postcode."""
    if not inspector.postcode:
        return 0.0
    if home is not None and f.lat is not None and f.lon is not None:
        return _great_circle_km(home[0], home[1], f.lat, f.lon)
    return _postcode_km(inspector.postcode, f.postcode)


def nearest_assignment(
    sids: list[str], counts: dict[str, int], km: dict[tuple[str, str], float], spare: dict[str, int] | None = None
) -> dict[str, str] | None:
    """Slot -> inspector: each takes ``counts[inspector]`` of ``sids`` (the counts sum to their number), or up to
    ``spare[inspector]`` more at ``SPARE_KM`` each (the others then take fewer), only where ``km`` has the pair,
    with the fewest km in all (a min-cost flow); None when no such assignment exists."""
    spare = spare or {}
    flow = min_cost_flow.SimpleMinCostFlow()
    members = sorted(m for m in set(counts) | set(spare) if counts.get(m, 0) + spare.get(m, 0) > 0)
    node = {sid: k + 1 for k, sid in enumerate(sids)}
    node.update({m: len(sids) + 1 + k for k, m in enumerate(members)})
    sink = len(node) + 1
    arcs: dict[int, tuple[str, str]] = {}
    for sid in sids:
        flow.add_arc_with_capacity_and_unit_cost(0, node[sid], 1, 0)
        for m in members:
            if (sid, m) in km:
                arc = flow.add_arc_with_capacity_and_unit_cost(node[sid], node[m], 1, round(10 * km[(sid, m)]))
                arcs[arc] = (sid, m)
    for m in members:
        if counts.get(m, 0) > 0:
            flow.add_arc_with_capacity_and_unit_cost(node[m], sink, counts[m], 0)
        if spare.get(m, 0) > 0:
            flow.add_arc_with_capacity_and_unit_cost(node[m], sink, spare[m], round(10 * SPARE_KM))
    flow.set_node_supply(0, len(sids))
    flow.set_node_supply(sink, -len(sids))
    if flow.solve() != flow.OPTIMAL:
        return None
    return {sid: m for a, (sid, m) in arcs.items() if flow.flow(a) > 0}


def day_travel_cost(facilities: list[FacilityNeed]) -> int:
    """Travel cost of one inspector's day: km between every pair of its visits, rounded, times the weight."""
    total = 0.0
    for k, a in enumerate(facilities):
        for b in facilities[k + 1 :]:
            total += distance_km(a, b)
    return TRAVEL_WEIGHT * round(total)


def assign_days(
    d: WeekModelData, placements: dict[str, Placement], rng: np.random.Generator
) -> dict[str, tuple[dt.date, str]]:
    """Slot id -> (day, inspector) for every placed slot of one authority."""
    grid, cap = d.grid, d.capacity
    q_of = grid.quarter_of_week
    q_load: dict[tuple[str, str], int] = defaultdict(int)
    q_cap: dict[tuple[str, str], int] = defaultdict(int)
    for i in d.inspectors:
        for w in range(grid.n_weeks):
            q_cap[(i.inspector_id, q_of[w])] += cap.capacity[i.inspector_id][w]
            q_load[(i.inspector_id, q_of[w])] += cap.locked[i.inspector_id][w]
    parent: dict[tuple[str, int], tuple[dt.date, tuple[str, ...]]] = {}
    for pv in d.problem.parent_visits:
        if d.problem.start <= pv.date <= d.problem.end:
            parent[(pv.facility_id, grid.week_of(pv.date))] = (pv.date, pv.inspector_ids)

    by_week: dict[int, list[str]] = defaultdict(list)
    for sid, p in placements.items():
        by_week[p.week].append(sid)
    homes = inspector_homes(d.problem)
    inspector = d.problem.inspector_by_id
    out: dict[str, tuple[dt.date, str]] = {}
    for w in sorted(by_week):
        q = q_of[w]
        budget = {i.inspector_id: cap.remaining[i.inspector_id][w] for i in d.inspectors}
        assigned: dict[str, list[str]] = defaultdict(list)
        pool_visits: dict[str, list[str]] = defaultdict(list)
        named: dict[str, list[tuple[str, str]]] = defaultdict(list)  # pool -> (slot, inspector the model named)
        for sid in sorted(by_week[w]):
            p = placements[sid]
            if p.inspector_id is not None:
                budget[p.inspector_id] -= 1
                q_load[(p.inspector_id, q)] += 1
                named[d.pool_of[p.inspector_id].pool_id].append((sid, p.inspector_id))
            else:
                assert p.pool_id is not None
                pool_visits[p.pool_id].append(sid)
        given: dict[str, str] = {}  # slot -> inspector, before the km decide who takes which
        for pool in d.pools:
            sids = pool_visits.get(pool.pool_id, [])
            order = [sids[k] for k in rng.permutation(len(sids))]
            order.sort(key=lambda sid: (d.slot_by_id[sid].facility_id, w) not in parent)
            free: list[str] = []  # not kept with the parent's inspector: who takes them is decided below
            pool_counts: dict[str, int] = defaultdict(int)
            for sid in order:
                members = [m for m in pool.members if budget[m] > 0]
                assert members, "week model guarantees pool capacity"
                fid = d.slot_by_id[sid].facility_id
                wanted = parent.get((fid, w))
                keep = [m for m in members if wanted is not None and m in wanted[1]]
                if keep:
                    choice = keep[0]
                    assigned[choice].append(sid)
                else:
                    jitter = rng.random(len(members))
                    choice = min(
                        zip(members, jitter, strict=True),
                        key=lambda mj: ((q_load[(mj[0], q)] + 1) / max(1, q_cap[(mj[0], q)]), mj[1]),
                    )[0]
                    free.append(sid)
                    pool_counts[choice] += 1
                budget[choice] -= 1
                q_load[(choice, q)] += 1
            # as given: the named visits with their inspector, the pool's in order to the counts (always valid)
            given.update(named.get(pool.pool_id, []))
            given.update(zip(free, [m for m in sorted(pool_counts) for _ in range(pool_counts[m])], strict=True))
        # who takes which visit: the fewest km from home, each inspector taking as many as given (the balance),
        # only visits of a type they may visit, on a day they are there; a re-plan keeps the parent's inspector
        counts: dict[str, int] = defaultdict(int)
        for m in given.values():
            counts[m] += 1
        spare = {m: n for m, n in budget.items() if n > 0}
        if len(set(counts) | set(spare)) > 1:
            km: dict[tuple[str, str], float] = {}
            for sid in given:
                slot = d.slot_by_id[sid]
                kept = parent.get((slot.facility_id, w), (None, ()))[1]
                for m in set(counts) | set(spare):
                    if given[sid] == m or (inspector[m].competent(slot.facility_type) and _has_day(d, m, w, sid)):
                        km[(sid, m)] = home_km(inspector[m], homes[m], d.facility[slot.facility_id]) + (
                            PARENT_INSPECTOR_KM if kept and m not in kept else 0.0
                        )
            given = nearest_assignment(list(given), counts, km, spare) or given
            for m, n in counts.items():
                q_load[(m, q)] -= n
            for m in given.values():
                q_load[(m, q)] += 1
        for sid, m in given.items():
            assigned[m].append(sid)
        for insp, sids in assigned.items():
            days = _choose_days(d, insp, w, sids, parent, rng)
            for sid, day in days.items():
                out[sid] = (day, insp)
    return out


def _has_day(d: WeekModelData, insp: str, w: int, sid: str) -> bool:
    """Whether ``insp`` is available on one of the slot's candidate days of week ``w``."""
    return bool(set(d.capacity.available[insp][w]).intersection(d.candidate_days(d.slot_by_id[sid], w)))


def _choose_days(
    d: WeekModelData,
    insp: str,
    w: int,
    sids: list[str],
    parent: dict[tuple[str, int], tuple[dt.date, tuple[str, ...]]],
    rng: np.random.Generator,
) -> dict[str, dt.date]:
    avail = set(d.capacity.available[insp][w])
    fac = {sid: d.facility[d.slot_by_id[sid].facility_id] for sid in sids}
    options = {sid: sorted(avail.intersection(d.candidate_days(d.slot_by_id[sid], w))) for sid in sids}
    for sid, opts in options.items():
        assert opts, f"no candidate day for {sid} with {insp} in week {w}"
    # a re-plan: the visits that can keep their parent plan's day claim it first (another visit of the week taking
    # it moved a visit whose week nothing changed); then the most constrained first
    keeps = {
        sid: wanted[0]
        for sid in sids
        if (wanted := parent.get((fac[sid].facility_id, w))) is not None and wanted[0] in options[sid]
    }
    order = sorted(sids, key=lambda sid: (sid not in keeps, len(options[sid]), rng.random()))
    on_day: dict[dt.date, list[str]] = defaultdict(list)
    chosen: dict[str, dt.date] = {}

    def added_km(sid: str, day: dt.date) -> float:
        return sum(distance_km(fac[sid], fac[o]) for o in on_day[day] if o != sid)

    for sid in order:
        opts = options[sid]
        free = [day for day in opts if not on_day[day]]
        wanted = parent.get((fac[sid].facility_id, w))
        if wanted is not None and wanted[0] in opts and not on_day[wanted[0]]:
            day = wanted[0]  # the parent plan's day, also when the week model gave the visit another inspector
        elif free:  # overdue ones too: the earliest day was predictable to the tilbud that knows it is late
            day = free[int(rng.integers(len(free)))]
        else:
            jitter = rng.random(len(opts))
            day = min(zip(opts, jitter, strict=True), key=lambda dj: (added_km(sid, dj[0]), dj[1]))[0]
        chosen[sid] = day
        on_day[day].append(sid)

    # local search: move or swap while it lowers the km between same-day visits
    improved = any(len(v) > 1 for v in on_day.values())
    while improved:
        improved = False
        for a in sids:
            da = chosen[a]
            base = added_km(a, da)
            for day in options[a]:
                if day != da and added_km(a, day) < base - 1e-9:
                    on_day[da].remove(a)
                    on_day[day].append(a)
                    chosen[a] = day
                    improved = True
                    break
            if improved:
                break
            for b in sids:
                db = chosen[b]
                if b == a or db == da or db not in options[a] or da not in options[b]:
                    continue
                before = added_km(a, da) + added_km(b, db)
                on_day[da].remove(a)
                on_day[db].remove(b)
                on_day[da].append(b)
                on_day[db].append(a)
                after = added_km(a, db) + added_km(b, da)
                if after < before - 1e-9:
                    chosen[a], chosen[b] = db, da
                    improved = True
                    break
                on_day[da].remove(b)
                on_day[db].remove(a)
                on_day[da].append(a)
                on_day[db].append(b)
            if improved:
                break
    return chosen

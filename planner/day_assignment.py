"""The day step: inside each week, give every visit an inspector and a working day.

The week model guarantees this is always possible: per pool the visits fit the members' remaining
capacity, a named (partial-week) visit's inspector is present on one of its candidate days, and
there is no daily cap. The step then decides, per week:

1. **Inspector** (balanced workload): a pool's visits go, one by one in a seeded random order, to the
   member with the lowest utilisation of the quarter so far (``(load + 1) / capacity``) who has
   capacity left this week; when re-planning, the parent plan's inspector is kept if possible.
2. **Day** (short travel, unpredictability): each visit takes a random free available day of its
   inspector (the parent plan's day when re-planning, with whichever inspector; an overdue visit too,
   within its grace weeks: a first-day visit was predictable to a tilbud that knows its deadline has
   passed); only when an
   inspector has more visits than available days do visits share a day, and then with the closest
   visits. A local search (move a visit to another day, swap two visits' days) then lowers the km
   between same-day visits.

Distance: great-circle km when both facilities have coordinates; otherwise a postcode proxy (same
postcode 0 km, same first two digits 15 km, same first digit 40 km, else 100 km).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np

from planner.domain import FacilityNeed
from planner.week_model import Placement, WeekModelData
from planner.weights import TRAVEL_WEIGHT


def distance_km(a: FacilityNeed, b: FacilityNeed) -> float:
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
    pa, pb = a.postcode.strip(), b.postcode.strip()
    if pa == pb:
        return 0.0
    if pa[:2] == pb[:2]:
        return 15.0
    if pa[:1] == pb[:1]:
        return 40.0
    return 100.0


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
    out: dict[str, tuple[dt.date, str]] = {}
    for w in sorted(by_week):
        q = q_of[w]
        budget = {i.inspector_id: cap.remaining[i.inspector_id][w] for i in d.inspectors}
        assigned: dict[str, list[str]] = defaultdict(list)
        pool_visits: dict[str, list[str]] = defaultdict(list)
        for sid in sorted(by_week[w]):
            p = placements[sid]
            if p.inspector_id is not None:
                assigned[p.inspector_id].append(sid)
                budget[p.inspector_id] -= 1
                q_load[(p.inspector_id, q)] += 1
            else:
                assert p.pool_id is not None
                pool_visits[p.pool_id].append(sid)
        for pool in d.pools:
            sids = pool_visits.get(pool.pool_id, [])
            order = [sids[k] for k in rng.permutation(len(sids))]
            order.sort(key=lambda sid: (d.slot_by_id[sid].facility_id, w) not in parent)
            for sid in order:
                members = [m for m in pool.members if budget[m] > 0]
                assert members, "week model guarantees pool capacity"
                fid = d.slot_by_id[sid].facility_id
                wanted = parent.get((fid, w))
                keep = [m for m in members if wanted is not None and m in wanted[1]]
                if keep:
                    choice = keep[0]
                else:
                    jitter = rng.random(len(members))
                    choice = min(
                        zip(members, jitter, strict=True),
                        key=lambda mj: ((q_load[(mj[0], q)] + 1) / max(1, q_cap[(mj[0], q)]), mj[1]),
                    )[0]
                assigned[choice].append(sid)
                budget[choice] -= 1
                q_load[(choice, q)] += 1
        for insp, sids in assigned.items():
            days = _choose_days(d, insp, w, sids, parent, rng)
            for sid, day in days.items():
                out[sid] = (day, insp)
    return out


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
    order = sorted(sids, key=lambda sid: (len(options[sid]), rng.random()))
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

"""The rotation baseline: "oldest visit first" at the same capacity, for the plan analysis.

What a tilsyn does without risk: every week it visits the facilities whose deadline comes first --
for a facility already visited, the one whose last unannounced visit is oldest. A new facility's first
visit is due months after its approval, so it is ordered by that deadline, not by the approval date
(by the approval it would come last and miss its deadline, which no planner would). *Same capacity*
means the same number of visits per authority and week as the optimised plan makes (locked visits
aside), with the same inspectors: a visit needs a competent pool with capacity left that week, and the
most specialised competent pool takes it (generalists stay free for the types only they cover). The
rotation ignores risk: it does not pull the top tier into the first quarter, it visits the oldest first.
A visit the rotation places after its deadline week (or not at all) counts as a missed deadline.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from planner.week_model import WeekModelData


@dataclass(frozen=True)
class BaselineSchedule:
    weeks: dict[str, int]  # slot id -> week, required slots only
    missed_deadlines: int


def rotation_baseline(d: WeekModelData, visits_per_week: dict[int, int]) -> BaselineSchedule:
    """Oldest first, week by week, ``visits_per_week[w]`` visits in week ``w`` (see module doc)."""
    required = [s for s in d.slots if not s.optional]  # the rotation makes no extra visits
    facility = d.facility

    def oldest_first(s_id: str) -> tuple[object, ...]:
        s = d.slot_by_id[s_id]
        f = facility[s.facility_id]
        last = f.last_unannounced or f.approved_on
        return (s.index, s.hi, last, s.facility_id)

    pending = sorted((s.slot_id for s in required), key=oldest_first)
    placed: dict[str, int] = {}
    used: dict[tuple[str, int], int] = defaultdict(int)
    for w in range(d.grid.n_weeks):
        budget = visits_per_week.get(w, 0)
        if budget <= 0 or not pending:
            continue
        taken: list[str] = []
        for sid in pending:
            if len(taken) >= budget:
                break
            s = d.slot_by_id[sid]
            if not any(s.lo <= day <= s.latest for day in d.grid.days[w]):
                continue
            if s.prev is not None and (s.prev not in placed or w - placed[s.prev] < d.gap_weeks):
                continue
            pools = [
                p
                for p in d.pools
                if p.competent(s.facility_type) and d.pool_remaining[p.pool_id][w] > used[(p.pool_id, w)]
            ]
            if not pools:
                continue
            pool = min(pools, key=lambda p: (math.inf if p.competences is None else len(p.competences), p.pool_id))
            used[(pool.pool_id, w)] += 1
            placed[sid] = w
            taken.append(sid)
        done = set(taken)
        pending = [sid for sid in pending if sid not in done]
    missed = sum(1 for s in required if s.slot_id not in placed or placed[s.slot_id] > d.grid.week_of(s.hi))
    return BaselineSchedule(placed, missed)

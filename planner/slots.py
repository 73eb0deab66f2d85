"""The visits each facility needs within the horizon ("slots"), each with its window of days.

A facility's unannounced visits form a *chain*: the next one is due at most ``interval`` months after
the previous one (history, a locked unannounced visit, or a planned visit). The number of planned
visits is the fewest that keep every deadline falling inside the horizon, found by placing each as
late as it may go (working days, minimum gap to history and locked visits). Each planned slot then
gets a window. The horizon of a facility that closes within it ends the day before it closes (a
deadline on or after that day needs no visit):

- ``lo``: the minimum gap after the last visit and after the preceding locked visit, and, for the last
  slot before a locked unannounced visit or the horizon end, the first day from which the *next*
  deadline falls at or after that visit (resp. after the horizon) -- so the chain needs no more visits;
- ``hi``: the deadline when it is fixed (from history, a locked visit, the first-visit rule or the
  overdue rule), and the minimum gap before the next locked visit;
- between two planned slots of one chain (only with intervals shorter than the horizon, or around
  locked visits) the model links their weeks: at least ``gap_weeks`` and at most ``chain_weeks``
  apart. Both are conservative at week level (any day within the weeks keeps the day-level rule):
  ``gap_weeks = ceil((gap + 4) / 7)`` and ``chain_weeks = floor((min days of the interval - 4) / 7)``.
  When that week bound leaves a slot no day though the day-level rule does (a lock's gap fills the last
  allowed week), the pair is *pinned* instead: the previous slot starts no earlier than a day ``d`` and
  this one gets the fixed deadline ``add_months(d, interval)``, which keeps the rule for every day of
  the previous slot's window, and no week bound. When a locked visit's gap blocks every day from the
  minimum gap after the previous slot's latest day to the deadline, this slot goes before that locked
  visit and the previous slot's window ends early enough for it (pinned the same way).

A planned slot never straddles a locked visit (it stays in the stretch between two locked visits
where the as-late-as-possible placement put it): a small restriction that keeps windows convex.

The top risk tier's visit in the first quarter is normally not a slot of its own: it is the facility's
first slot pulled into the quarter (a soft rule, see ``constraints.add_extra_top_tier_visit``). A top-tier
facility with no slot at all (its deadline lies after the horizon or its closing day: a 36-month interval,
a short horizon) and no locked visit in the first quarter gets an *optional* slot instead
(``VisitSlot.optional``, role ``EXTRA_TOP_TIER``): the model may leave it out at the same cost as a
first slot outside the quarter. Its window is the first quarter, after the minimum gap to history and
locked visits, and late enough that the next deadline it starts still falls after the facility's horizon
(so it needs no further visit).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

from data.calendar import add_months
from data.enums import Authority
from data.errors import TilsynsplanError
from data.glossary import AUTHORITY_DA
from planner.calendar_grid import WeekGrid
from planner.domain import FacilityNeed, PlanInfeasibleError, PlanningProblem, VisitRole

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class VisitSlot:
    slot_id: str
    facility_id: str
    authority: str
    facility_type: str
    role: VisitRole
    index: int  # position in the facility's chain
    lo: dt.date  # earliest allowed day
    hi: dt.date  # latest allowed day under the hard rules
    latest: dt.date  # latest day allowed by the structure alone (gap to locks, horizon): relaxed models go here
    deadline: dt.date | None  # the fixed due date this slot keeps (None: chained to a planned slot)
    prev: str | None  # planned chain predecessor
    chain_weeks: int  # max weeks after ``prev``
    bound_by: str  # what sets ``hi``: deadline, first_visit, overdue, chain, lock_gap, horizon, extra
    optional: bool = False  # the top tier's extra visit: the model may leave it out (at its cost)
    #: The locked unannounced visit ``deadline`` is counted from (None: from the facility's history, or chained)
    after_lock: dt.date | None = None


@dataclass(frozen=True)
class SlotSet:
    slots: tuple[VisitSlot, ...]
    gap_weeks: int
    by_facility: dict[str, tuple[VisitSlot, ...]] = field(default_factory=dict)

    def of_authority(self, authority: str) -> tuple[VisitSlot, ...]:
        return tuple(s for s in self.slots if s.authority == authority)


def gap_weeks(gap_days: int) -> int:
    return max(1, math.ceil((gap_days + 4) / 7)) if gap_days > 0 else 1


@lru_cache(maxsize=256)
def min_interval_days(months: int, start: dt.date, end: dt.date) -> int:
    day, best = start, 10**9
    while day <= end:
        best = min(best, (add_months(day, months) - day).days)
        day += ONE_DAY
    return best


def chain_weeks(months: int, start: dt.date, end: dt.date) -> int:
    return max(0, (min_interval_days(months, start, end) - 4) // 7)


def first_day_reaching(target: dt.date, months: int, strictly_after: bool) -> dt.date:
    """The first day ``d`` with ``add_months(d, months) >= target`` (``>`` when ``strictly_after``)."""

    def ok(d: dt.date) -> bool:
        t = add_months(d, months)
        return t > target if strictly_after else t >= target

    d = add_months(target, -months) - dt.timedelta(days=3)
    while ok(d):
        d -= ONE_DAY
    while not ok(d):
        d += ONE_DAY
    return d


class _FacilityTimeline:
    """Working days and the stretches between locked visits (minimum gap kept) of one facility."""

    def __init__(self, problem: PlanningProblem, grid: WeekGrid, workdays: list[dt.date], f: FacilityNeed) -> None:
        self.start, self.end = problem.start, f.last_day(problem.end)
        self.gap = dt.timedelta(days=problem.min_gap_days)
        self.workdays = workdays
        self.locks = [lv.date for lv in problem.locked_of(f.facility_id)]
        self.lo0 = self.start if f.last_visit is None else max(self.start, f.last_visit + self.gap)

    def segment(self, day: dt.date) -> tuple[dt.date, dt.date] | None:
        lo, hi = self.lo0, self.end
        for lock in self.locks:
            if lock == day:
                return None
            if lock < day:
                lo = max(lo, lock + self.gap)
            else:
                hi = min(hi, lock - self.gap)
        return (lo, hi) if lo <= day <= hi else None

    def latest_day(self, limit: dt.date, floor: dt.date) -> dt.date | None:
        """The latest working day in ``[floor, limit]`` inside a stretch free of locked visits (gap kept)."""
        floor = max(floor, self.lo0)
        k = bisect.bisect_right(self.workdays, min(limit, self.end)) - 1
        while k >= 0 and self.workdays[k] >= floor:
            if self.segment(self.workdays[k]) is not None:
                return self.workdays[k]
            k -= 1
        return None


def _facility_slots(
    problem: PlanningProblem, grid: WeekGrid, workdays: list[dt.date], f: FacilityNeed, gap_w: int
) -> list[VisitSlot]:
    tl = _FacilityTimeline(problem, grid, workdays, f)
    end = tl.end  # the horizon's last day, or the day before the facility closes
    months = f.interval_months
    chain_w = chain_weeks(months, problem.start, problem.end)
    unannounced_locks = [lv.date for lv in problem.locked_of(f.facility_id) if not lv.announced]
    raw: list[dict[str, object]] = []
    successor: dict[int, tuple[str, dt.date | None]] = {}

    due = f.first_due
    due_fixed = True
    if f.overdue:
        role, bound = VisitRole.OVERDUE, "overdue"
    elif f.first_visit_due is not None and f.first_visit_due <= f.deadline:
        role, bound = VisitRole.NEW_FACILITY, "first_visit"
    else:
        role, bound = VisitRole.DEADLINE, "deadline"
    prev: int | None = None
    prev_day: dt.date | None = None
    after_lock: dt.date | None = None  # the locked unannounced visit ``due`` is counted from
    pos = problem.start - ONE_DAY
    while True:
        nxt = next((d for d in unannounced_locks if d > pos), None)
        if nxt is not None and nxt <= due:
            if prev is not None:
                successor[prev] = ("lock", nxt)
            prev, prev_day = None, None
            due, due_fixed, pos = add_months(nxt, months), True, nxt
            role, bound = VisitRole.DEADLINE, "deadline"
            after_lock = nxt
            continue
        if due > end:
            if prev is not None:
                successor[prev] = ("end", None)
            break
        floor, limit = problem.start, due
        if prev_day is not None:
            w_prev = grid.week_of(prev_day)
            floor = grid.week_start(w_prev + gap_w)
            limit = min(limit, grid.week_start(w_prev + chain_w) + dt.timedelta(days=6))
        day = tl.latest_day(limit, floor)
        pinned_from: dt.date | None = None
        if day is None and prev is not None:
            # The week-level chain bound assumes the previous visit on the first day of its week. When
            # that leaves no day (a lock's gap fills the last allowed week) but the day-level rule does,
            # pin the pair instead: the previous visit no earlier than ``pinned_from`` and this one by
            # ``add_months(pinned_from, months)``, a fixed deadline that keeps the rule for any day of
            # the previous visit's window, so the week model needs no chain bound for it.
            day = tl.latest_day(due, floor)
            if day is not None:
                pinned_from = first_day_reaching(day, months, strictly_after=False)
                prev_lo = raw[prev]["lo"]
                assert isinstance(prev_lo, dt.date)
                raw[prev]["lo"] = max(prev_lo, pinned_from)
                due, due_fixed = add_months(pinned_from, months), True
        if day is None and prev is not None:
            # A locked visit's gap blocks every day from the minimum gap after the previous visit (placed as late
            # as it may go) to the deadline: this visit must come before that lock, and the previous one earlier.
            assert prev_day is not None
            earlier = _before_the_previous(tl, grid, raw[prev], prev_day, due, months, gap_w)
            if earlier is not None:
                day, pinned_from, prev_hi = earlier
                old_lo, old_hi = raw[prev]["lo"], raw[prev]["hi"]
                assert isinstance(old_lo, dt.date) and isinstance(old_hi, dt.date)
                raw[prev]["lo"], raw[prev]["hi"] = max(old_lo, pinned_from), min(old_hi, prev_hi)
                due, due_fixed = add_months(pinned_from, months), True
        if day is None:
            raise _impossible(f, due, problem, floor, prev is not None)
        seg = tl.segment(day)
        assert seg is not None
        seg_lo, seg_hi = seg
        hi = min(due, seg_hi) if due_fixed else seg_hi
        if pinned_from is not None:
            this_bound = "chain"
        elif due_fixed:
            this_bound = bound if due <= seg_hi else ("lock_gap" if seg_hi < end else "horizon")
        else:
            this_bound = "chain"
        raw.append(
            {
                "role": role,
                "lo": seg_lo,
                "hi": hi,
                "latest": seg_hi,
                "deadline": due if due_fixed else None,
                "prev": prev,
                "bound_by": this_bound,
                "pinned": pinned_from is not None,
                "after_lock": after_lock if pinned_from is None else None,
            }
        )
        k = len(raw) - 1
        if prev is not None:
            successor[prev] = ("planned", None)
        prev, prev_day = k, day
        due, due_fixed, pos = add_months(day, months), False, day
        role, bound = VisitRole.DEADLINE, "deadline"
        after_lock = None

    slots: list[VisitSlot] = []
    for k, r in enumerate(raw):
        lo = r["lo"]
        assert isinstance(lo, dt.date)
        kind, target = successor.get(k, ("end", None))
        if kind == "lock" and target is not None:
            lo = max(lo, first_day_reaching(target, months, strictly_after=False))
        elif kind == "end":
            lo = max(lo, first_day_reaching(end, months, strictly_after=True))
        prev_k = r["prev"]
        slots.append(
            VisitSlot(
                slot_id=f"{f.facility_id}#{k + 1}",
                facility_id=f.facility_id,
                authority=f.authority,
                facility_type=f.facility_type,
                role=r["role"],  # type: ignore[arg-type]
                index=k,
                lo=lo,
                hi=r["hi"],  # type: ignore[arg-type]
                latest=r["latest"],  # type: ignore[arg-type]
                deadline=r["deadline"],  # type: ignore[arg-type]
                prev=None if prev_k is None else f"{f.facility_id}#{int(prev_k) + 1}",  # type: ignore[call-overload]
                chain_weeks=grid.n_weeks if r["pinned"] else chain_w,
                bound_by=str(r["bound_by"]),
                after_lock=r["after_lock"],  # type: ignore[arg-type]
            )
        )
    return _propagate_chains(slots, grid, gap_w)


def _before_the_previous(
    tl: _FacilityTimeline,
    grid: WeekGrid,
    prev: dict[str, object],
    prev_day: dt.date,
    due: dt.date,
    months: int,
    gap_w: int,
) -> tuple[dt.date, dt.date, dt.date] | None:
    """The latest day ``d`` by ``due`` for a visit that cannot follow the previous planned visit at its latest (a
    locked visit's gap fills the days after it), with the previous visit moved earlier: ``(d, pinned_from, hi)``
    where the previous visit lies in ``[pinned_from, hi]`` (``d`` at most ``months`` after it, at least
    ``gap_w`` weeks later) and its window keeps a working day there; None when no such day exists (then the
    rules cannot be kept). ``d`` lies after ``prev_day``, where the previous visit was placed, so the chain moves
    forward."""
    lo, hi = prev["lo"], prev["hi"]
    assert isinstance(lo, dt.date) and isinstance(hi, dt.date)
    k = bisect.bisect_right(tl.workdays, min(due, tl.end)) - 1
    while k >= 0 and tl.workdays[k] > max(lo, prev_day):
        d = tl.workdays[k]
        k -= 1
        if tl.segment(d) is None:
            continue
        pinned_from = first_day_reaching(d, months, strictly_after=False)
        p_lo = max(lo, pinned_from)
        p_hi = min(hi, grid.week_start(grid.week_of(d) - gap_w) + dt.timedelta(days=6), d - tl.gap)
        i = bisect.bisect_left(tl.workdays, p_lo)
        if i < len(tl.workdays) and tl.workdays[i] <= p_hi:
            return d, pinned_from, p_hi
    return None


def _propagate_chains(slots: list[VisitSlot], grid: WeekGrid, gap_w: int) -> list[VisitSlot]:
    """Tighten the windows of chained slots until every week of a slot's window leaves a week for its
    neighbours (``gap_weeks`` to ``chain_weeks`` apart): the min-cost flow, which ignores the week
    distances, then rarely breaks them, and a broken one can always be repaired. The as-late-as-possible
    placement satisfies every bound, so no window becomes empty."""
    six = dt.timedelta(days=6)
    by_id = {s.slot_id: s for s in slots}
    changed = True
    while changed:
        changed = False
        for sid in [s.slot_id for s in slots if s.prev is not None]:
            s = by_id[sid]
            assert s.prev is not None
            q = by_id[s.prev]
            q_lo = max(q.lo, grid.week_start(grid.week_of(s.lo) - s.chain_weeks))
            q_hi = min(q.hi, grid.week_start(grid.week_of(s.hi) - gap_w) + six)
            s_lo = max(s.lo, grid.week_start(grid.week_of(q_lo) + gap_w))
            s_hi = min(s.hi, grid.week_start(grid.week_of(q_hi) + s.chain_weeks) + six)
            if (q_lo, q_hi, s_lo, s_hi) != (q.lo, q.hi, s.lo, s.hi):
                by_id[q.slot_id] = replace(q, lo=q_lo, hi=q_hi)
                by_id[sid] = replace(s, lo=s_lo, hi=s_hi)
                changed = True
    return [by_id[s.slot_id] for s in slots]


def _impossible(
    f: FacilityNeed, due: dt.date, problem: PlanningProblem, floor: dt.date, chained: bool
) -> TilsynsplanError:
    """The error for a visit no working day can take, naming its cause: locked visits within the minimum
    gap of the days it could take (``[floor, due]``), or else the interval and the minimum gap (a chained
    visit: the interval is too short for the gap after the previous planned visit) or the minimum gap after
    the last visit alone."""
    label = AUTHORITY_DA.get(Authority(f.authority), f.authority)
    gap = dt.timedelta(days=problem.min_gap_days)
    head = f"{label}: {f.facility_id} ({f.name}) kan ikke få sit uanmeldte besøg senest {due.isoformat()}: "
    locks = [lv.date for lv in problem.locked_of(f.facility_id)]
    if any(floor - gap < lock < due + gap for lock in locks):
        cause = (
            "låste besøg og mindsteafstanden mellem besøg udelukker alle arbejdsdage før fristen. "
            "Flyt eller lås de låste besøg op."
        )
    elif chained:
        months = "1 måned" if f.interval_months == 1 else f"{f.interval_months} måneder"
        cause = (
            f"intervallet på {months} og mindsteafstanden på {problem.min_gap_days} dage efter det forrige "
            "besøg levner ingen arbejdsdag før fristen. Gør intervallet for tilbudstypen længere eller "
            "mindsteafstanden (TILSYNSPLAN_MIN_VISIT_GAP_DAYS) kortere."
        )
    else:
        cause = (
            f"mindsteafstanden på {problem.min_gap_days} dage efter det seneste besøg levner ingen "
            "arbejdsdag før fristen."
        )
    message = head + cause
    return PlanInfeasibleError(message, details=[{"facility_id": f.facility_id, "message": message}])


def _extra_slot(problem: PlanningProblem, grid: WeekGrid, workdays: list[dt.date], f: FacilityNeed) -> VisitSlot | None:
    """The optional first-quarter visit of a top-tier facility that needs none in the horizon (module doc),
    or None when a locked visit lies in the first quarter or no day keeps the rules."""
    if any(lv.date <= problem.first_quarter_end for lv in problem.locked_of(f.facility_id)):
        return None  # visited in the quarter anyway
    tl = _FacilityTimeline(problem, grid, workdays, f)
    floor = first_day_reaching(tl.end, f.interval_months, strictly_after=True)
    limit = min(problem.first_quarter_end, tl.end, f.deadline)
    day = tl.latest_day(limit, floor)
    if day is None:
        return None
    seg = tl.segment(day)
    assert seg is not None
    lo, hi = max(seg[0], floor), min(seg[1], limit)
    return VisitSlot(
        slot_id=f"{f.facility_id}#1",
        facility_id=f.facility_id,
        authority=f.authority,
        facility_type=f.facility_type,
        role=VisitRole.EXTRA_TOP_TIER,
        index=0,
        lo=lo,
        hi=hi,
        latest=hi,
        deadline=None,
        prev=None,
        chain_weeks=grid.n_weeks,
        bound_by="extra",
        optional=True,
    )


def compute_slots(problem: PlanningProblem, grid: WeekGrid) -> SlotSet:
    workdays = [d for week in grid.days for d in week]
    gap_w = gap_weeks(problem.min_gap_days)
    slots: list[VisitSlot] = []
    by_facility: dict[str, tuple[VisitSlot, ...]] = {}
    for f in problem.facilities:
        own = _facility_slots(problem, grid, workdays, f, gap_w)
        if not own and f.top_tier:
            extra = _extra_slot(problem, grid, workdays, f)
            own = [extra] if extra is not None else []
        by_facility[f.facility_id] = tuple(own)
        slots.extend(own)
    return SlotSet(tuple(slots), gap_w, by_facility)


def relaxed(slot: VisitSlot) -> VisitSlot:
    """The slot with its deadline-type bound lifted to the structural latest day (infeasibility analysis)."""
    return replace(slot, hi=slot.latest)

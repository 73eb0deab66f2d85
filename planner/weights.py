"""Weights of the soft rules (integer costs), in one place so the model, the analysis and the tests agree.

Units: one *week* of lateness of a facility with risk 1.0 costs 100. The rules then compare as:
an overdue facility visited a week later costs as much as ten weeks of lateness for the riskiest
facility; a top-tier facility not visited in the first quarter costs as much as a quarter of its
lateness; moving a visit of the parent plan costs five weeks of lateness at risk 1.0; the workload
cost of one more visit in a pool-quarter rises from 1 (empty) to 19 (full). The random tie-break
(0-3 per visit and week) only decides between plans that are otherwise within a few units.
"""

from __future__ import annotations

import math

#: Weeks at the start of the horizon in which even the riskiest facility has no lateness cost: the
#: visit is drawn at random among them (so a top risk rank does not reveal "the first Monday").
GRACE_WEEKS = 6
#: Length of the no-cost window before a facility's risk target (13 weeks = one quarter).
TARGET_WINDOW_WEEKS = 13
#: Per week a visit lies before its target window (capacity spent long before it is needed).
EARLY_WEIGHT = 1
#: Per risk-weight unit when a top-tier facility is not visited in the first quarter.
EXTRA_WEIGHT = 13
#: Per week from the plan start until an overdue facility is visited (after its grace weeks).
OVERDUE_WEIGHT = 1000
#: Weeks at the start of the plan (from the first with a working day) in which an overdue visit costs nothing
#: more: it is drawn at random among
#: their working days, so the tilbud whose deadline has passed (it knows it) cannot tell its visit's day (the
#: first Monday, as before). Two weeks: ten working days, at most one more week of delay than "at once".
OVERDUE_GRACE_WEEKS = 2
#: Scale of the convex workload cost ``BALANCE_WEIGHT * load**2 / capacity`` per pool and quarter,
#: as ``BALANCE_SEGMENTS`` linear pieces (see :func:`balance_pieces`).
BALANCE_WEIGHT = 10
BALANCE_SEGMENTS = 10
#: Per visit of the parent plan whose facility is no longer visited in the same week.
STABILITY_WEIGHT = 500
#: Per re-planned visit kept in its week but, in a week where the week model names the inspector (a partial
#: week), given to another inspector than the parent plan's: the day step then cannot keep the parent's day.
INSPECTOR_CHANGE_WEIGHT = 20
#: Upper bound of the seeded random tie-break cost per visit and week.
TIE_BREAK_MAX = 3
#: Per kilometre between two visits of one inspector on one day (day step).
TRAVEL_WEIGHT = 1
#: Relaxed model only (infeasibility analysis): per week after the deadline, and per visit not placed (plus
#: its lateness at the horizon's end counted twice, see :func:`unplaced_cost`).
LATE_WEIGHT = 100_000
UNPLACED_WEIGHT = 10_000_000


def risk_weight(risk: float) -> int:
    """Lateness cost per week for a facility with ``risk`` (0-1): ``max(1, round(100 * risk))``."""
    return max(1, math.floor(100 * risk + 0.5))


def unplaced_cost(hard_week: int, n_weeks: int) -> int:
    """The relaxed model's cost of a deadline (due in ``hard_week``) that gets no visit in a horizon of ``n_weeks``
    weeks: ``UNPLACED_WEIGHT`` plus twice the lateness it has at the horizon's end. More than any lateness a visit
    in the horizon can have, so a visit is left out only when no week can take it; and leaving out an earlier
    deadline costs more than leaving out a later one by more than the lateness it saves the visits behind it, so
    when visits must be left out they are the ones due last, not the tilbud that has waited longest (with one cost
    for every left-out visit, dropping the first in line was cheapest: every visit after it moved up a week)."""
    return UNPLACED_WEIGHT + 2 * LATE_WEIGHT * max(0, n_weeks - hard_week)


def overdue_cost(week: int, first_week: int = 0) -> int:
    """The cost of visiting an overdue facility in ``week`` (0 = the plan's first week); the grace weeks count from
    ``first_week``, the first week with a working day (a first quarter often begins with New Year's Day and a
    weekend, so its week 0 has none, and "the first two weeks" were five days)."""
    return OVERDUE_WEIGHT * max(0, week - first_week - OVERDUE_GRACE_WEEKS + 1)


def balance_pieces(capacity: int) -> list[tuple[int, int, int]]:
    """The workload cost of a pool-quarter with ``capacity`` visits as linear pieces ``(start, size, cost
    per visit)``: piece ``k`` covers the loads from ``k/S`` to ``(k+1)/S`` of the capacity and costs
    ``round(BALANCE_WEIGHT * (2k + 1) / S)`` per visit -- the slope of ``BALANCE_WEIGHT * u**2`` per unit
    of utilisation ``u`` at the piece's middle. Convex, so a minimiser fills the pieces in order; the
    cost is ``BALANCE_WEIGHT * load**2 / capacity`` up to rounding, lowest when every pool and quarter
    is used in proportion to its capacity."""
    bounds = [round(capacity * k / BALANCE_SEGMENTS) for k in range(BALANCE_SEGMENTS + 1)]
    return [
        (bounds[k], bounds[k + 1] - bounds[k], round(BALANCE_WEIGHT * (2 * k + 1) / BALANCE_SEGMENTS))
        for k in range(BALANCE_SEGMENTS)
        if bounds[k + 1] > bounds[k]
    ]


def balance_cost(load: int, capacity: int) -> int:
    """The workload cost of ``load`` visits in a pool-quarter of ``capacity`` (pieces filled in order)."""
    return sum(cost * min(size, max(0, load - start)) for start, size, cost in balance_pieces(capacity))


def as_dict() -> dict[str, int]:
    return {
        "grace_weeks": GRACE_WEEKS,
        "target_window_weeks": TARGET_WINDOW_WEEKS,
        "early_weight": EARLY_WEIGHT,
        "extra_weight": EXTRA_WEIGHT,
        "overdue_weight": OVERDUE_WEIGHT,
        "overdue_grace_weeks": OVERDUE_GRACE_WEEKS,
        "balance_weight": BALANCE_WEIGHT,
        "balance_segments": BALANCE_SEGMENTS,
        "stability_weight": STABILITY_WEIGHT,
        "inspector_change_weight": INSPECTOR_CHANGE_WEIGHT,
        "tie_break_max": TIE_BREAK_MAX,
        "travel_weight": TRAVEL_WEIGHT,
    }

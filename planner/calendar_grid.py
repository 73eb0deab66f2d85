"""The horizon as a grid of weeks, and each inspector's working days and weekly capacity on it.

Weeks run Monday-Sunday; week 0 is the week of the plan start (its days before the start are not
plannable). A week's *working days* are its weekdays that are not Danish public holidays
(``data.calendar``) nor one of the problem's days off (``Settings.days_off``: juleaftensdag,
nytårsaftensdag) and lie inside the horizon.

Weekly capacity (the "visits_per_week minus absence days pro rata" rule): an inspector with ``v``
visits per week who can work ``a`` of a week's days gets ``floor(v * a / 5 + 1/2)`` visits that week.
Public holidays and absences both reduce ``a``; a full five-day week gives exactly ``v``. Locked
visits use up capacity of their inspector's week (:attr:`CapacityTable.remaining`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from data.calendar import is_working_day, quarter_of
from planner.domain import Inspector, PlanningProblem


def pro_rata_capacity(visits_per_week: int, available_days: int) -> int:
    """``visits_per_week`` scaled to ``available_days`` of a five-day week, rounded half up."""
    return math.floor(visits_per_week * available_days / 5 + 0.5)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekGrid:
    start: dt.date
    end: dt.date
    days_off: frozenset[dt.date] = frozenset()  # weekdays off besides the public holidays (Settings.days_off)

    @classmethod
    def of(cls, problem: PlanningProblem) -> WeekGrid:
        return cls(problem.start, problem.end, problem.days_off)

    @cached_property
    def monday0(self) -> dt.date:
        return monday(self.start)

    @cached_property
    def n_weeks(self) -> int:
        return self.week_of(self.end) + 1

    @cached_property
    def days(self) -> tuple[tuple[dt.date, ...], ...]:
        """Working days of each week inside ``[start, end]``."""
        out: list[list[dt.date]] = [[] for _ in range(self.n_weeks)]
        day = self.start
        while day <= self.end:
            if is_working_day(day, self.days_off):
                out[self.week_of(day)].append(day)
            day += dt.timedelta(days=1)
        return tuple(tuple(d) for d in out)

    def week_of(self, day: dt.date) -> int:
        return (day - self.monday0).days // 7

    @cached_property
    def first_working_week(self) -> int:
        """The first week with a working day (week 0 has none when the plan starts on a holiday and a weekend)."""
        return next((w for w, days in enumerate(self.days) if days), 0)

    def week_start(self, week: int) -> dt.date:
        return self.monday0 + dt.timedelta(days=7 * week)

    @cached_property
    def quarter_of_week(self) -> tuple[str, ...]:
        """The quarter a week belongs to: that of its first working day (its Thursday if it has none)."""
        out = []
        for w in range(self.n_weeks):
            first = self.days[w][0] if self.days[w] else self.week_start(w) + dt.timedelta(days=3)
            out.append(quarter_of(first))
        return tuple(out)


@dataclass(frozen=True)
class CapacityTable:
    """Per inspector and week: available days, capacity, locked visits and remaining capacity."""

    grid: WeekGrid
    available: dict[str, tuple[tuple[dt.date, ...], ...]]  # inspector -> week -> available days
    capacity: dict[str, tuple[int, ...]]  # inspector -> week -> pro rata capacity
    locked: dict[str, tuple[int, ...]]  # inspector -> week -> locked visits in that week

    @cached_property
    def remaining(self) -> dict[str, tuple[int, ...]]:
        return {
            i: tuple(max(0, c - lk) for c, lk in zip(caps, self.locked[i], strict=True))
            for i, caps in self.capacity.items()
        }

    def overbooked(self) -> list[tuple[str, int, int, int]]:
        """(inspector, week, locked, capacity) where locked visits alone exceed the capacity."""
        out = []
        for i, caps in self.capacity.items():
            for w, (c, lk) in enumerate(zip(caps, self.locked[i], strict=True)):
                if lk > c:
                    out.append((i, w, lk, c))
        return out


def available_days(inspector: Inspector, grid: WeekGrid) -> tuple[tuple[dt.date, ...], ...]:
    return tuple(tuple(d for d in week if not inspector.absent(d)) for week in grid.days)


def build_capacity(problem: PlanningProblem, grid: WeekGrid) -> CapacityTable:
    avail: dict[str, tuple[tuple[dt.date, ...], ...]] = {}
    cap: dict[str, tuple[int, ...]] = {}
    locked_count: dict[str, list[int]] = {}
    for insp in problem.inspectors:
        days = available_days(insp, grid)
        avail[insp.inspector_id] = days
        cap[insp.inspector_id] = tuple(pro_rata_capacity(insp.visits_per_week, len(d)) for d in days)
        locked_count[insp.inspector_id] = [0] * grid.n_weeks
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for lv in problem.locked:
        if problem.start <= lv.date <= problem.end and lv.inspector_id in locked_count:
            counts[(lv.inspector_id, grid.week_of(lv.date))] += 1
    for (i, w), n in counts.items():
        locked_count[i][w] = n
    return CapacityTable(grid, avail, cap, {i: tuple(v) for i, v in locked_count.items()})

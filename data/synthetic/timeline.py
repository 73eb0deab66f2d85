"""The world's time axis: days as integers (days since 1970-01-01), months as indices from the start of
the simulation, and Danish working days (``data.calendar``) as a lookup array."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from data.calendar import add_months, is_working_day

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Timeline:
    """``history_start`` ≤ history < ``as_of`` ≤ future < ``end`` (the first day after the last
    simulated month). The latent process starts ``burn_in`` months before the history."""

    as_of: dt.date
    history_start: dt.date
    sim_start: dt.date  # first day of the first simulated month
    end: dt.date  # first day after the last simulated month
    working: np.ndarray = field(repr=False)  # bool per day from sim_start
    next_working: np.ndarray = field(repr=False)  # index (from sim_start) of the next working day ≥ it

    @classmethod
    def build(cls, as_of: dt.date, years: int, future_months: int, burn_in_months: int) -> Timeline:
        history_start = add_months(as_of, -12 * years)
        first_month = history_start.replace(day=1)
        sim_start = add_months(first_month, -burn_in_months)
        last = add_months(as_of.replace(day=1), future_months)
        end = add_months(last, 1)
        n_days = (end - sim_start).days + 40  # a margin for "next working day" near the end
        working = np.array([is_working_day(sim_start + dt.timedelta(days=i)) for i in range(n_days)])
        next_working = np.empty(n_days, dtype=np.int64)
        nxt = n_days - 1
        for i in range(n_days - 1, -1, -1):
            if working[i]:
                nxt = i
            next_working[i] = nxt
        return cls(as_of, history_start, sim_start, end, working, next_working)

    # --- days -------------------------------------------------------------------------------------
    @property
    def day0(self) -> int:
        return day_number(self.sim_start)

    @property
    def as_of_day(self) -> int:
        return day_number(self.as_of)

    @property
    def history_start_day(self) -> int:
        return day_number(self.history_start)

    def next_working_day(self, day: int) -> int:
        """The first working day on or after ``day`` (a day number; any day, also outside the timeline)."""
        i = day - self.day0
        if 0 <= i < len(self.next_working) and self.next_working[i] < len(self.next_working) - 1:
            return int(self.next_working[i]) + self.day0
        while not is_working_day(from_day_number(day)):
            day += 1
        return day

    def previous_working_day(self, day: int) -> int:
        """The last working day on or before ``day``."""
        while not is_working_day(from_day_number(day)):
            day -= 1
        return day

    # --- months -----------------------------------------------------------------------------------
    @property
    def n_months(self) -> int:
        return month_number(self.end) - month_number(self.sim_start)

    @property
    def history_start_month(self) -> int:
        """Index of the history's first (full) month."""
        return month_number(self.history_start) - month_number(self.sim_start)

    @property
    def as_of_month(self) -> int:
        """Index of the month containing ``as_of`` (incomplete at the as-of date)."""
        return month_number(self.as_of) - month_number(self.sim_start)

    def month_of_days(self, days: np.ndarray) -> np.ndarray:
        """Month index of each day number (vectorised)."""
        d = np.asarray(days).astype("datetime64[D]")
        months = d.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months - (month_number(self.sim_start) - 1970 * 12)

    def month_start_days(self) -> np.ndarray:
        """Day number of the first day of every simulated month."""
        base = np.datetime64(self.sim_start, "M")
        months = base + np.arange(self.n_months + 1)
        return months.astype("datetime64[D]").astype(np.int64)

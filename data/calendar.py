"""Working days in Denmark: weekends and Danish public holidays (the ``holidays`` package) are off.

Shared by the synthetic generator (visits happen on working days) and the planner (no visits on
weekends, public holidays or absences).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from data.errors import shown_value


@lru_cache(maxsize=64)
def danish_holidays(year: int) -> frozenset[dt.date]:
    """Danish public holidays of ``year`` (helligdage: nytår, påske, St. Bededag until 2023, Kr. himmelfart,
    pinse, jul). Grundlovsdag, juleaftensdag and nytårsaftensdag are not public holidays and stay
    working days."""
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_holiday(day: dt.date) -> bool:
    return day in danish_holidays(day.year)


def holiday_name(day: dt.date) -> str | None:
    """The Danish name of the public holiday on ``day`` ("Juledag"), or ``None``."""
    name = holidays.country_holidays("DK", years=day.year, language="da").get(day)
    return None if name is None else str(name)


def days_off_between(start: dt.date, end: dt.date, month_days: list[str]) -> frozenset[dt.date]:
    """The dates in ``[start, end]`` of the days ``month_days`` ("12-24", every year) that are weekdays and
    no public holiday, i.e. the working days a setting takes off (``Settings.days_off``)."""
    out: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        for text in month_days:
            try:
                day = dt.date.fromisoformat(f"{year}-{text}")
            except ValueError:  # 02-29 outside a leap year
                continue
            if start <= day <= end and is_working_day(day):
                out.add(day)
    return frozenset(out)


def is_working_day(day: dt.date, days_off: frozenset[dt.date] = frozenset()) -> bool:
    """A weekday that is no public holiday, nor one of ``days_off`` (the planner's ``Settings.days_off``)."""
    return day.weekday() < 5 and not is_holiday(day) and day not in days_off


def first_working_day(day: dt.date) -> dt.date:
    """``day`` when it is a working day, else the next one (public holidays and weekends skipped)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Working days in ``[start, end]`` (both inclusive)."""
    out: list[dt.date] = []
    day = start
    while day <= end:
        if is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def quarter_of(day: dt.date) -> str:
    """``"2026Q4"`` for a date in October-December 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


#: The years a quarter may lie in. A plan covers the quarters after its first (two years by default), so a
#: year near 9999 would run past the last date Python knows (``year 10000 is out of range``).
QUARTER_YEARS = (1900, 2999)


def parse_quarter(quarter: str) -> str:
    """A quarter as written by a user, ``2026Q4`` or the Danish ``2026K4`` (the reports' form), in the
    canonical ``YYYYQn`` (``ValueError`` if malformed or its year is outside :data:`QUARTER_YEARS`)."""
    text = quarter.strip().upper()
    form = "ÅÅÅÅKn eller ÅÅÅÅQn, fx 2026K4 eller 2026Q4"
    if len(text) != 6 or text[4] not in "QK" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(f"'{shown_value(quarter)}' er ikke et kvartal; brug formen {form}")
    first, last = QUARTER_YEARS
    if not first <= int(text[:4]) <= last:
        raise ValueError(
            f"'{shown_value(quarter)}' ligger uden for de år, der kan planlægges; året skal ligge fra {first} "
            f"til {last}, i formen {form}"
        )
    return f"{text[:4]}Q{text[5]}"


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter given as ``YYYYQn`` or ``YYYYKn`` (``ValueError`` if malformed)."""
    text = parse_quarter(quarter)
    year, q = int(text[:4]), int(text[5])
    start = dt.date(year, 3 * (q - 1) + 1, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def next_quarter(day: dt.date) -> str:
    """The quarter after the one containing ``day``."""
    _, end = quarter_bounds(quarter_of(day))
    return quarter_of(end + dt.timedelta(days=1))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day: 31 Jan + 1 = 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))

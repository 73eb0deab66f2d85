from __future__ import annotations

import datetime as dt

import pytest

from data.calendar import (
    add_months,
    first_working_day,
    holiday_name,
    is_working_day,
    next_quarter,
    parse_quarter,
    quarter_bounds,
    quarter_of,
    working_days,
)


def test_danish_holidays_are_not_working_days() -> None:
    assert not is_working_day(dt.date(2026, 12, 25))  # juledag
    assert not is_working_day(dt.date(2026, 4, 6))  # 2. påskedag 2026
    assert not is_working_day(dt.date(2026, 5, 14))  # Kristi himmelfartsdag 2026
    assert not is_working_day(dt.date(2026, 11, 21))  # a Saturday
    assert is_working_day(dt.date(2026, 11, 23))  # a Monday
    assert is_working_day(dt.date(2024, 4, 26))  # store bededag was abolished from 2024


def test_working_days_in_december_2026() -> None:
    days = working_days(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    # 23 weekdays in December 2026, minus 25 and 26 Dec? 26 Dec is a Saturday -> minus 25 Dec only.
    assert len(days) == 22


def test_quarters() -> None:
    assert quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter_bounds("2027q1") == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert quarter_of(dt.date(2026, 11, 22)) == "2026Q4"
    assert next_quarter(dt.date(2026, 11, 22)) == "2027Q1"
    with pytest.raises(ValueError, match="ÅÅÅÅKn"):
        quarter_bounds("2026-4")
    # the Danish form the reports print ("Kvartalsplan 2027K1") is accepted and made canonical
    assert parse_quarter(" 2027k1 ") == parse_quarter("2027Q1") == "2027Q1"
    assert quarter_bounds("2026K4") == quarter_bounds("2026Q4")
    for bad in ("2026K5", "2026X1", "26Q1"):
        with pytest.raises(ValueError, match="fx 2026K4 eller 2026Q4"):
            parse_quarter(bad)


def test_add_months_clamps() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 15), 24) == dt.date(2026, 11, 15)
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)


def test_holiday_names_are_danish() -> None:
    assert holiday_name(dt.date(2026, 12, 25)) == "Juledag"
    assert holiday_name(dt.date(2026, 4, 6)) == "Anden påskedag"
    assert holiday_name(dt.date(2026, 12, 24)) is None  # juleaftensdag is not a public holiday


def test_first_working_day_skips_weekends_and_public_holidays() -> None:
    assert first_working_day(dt.date(2027, 1, 1)) == dt.date(2027, 1, 4)  # nytårsdag (Friday), then the weekend
    assert first_working_day(dt.date(2027, 3, 25)) == dt.date(2027, 3, 30)  # skærtorsdag to 2. påskedag
    assert first_working_day(dt.date(2027, 1, 5)) == dt.date(2027, 1, 5)

"""parse_quarter refuses years no plan can cover, in Danish, before a date overflows (year 10000)."""

from __future__ import annotations

import pytest

from data.calendar import parse_quarter, quarter_bounds


@pytest.mark.parametrize("text", ["9999Q4", "0000K1", "1899Q4", "3000Q1"])
def test_a_quarter_outside_the_years_1900_to_2999_is_refused_in_danish(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_quarter(text)
    assert str(info.value) == (
        f"'{text}' ligger uden for de år, der kan planlægges; året skal ligge fra 1900 til 2999, "
        "i formen ÅÅÅÅKn eller ÅÅÅÅQn, fx 2026K4 eller 2026Q4"
    )


def test_the_first_and_last_allowed_years() -> None:
    assert parse_quarter("1900Q1") == "1900Q1"
    assert quarter_bounds("2999K4")[1].isoformat() == "2999-12-31"

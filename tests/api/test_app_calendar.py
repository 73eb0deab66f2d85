"""The plan calendar: all-day events with Danish summaries, in date order."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from api.ics import CalendarVisit, plan_calendar

VISITS = [
    CalendarVisit("F2", "Opholdsstedet Solsikken", dt.date(2026, 11, 12), ("I2",), True, "operational", "Risiko"),
    CalendarVisit("F1", "Bostedet Egebakken", dt.date(2026, 10, 6), ("I1", "I2"), False, "operational", "Frist"),
]


def test_visits_become_all_day_events_in_date_order() -> None:
    data = plan_calendar(7, VISITS, {"I1": "Anne Holm", "I2": "Bo Jensen"}, title="Plan 7")
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Uanmeldt tilsynsbesøg: Bostedet Egebakken (F1)",
        "Anmeldt tilsynsbesøg: Opholdsstedet Solsikken (F2)",
    ]
    first = events[0]
    assert first.decoded("dtstart") == dt.date(2026, 10, 6)  # a date, not a datetime: all day
    assert first.decoded("dtend") == dt.date(2026, 10, 7)
    assert str(first["uid"]) == "plan7-F1-2026-10-06@tilsynsplan"
    assert "Tilsynskonsulenter: Anne Holm, Bo Jensen" in str(first["description"])
    assert "Type: driftsorienteret tilsyn" in str(first["description"])
    assert b"DTSTART;VALUE=DATE:20261006" in data
    assert str(calendar["x-wr-calname"]) == "Plan 7"

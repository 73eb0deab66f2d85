"""The plan calendar: all-day events with Danish summaries, in date order; an event's UID names the visit (the
facility's k-th visit in its quarter), not the plan or the day, so importing a re-plan's calendar moves the
events instead of adding a second copy (it did: UIDs held the plan id and the date)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from icalendar import Calendar

from api.ics import CalendarVisit, calendar_visits, plan_calendar

VISITS = [
    CalendarVisit("F2", "Opholdsstedet Solsikken", dt.date(2026, 11, 12), ("I2",), True, "operational", "Risiko", "u2"),
    CalendarVisit("F1", "Bostedet Egebakken", dt.date(2026, 10, 6), ("I1", "I2"), False, "operational", "Frist", "u1"),
    CalendarVisit("F1", "Bostedet Egebakken", dt.date(2027, 2, 2), ("I1",), False, "operational", "Frist", "u3"),
]
NAMES = {"I1": "Anne Holm", "I2": "Bo Jensen"}


def plan_frame(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Stored plan visits (facility, date, inspectors)."""
    return pd.DataFrame(
        [
            {"facility_id": f, "date": dt.date.fromisoformat(d), "inspector_ids": i, "announced": False,
             "kind": "operational", "reason": "Frist"}
            for f, d, i in rows
        ]
    )  # fmt: skip


def test_visits_become_all_day_events_in_date_order() -> None:
    data = plan_calendar(7, VISITS, NAMES, title="Plan 7", quarter="2026Q4")
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Uanmeldt tilsynsbesøg: Bostedet Egebakken (F1)",
        "Anmeldt tilsynsbesøg: Opholdsstedet Solsikken (F2)",
        "Foreløbigt: Uanmeldt tilsynsbesøg: Bostedet Egebakken (F1)",  # after the plan's quarter
    ]
    first, last = events[0], events[2]
    assert first.decoded("dtstart") == dt.date(2026, 10, 6)  # a date, not a datetime: all day
    assert first.decoded("dtend") == dt.date(2026, 10, 7)
    assert (str(first["uid"]), first["sequence"], str(first["status"]), str(first["transp"])) == (
        "u1",
        7,
        "CONFIRMED",
        "OPAQUE",
    )
    assert (str(last["status"]), str(last["transp"])) == ("TENTATIVE", "TRANSPARENT")  # the next plan fixes it
    assert "Tilsynskonsulenter: Anne Holm, Bo Jensen" in str(first["description"])
    assert "Type: driftsorienteret tilsyn" in str(first["description"])
    assert b"DTSTART;VALUE=DATE:20261006" in data
    assert str(calendar["x-wr-calname"]) == "Plan 7" and str(calendar["method"]) == "PUBLISH"


def test_a_visit_keeps_its_uid_when_a_re_plan_or_the_next_quarter_moves_it() -> None:
    plan1 = plan_frame(("F1", "2026-10-06", "I1"), ("F2", "2026-11-12", "I2"), ("F1", "2027-02-02", "I1"))
    plan2 = plan_frame(("F1", "2026-10-20", "I2"), ("F1", "2027-01-12", "I1"), ("F2", "2026-12-01", "I2"))
    uids1 = {(v.facility_id, v.date.isoformat()): v.uid for v in calendar_visits(plan1, {})}
    uids2 = {(v.facility_id, v.date.isoformat()): v.uid for v in calendar_visits(plan2, {})}
    assert uids1[("F1", "2026-10-06")] == uids2[("F1", "2026-10-20")] == "2026Q4-F1-1@tilsynsplan"
    assert uids1[("F1", "2027-02-02")] == uids2[("F1", "2027-01-12")] == "2027Q1-F1-1@tilsynsplan"
    assert uids1[("F2", "2026-11-12")] == uids2[("F2", "2026-12-01")] == "2026Q4-F2-1@tilsynsplan"
    # one inspector's file has the whole plan's UIDs
    assert [v.uid for v in calendar_visits(plan2, {}, "I2")] == ["2026Q4-F1-1@tilsynsplan", "2026Q4-F2-1@tilsynsplan"]


def test_a_visit_the_re_plan_no_longer_has_comes_as_cancelled() -> None:
    gone = calendar_visits(plan_frame(("F1", "2026-10-06", "I1")), {"F1": "Bostedet Egebakken"})
    data = plan_calendar(8, [], NAMES, title="Plan 8", quarter="2026Q4", cancelled=gone)
    [event] = list(Calendar.from_ical(data).walk("VEVENT"))
    assert (str(event["uid"]), event["sequence"], str(event["status"])) == ("2026Q4-F1-1@tilsynsplan", 8, "CANCELLED")
    assert str(event["summary"]) == "Aflyst: Uanmeldt tilsynsbesøg: Bostedet Egebakken (F1)"

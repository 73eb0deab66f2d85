"""A plan's visits as an iCalendar file (all-day events, Danish summaries) for inspectors' calendars.

Only authorised users get it (it holds unannounced dates); the route checks that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from icalendar import Calendar, Event

from data.enums import VisitKind
from data.glossary import danish_code

PRODID = "-//Tilsynsplan//Besøgsplan//DA"


@dataclass(frozen=True)
class CalendarVisit:
    """One planned visit as the calendar shows it."""

    facility_id: str
    facility_name: str
    date: dt.date
    inspector_ids: tuple[str, ...]
    announced: bool
    kind: str
    reason: str


def calendar_visits(
    visits: pd.DataFrame, facility_names: Mapping[str, str], inspector_id: str | None = None
) -> list[CalendarVisit]:
    """A stored plan's visits (``data.plan_store.VISIT_COLUMNS``) for the calendar, optionally only
    those of one inspector."""
    out = []
    for r in visits.itertuples(index=False):
        inspectors = tuple(i for i in str(r.inspector_ids).split(";") if i)
        if inspector_id is not None and inspector_id not in inspectors:
            continue
        fid = str(r.facility_id)
        out.append(
            CalendarVisit(
                fid, facility_names.get(fid, fid), r.date, inspectors, bool(r.announced), str(r.kind), str(r.reason)
            )
        )
    return out


def _kind_label(kind: str) -> str:
    return danish_code(VisitKind, kind)


def visit_event(plan_id: int, visit: CalendarVisit, inspector_names: Mapping[str, str], stamp: dt.datetime) -> Event:
    event = Event()
    announced = "Anmeldt" if visit.announced else "Uanmeldt"
    inspectors = ", ".join(inspector_names.get(i, i) for i in visit.inspector_ids)
    event.add("uid", f"plan{plan_id}-{visit.facility_id}-{visit.date.isoformat()}@tilsynsplan")
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.date)  # a date: an all-day event
    event.add("dtend", visit.date + dt.timedelta(days=1))
    event.add("summary", f"{announced} tilsynsbesøg: {visit.facility_name} ({visit.facility_id})")
    description = [f"Type: {_kind_label(visit.kind)}", f"Begrundelse: {visit.reason}"]
    if inspectors:
        description.append(f"Tilsynskonsulenter: {inspectors}")
    description.append(f"Plan {plan_id}. Fortroligt: datoer for uanmeldte besøg må ikke videregives.")
    event.add("description", "\n".join(description))
    event.add("transp", "OPAQUE")
    return event


def plan_calendar(
    plan_id: int,
    visits: Iterable[CalendarVisit],
    inspector_names: Mapping[str, str],
    *,
    title: str,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The visits as one ``VCALENDAR`` (UTF-8 bytes), one all-day ``VEVENT`` each, in date order."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    moment = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for visit in sorted(visits, key=lambda v: (v.date, v.facility_id)):
        calendar.add_component(visit_event(plan_id, visit, inspector_names, moment))
    data: bytes = calendar.to_ical()
    return data

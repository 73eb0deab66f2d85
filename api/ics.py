"""A plan's visits as an iCalendar file (all-day events, Danish summaries) for inspectors' calendars.

Only authorised users get it (it holds unannounced dates); the route checks that.

A calendar is imported again after every re-plan and every new quarter's plan, so an event's ``UID`` names the
visit, not the plan or the day: the facility's k-th visit in the visit's own quarter (``2027Q1-T10001-1``), the
same in the plan of the quarter, its re-plans and the next quarter's plan; ``SEQUENCE`` is the plan id (later
plans have higher ids), so a calendar moves the event instead of adding a second one. A visit of the parent plan
(a re-plan's) from the re-plan's start that the re-plan no longer has, in this file, comes as ``STATUS:CANCELLED``
(a visit moved to another inspector leaves the first one's calendar). Visits after the plan's quarter are
tentative (``STATUS:TENTATIVE``, free time): the next quarter's plan fixes them.

An unannounced visit's event is ``CLASS:PRIVATE``: an inspector's calendar is often shared (colleagues, delegates,
a team calendar), and a public event's title names the tilbud on the day of its unannounced visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from icalendar import Calendar, Event

from data.calendar import quarter_bounds, quarter_of
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
    uid: str  # the visit's, not the plan's: see the module


def visit_uids(visits: pd.DataFrame) -> list[str]:
    """Each visit's calendar UID, in the rows' order: its facility's k-th visit in the visit's quarter."""
    seen: dict[tuple[str, str], int] = {}
    uids = [""] * len(visits)
    order = sorted(range(len(visits)), key=lambda i: (visits["date"].iat[i], str(visits["facility_id"].iat[i])))
    for i in order:
        key = (quarter_of(visits["date"].iat[i]), str(visits["facility_id"].iat[i]))
        seen[key] = seen.get(key, 0) + 1
        uids[i] = f"{key[0]}-{key[1]}-{seen[key]}@tilsynsplan"
    return uids


def calendar_visits(
    visits: pd.DataFrame, facility_names: Mapping[str, str], inspector_id: str | None = None
) -> list[CalendarVisit]:
    """A stored plan's visits (``data.plan_store.VISIT_COLUMNS``) for the calendar, optionally only
    those of one inspector (the UIDs are those of the whole plan)."""
    out = []
    for r, uid in zip(visits.itertuples(index=False), visit_uids(visits), strict=True):
        inspectors = tuple(i for i in str(r.inspector_ids).split(";") if i)
        if inspector_id is not None and inspector_id not in inspectors:
            continue
        fid = str(r.facility_id)
        out.append(
            CalendarVisit(
                fid,
                facility_names.get(fid, fid),
                r.date,
                inspectors,
                bool(r.announced),
                str(r.kind),
                str(r.reason),
                uid,
            )
        )
    return out


def _kind_label(kind: str) -> str:
    return danish_code(VisitKind, kind)


def visit_event(
    plan_id: int,
    visit: CalendarVisit,
    inspector_names: Mapping[str, str],
    stamp: dt.datetime,
    *,
    quarter_end: dt.date,
    cancelled: bool = False,
) -> Event:
    event = Event()
    announced = "Anmeldt" if visit.announced else "Uanmeldt"
    inspectors = ", ".join(inspector_names.get(i, i) for i in visit.inspector_ids)
    event.add("uid", visit.uid)
    event.add("sequence", plan_id)
    event.add("dtstamp", stamp)
    event.add("dtstart", visit.date)  # a date: an all-day event
    event.add("dtend", visit.date + dt.timedelta(days=1))
    summary = f"{announced} tilsynsbesøg: {visit.facility_name} ({visit.facility_id})"
    tentative = visit.date > quarter_end
    if cancelled:
        event.add("summary", f"Aflyst: {summary}")
        event.add("status", "CANCELLED")
        description = [
            f"Plan {plan_id} har ikke længere dette besøg (flyttet, en anden tilsynskonsulent, eller udgået)."
        ]
    else:
        event.add("summary", f"Foreløbigt: {summary}" if tentative else summary)
        event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
        description = [f"Type: {_kind_label(visit.kind)}", f"Begrundelse: {visit.reason}"]
        if inspectors:
            description.append(f"Tilsynskonsulenter: {inspectors}")
        if tentative:
            description.append("Foreløbigt: efter planens kvartal; næste kvartals plan lægger det fast.")
    description.append(f"Plan {plan_id}. Fortroligt: datoer for uanmeldte besøg må ikke videregives.")
    event.add("description", "\n".join(description))
    event.add("transp", "OPAQUE" if not cancelled and not tentative else "TRANSPARENT")
    if not visit.announced:  # a shared calendar shows others a private event as busy, without its title or text
        event.add("class", "PRIVATE")
    return event


def plan_calendar(
    plan_id: int,
    visits: Iterable[CalendarVisit],
    inspector_names: Mapping[str, str],
    *,
    title: str,
    quarter: str,
    cancelled: Iterable[CalendarVisit] = (),
    stamp: dt.datetime | None = None,
) -> bytes:
    """The visits as one ``VCALENDAR`` (UTF-8 bytes), one all-day ``VEVENT`` each, in date order; ``cancelled``:
    visits of the parent plan this plan no longer has (see the module)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    moment = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    quarter_end = quarter_bounds(quarter)[1]
    events = [(v, False) for v in visits] + [(v, True) for v in cancelled]
    for visit, gone in sorted(events, key=lambda e: (e[0].date, e[0].facility_id, e[1])):
        calendar.add_component(
            visit_event(plan_id, visit, inspector_names, moment, quarter_end=quarter_end, cancelled=gone)
        )
    data: bytes = calendar.to_ical()
    return data

"""Locked visits (visits already agreed): list them and read what a new lock is checked against
(:func:`lock_context`). Adding goes through the importer's rules (``locked_visits.csv``), so a lock is checked like
an uploaded one, and before that with the planner's rules for locks (``api.services.locks``); removing one is
logged as an import batch (``data.store.unlock_visit``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from data.dataset import coerce_frame
from data.db import AbsenceRow, FacilityRow, InspectorRow, LockedVisitRow, VisitRow


def load_locked_visits(engine: Engine, facility_id: str | None = None) -> pd.DataFrame:
    """Every locked visit (optionally one facility's), by date: the columns of ``locked_visits.csv``."""
    query = select(LockedVisitRow).order_by(LockedVisitRow.date, LockedVisitRow.facility_id)
    if facility_id is not None:
        query = query.where(LockedVisitRow.facility_id == facility_id)
    with Session(engine) as session:
        rows = session.scalars(query).all()
        frame = pd.DataFrame(
            [(r.facility_id, r.date, r.inspector_id, r.announced) for r in rows],
            columns=["facility_id", "date", "inspector_id", "announced"],
        )
    return coerce_frame("locked_visits", frame)


@dataclass(frozen=True)
class LockContext:
    """What a new lock of a facility on a day with an inspector is checked against: the stored facility and
    inspector (``None`` when not stored: the importer's rules then name the missing id), the inspector's
    absences that cover the day, and the facility's other visits near the day."""

    facility: FacilityRow | None
    inspector: InspectorRow | None
    absences: tuple[tuple[dt.date, dt.date], ...]
    #: The facility's visits less than ``near_days`` from the day, by date: (date, what), what being "besøg"
    #: (visits), "låst besøg" (another lock) or "seneste uanmeldte besøg" (``facilities.last_unannounced_visit``).
    near: tuple[tuple[dt.date, str], ...] = ()
    #: The lock stored on the same facility and day (locking again updates it), or ``None``.
    same_day: LockedVisitRow | None = None


def lock_context(engine: Engine, facility_id: str, day: dt.date, inspector_id: str, near_days: int = 0) -> LockContext:
    """The stored rows a lock is checked against (a few queries by key; nothing is loaded whole)."""
    reach = dt.timedelta(days=near_days)
    # Clamped to the calendar: a day near 9999-12-31 (the importer refuses it after this) must not overflow.
    low = day - reach if day - dt.date.min > reach else dt.date.min
    high = day + reach if dt.date.max - day > reach else dt.date.max
    with Session(engine, expire_on_commit=False) as session:
        facility = session.get(FacilityRow, facility_id)
        inspector = session.get(InspectorRow, inspector_id)
        absences = session.execute(
            select(AbsenceRow.start, AbsenceRow.end).where(
                AbsenceRow.inspector_id == inspector_id, AbsenceRow.start <= day, AbsenceRow.end >= day
            )
        ).all()
        visits = session.scalars(
            select(VisitRow.date).where(VisitRow.facility_id == facility_id, VisitRow.date > low, VisitRow.date < high)
        ).all()
        locks = session.scalars(
            select(LockedVisitRow).where(
                LockedVisitRow.facility_id == facility_id, LockedVisitRow.date >= low, LockedVisitRow.date <= high
            )
        ).all()
        session.expunge_all()
    near = {(lv.date, "låst besøg") for lv in locks if lv.date != day and low < lv.date < high} | {
        (d, "besøg") for d in visits
    }
    last = None if facility is None else facility.last_unannounced_visit
    if last is not None and low < last < high and last not in visits:
        near.add((last, "seneste uanmeldte besøg"))
    return LockContext(
        facility=facility,
        inspector=inspector,
        absences=tuple(sorted((s, e) for s, e in absences)),
        near=tuple(sorted(near)),
        same_day=next((lv for lv in locks if lv.date == day), None),
    )

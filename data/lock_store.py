"""Locked visits (visits already agreed): list them and remove one. Adding goes through the importer's
rules (``locked_visits.csv``), so a lock is checked exactly like an uploaded one."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from data.dataset import coerce_frame
from data.db import LockedVisitRow


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


def delete_locked_visit(engine: Engine, facility_id: str, day: dt.date) -> bool:
    """Remove the lock of ``facility_id`` on ``day``; ``False`` when there was none."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            delete(LockedVisitRow).where(LockedVisitRow.facility_id == facility_id, LockedVisitRow.date == day)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

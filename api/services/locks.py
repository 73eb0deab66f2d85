"""Locked visits: the visits a planner has agreed (with a facility, or internally). A plan keeps them
where they are; a planner locks and unlocks them here (CLI: ``lock``/``unlock``/``locks``; HTTP:
``/api/v1/locked-visits``). Uploading ``locked_visits.csv`` adds locks too, but never removes one.

A lock is checked with the importer's rules (the facility and the inspector must exist), plus two
rules for a visit being agreed now: not before today, and on a working day (no weekend or public
holiday) — the planner could not keep it otherwise.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from api.services.imports import ImportOutcome, push_records
from data.calendar import holiday_name, is_working_day
from data.dataset import empty_frame
from data.errors import InvalidArgumentError, NotFoundError
from data.lock_store import delete_locked_visit, load_locked_visits
from data.settings import Settings
from data.store import database, database_exists


def lock_visit(
    settings: Settings, facility_id: str, day: dt.date, inspector_id: str, *, announced: bool
) -> ImportOutcome:
    """Lock (agree) a visit: the plan keeps it on ``day`` with ``inspector_id``. Re-locking the same
    facility and day updates the inspector or the announced flag."""
    today = settings.effective_today()
    if day < today:
        raise InvalidArgumentError(
            f"Datoen {day.isoformat()} ligger før i dag ({today.isoformat()}); et aftalt besøg skal ligge i fremtiden."
        )
    if not is_working_day(day):
        why = holiday_name(day) or ("lørdag" if day.weekday() == 5 else "søndag")
        raise InvalidArgumentError(
            f"Datoen {day.isoformat()} er ikke en arbejdsdag ({why}); vælg en hverdag, der ikke er helligdag."
        )
    record = {"facility_id": facility_id, "date": day.isoformat(), "inspector_id": inspector_id, "announced": announced}
    return push_records(settings, "locked_visits", [record], label=f"lås: {facility_id} {day.isoformat()}")


def unlock_visit(settings: Settings, facility_id: str, day: dt.date) -> None:
    """Remove the lock of ``facility_id`` on ``day`` (``NotFoundError`` when there is none)."""
    with database(settings) as engine:
        if not delete_locked_visit(engine, facility_id, day):
            raise NotFoundError(f"Tilbud '{facility_id}' har intet låst besøg den {day.isoformat()}.")


def locked_visits(settings: Settings, facility_id: str | None = None) -> pd.DataFrame:
    """The locked visits (optionally one facility's); empty when nothing is stored yet."""
    if not database_exists(settings):
        return empty_frame("locked_visits")
    with database(settings) as engine:
        return load_locked_visits(engine, facility_id)

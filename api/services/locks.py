"""Locked visits: the visits a planner has agreed (with a facility, or internally). A plan keeps them
where they are; a planner locks and unlocks them here (CLI: ``lock``/``unlock``/``locks``; HTTP:
``/api/v1/locked-visits``). Uploading ``locked_visits.csv`` adds locks too, but never removes one.

A lock is checked with the importer's rules (the facility and the inspector must exist), and first with
the rules a plan cannot keep a lock without, so a lock the planner would refuse is refused at once
instead of failing every later plan (:func:`lock_problems`):

- not before today (today is allowed: a plan made today starts today and keeps a visit agreed this
  morning for this afternoon; a day before today is history, which ``visits.csv`` records);
- on a working day (no weekend or public holiday; a day off of ``TILSYNSPLAN_DAYS_OFF`` is allowed);
- the facility is open on the day (not closed: ``closed_on`` on or before it): a plan does not plan a
  closed facility and would drop the lock without a word;
- the inspector belongs to the facility's socialtilsyn, has the competence for its type and is not absent
  that day (``data.lock_rules``: the rules the planner and the upload of ``locked_visits.csv`` check too,
  so none of the three can read them apart).

Two things do not refuse a lock but come back as warnings (:func:`lock_warnings`; the CLI prints them, HTTP
returns them in ``warnings``): another visit to the facility (past, or locked) less than
``TILSYNSPLAN_MIN_VISIT_GAP_DAYS`` from the day (the planner keeps the gap only between the visits it
places, so the plan still works, but two visits days apart are seldom meant); and a lock that replaces the
lock of the same facility and day with another inspector (one lock a facility and day, with one inspector:
a joint visit cannot be locked).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from api.services.imports import ImportOutcome, push_records
from data.calendar import holiday_name, is_working_day
from data.dataset import empty_frame
from data.errors import InvalidArgumentError, NotFoundError, Violation, shown_value
from data.lock_rules import lock_rule_problems, parse_competences
from data.lock_store import LockContext, load_locked_visits, lock_context
from data.settings import Settings
from data.store import database, database_exists, facility_exists
from data.store import unlock_visit as unlock_stored
from planner.domain import Inspector

#: The ``rule`` of the warnings :func:`lock_visit` adds (the import's own warnings keep theirs).
LOCK_WARNING = "lock"


def lock_problems(context: LockContext, facility_id: str, day: dt.date, inspector_id: str) -> list[str]:
    """Why a plan could not keep this lock (Danish, one sentence a rule; empty when it can): the planner's own
    rules (``data.lock_rules.lock_rule_problems``); a facility or inspector that is not stored is left to the
    importer's reference rules. (``approved_on`` is never after today, so never after a lock's day.)"""
    facility, row = context.facility, context.inspector
    if facility is None or row is None:
        return []
    inspector = Inspector(
        inspector_id=row.inspector_id,
        name=row.name,
        authority=row.authority,
        competences=parse_competences(row.competences),
        visits_per_week=row.visits_per_week,
        postcode=row.postcode,
        absences=context.absences,
    )
    return lock_rule_problems(
        facility_id, facility.authority, facility.facility_type, facility.closed_on, inspector_id, inspector, day
    )


def lock_warnings(context: LockContext, facility_id: str, day: dt.date, inspector_id: str, gap_days: int) -> list[str]:
    """What a planner should know about a lock a plan can keep (Danish; see the module)."""
    out: list[str] = []
    for other, what in context.near:
        days = abs((day - other).days)
        out.append(
            f"{facility_id} har {what} den {other.isoformat()}, kun {days} dage fra {day.isoformat()}; "
            f"planen lægger ellers mindst {gap_days} dage mellem besøg i samme tilbud, men begge bliver liggende"
        )
    old = context.same_day
    if old is not None and old.inspector_id != inspector_id:
        out.append(
            f"Låsen erstatter det låste besøg hos {facility_id} den {day.isoformat()} med {old.inspector_id}: "
            "et tilbud har højst ét låst besøg om dagen, med én tilsynskonsulent"
        )
    return out


def lock_visit(
    settings: Settings, facility_id: str, day: dt.date, inspector_id: str, *, announced: bool
) -> ImportOutcome:
    """Lock (agree) a visit: the plan keeps it on ``day`` with ``inspector_id``. Re-locking the same
    facility and day updates the inspector or the announced flag (a warning says so when the inspector
    changes). Raises ``InvalidArgumentError`` when a
    plan could not keep the lock (see the module)."""
    today = settings.effective_today()
    if day < today:
        raise InvalidArgumentError(
            f"Datoen {day.isoformat()} ligger før i dag ({today.isoformat()}); "
            "et aftalt besøg kan tidligst ligge i dag."
        )
    if not is_working_day(day):
        why = holiday_name(day) or ("lørdag" if day.weekday() == 5 else "søndag")
        raise InvalidArgumentError(
            f"Datoen {day.isoformat()} er ikke en arbejdsdag ({why}); vælg en hverdag, der ikke er helligdag."
        )
    warnings: list[str] = []
    if database_exists(settings):
        with database(settings) as engine:
            context = lock_context(engine, facility_id, day, inspector_id, settings.min_visit_gap_days)
        problems = lock_problems(context, facility_id, day, inspector_id)
        if problems:
            raise InvalidArgumentError(
                f"Besøget hos {facility_id} den {day.isoformat()} med {inspector_id} kan ikke låses: "
                + "; ".join(problems)
                + ".",
                details=[{"message": p} for p in problems],
            )
        warnings = lock_warnings(context, facility_id, day, inspector_id, settings.min_visit_gap_days)
    record = {"facility_id": facility_id, "date": day.isoformat(), "inspector_id": inspector_id, "announced": announced}
    outcome = push_records(settings, "locked_visits", [record], label=f"lås: {facility_id} {day.isoformat()}")
    if not warnings:
        return outcome
    found = [Violation("locked_visits", 1, "date", day.isoformat(), LOCK_WARNING, w) for w in warnings]
    summary = dataclasses.replace(outcome.summary, warnings=[*outcome.summary.warnings, *found])
    return dataclasses.replace(outcome, summary=summary)


def unlock_visit(settings: Settings, facility_id: str, day: dt.date) -> None:
    """Remove the lock of ``facility_id`` on ``day``, logged as an import batch of kind ``unlock``
    (``NotFoundError`` when there is none)."""
    with database(settings) as engine:
        if unlock_stored(engine, facility_id, day) is None:
            raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' har intet låst besøg den {day.isoformat()}.")


def locked_visits(settings: Settings, facility_id: str | None = None) -> pd.DataFrame:
    """The locked visits (optionally one facility's); empty when nothing is stored yet. A ``facility_id`` that names
    no stored tilbud is ``NotFoundError``: an empty list would say a misspelt id has no agreed visits."""
    if not database_exists(settings):
        if facility_id is not None:
            raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' findes ikke i databasen.")
        return empty_frame("locked_visits")
    with database(settings) as engine:
        if facility_id is not None and not facility_exists(engine, facility_id):
            raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' findes ikke i databasen.")
        return load_locked_visits(engine, facility_id)

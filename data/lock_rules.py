"""The rules a plan cannot keep a locked (agreed) visit without, in one place for the three places that check them:
the upload of ``locked_visits.csv`` (``data.importer``), ``tilsynsplan lock`` and ``POST /locked-visits``
(``api.services.locks``) and the planner (``planner.problem``), so a lock one of them accepts is never refused by
another. The working day is checked by the callers (each names the holiday its own way).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from data.enums import Authority, FacilityType
from data.glossary import danish_code


class LockInspector(Protocol):
    """What the rules read of an inspector (``planner.domain.Inspector`` and :class:`InspectorTerms` are ones)."""

    @property
    def authority(self) -> str: ...

    @property
    def competences(self) -> frozenset[str] | None: ...

    @property
    def absences(self) -> Sequence[tuple[dt.date, dt.date]]: ...


def competent(competences: frozenset[str] | None, facility_type: str) -> bool:
    """Whether an inspector with ``competences`` (None: every type) may visit a tilbud of ``facility_type``."""
    return competences is None or facility_type in competences


def absent(absences: Sequence[tuple[dt.date, dt.date]], day: dt.date) -> bool:
    """Whether ``day`` lies in one of the periods ``(start, end)``, both days included."""
    return any(start <= day <= end for start, end in absences)


def parse_competences(text: object) -> frozenset[str] | None:
    """``inspectors.competences`` as stored: ``all`` (or empty) is None, every facility type; else the
    ``;``-separated types, trimmed and in lower case."""
    raw = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    parts = {p.strip().lower() for p in raw.split(";") if p.strip()}
    if not parts or "all" in parts:
        return None
    return frozenset(parts)


def lock_rule_problems(
    facility_id: str,
    authority: str,
    facility_type: str,
    closed_on: dt.date | None,
    inspector_id: str,
    inspector: LockInspector | None,
    day: dt.date,
) -> list[str]:
    """Why a plan cannot keep a locked visit of ``inspector_id`` to ``facility_id`` on ``day`` (one Danish
    sentence a broken rule; empty when it can): the facility closed by the day, an inspector of another
    socialtilsyn (or none), without the competence for the type, or absent (naming the absences that cover the day)."""
    problems: list[str] = []
    if closed_on is not None and closed_on <= day:
        problems.append(f"{facility_id} er lukket pr. {closed_on.isoformat()}")
    if inspector is None:
        problems.append(f"{inspector_id} er ikke tilsynskonsulent i {danish_code(Authority, authority)}")
    elif inspector.authority != authority:
        problems.append(
            f"{inspector_id} er tilsynskonsulent i {danish_code(Authority, inspector.authority)}, "
            f"men {facility_id} hører til {danish_code(Authority, authority)}"
        )
    elif not competent(inspector.competences, facility_type):
        problems.append(f"{inspector_id} har ikke kompetence til {danish_code(FacilityType, facility_type)}")
    if inspector is not None and absent(inspector.absences, day):
        # only the periods covering the day: an inspector's years of absences named all of them
        periods = [
            s.isoformat() if s == e else f"{s.isoformat()}–{e.isoformat()}"
            for s, e in inspector.absences
            if s <= day <= e
        ]
        problems.append(f"{inspector_id} er fraværende den dag (fravær {', '.join(periods)})")
    return problems


@dataclass(frozen=True)
class InspectorTerms:
    """An inspector as the rules read it, from the stored or uploaded rows (the importer's view)."""

    authority: str
    competences: frozenset[str] | None  # None = every facility type
    absences: tuple[tuple[dt.date, dt.date], ...] = ()

"""Stored plans: every plan version with its visits and its analysis (``plans`` / ``plan_visits``).

The data layer does not know the planner's classes: :func:`save_plan` takes anything with the plan's
header attributes and ``visits_frame()`` / ``analysis_dict()`` (``planner.domain.Plan`` has them) and
:func:`load_plan` returns a :class:`StoredPlan` whose visits are a DataFrame with the columns of
:data:`VISIT_COLUMNS`. Per-visit fields the table has no column for (:data:`META_COLUMNS`) travel in
the analysis JSON under ``visit_meta``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from data.dataset import date_of
from data.db import FacilityRow, PlanRow, PlanVisitRow
from data.errors import NotFoundError

#: Where a plan id that does not exist sends the user: the CLI's list and the API's (the web page says it its own way).
SEE_PLANS = "se de gemte planer med 'tilsynsplan plan list' eller GET /api/v1/plans"
VISIT_COLUMNS = (
    "facility_id", "date", "inspector_ids", "announced", "kind", "reason", "locked", "role", "authority", "reason_code",
)  # fmt: skip
META_COLUMNS = ("role", "authority", "reason_code")


class SavablePlan(Protocol):
    @property
    def quarter(self) -> str: ...

    @property
    def as_of(self) -> dt.date: ...

    @property
    def authority(self) -> str | None: ...

    @property
    def status(self) -> str: ...

    def visits_frame(self) -> pd.DataFrame: ...

    def analysis_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class StoredPlan:
    id: int
    created_at: dt.datetime
    quarter: str
    as_of: dt.date
    authority: str | None
    status: str
    parent_id: int | None
    risk_run_id: int | None
    settings: dict[str, Any]
    analysis: dict[str, Any]
    visits: pd.DataFrame  # VISIT_COLUMNS; ``date`` as datetime.date; sorted by date, facility
    #: what the plan knew of its data (``planner.staleness.data_basis``); empty for a plan stored before it was kept
    data_basis: dict[str, Any] = field(default_factory=dict)

    @property
    def visit_count(self) -> int:
        return len(self.visits)


@dataclass(frozen=True)
class PlanInfo:
    """A plan's header without its visits (for lists)."""

    id: int
    created_at: dt.datetime
    quarter: str
    as_of: dt.date
    authority: str | None
    status: str
    parent_id: int | None
    visit_count: int
    #: the socialtilsyn of the tilbud it visits (a plan made without ``authority`` for a database holding one
    #: socialtilsyn's tilbud is that tilsyn's plan: ``glossary.plan_scope_da`` names it so)
    authorities: tuple[str, ...] = ()


def _key(facility_id: str, day: dt.date) -> str:
    return f"{facility_id}|{day.isoformat()}"


def _as_date(value: object) -> dt.date:
    day = date_of(value)
    if day is None:
        raise ValueError(f"not a date: {value!r}")
    return day


def save_plan(
    engine: Engine,
    plan: SavablePlan,
    *,
    parent_id: int | None = None,
    risk_run_id: int | None = None,
    settings: dict[str, Any] | None = None,
    data_basis: dict[str, Any] | None = None,
) -> int:
    """Store a plan version with its visits in one transaction; returns its id. ``data_basis``: what the plan knew
    of its data (kept in the analysis JSON beside ``visit_meta``; see ``planner.staleness``)."""
    frame = plan.visits_frame()
    analysis = dict(plan.analysis_dict())
    if data_basis is not None:
        analysis["data_basis"] = data_basis
    meta: dict[str, list[object]] = {}
    rows = []
    for r in frame.itertuples(index=False):
        day = _as_date(r.date)
        meta[_key(str(r.facility_id), day)] = [getattr(r, c, None) for c in META_COLUMNS]
        rows.append(
            {
                "facility_id": str(r.facility_id),
                "date": day,
                "inspector_ids": str(r.inspector_ids),
                "announced": bool(r.announced),
                "kind": str(r.kind),
                "reason": str(r.reason),
                "locked": bool(getattr(r, "locked", False)),
            }
        )
    analysis["visit_meta"] = meta
    with Session(engine) as session, session.begin():
        if parent_id is not None and session.get(PlanRow, parent_id) is None:
            raise NotFoundError(f"Planen {parent_id} findes ikke; {SEE_PLANS}")
        row = PlanRow(
            created_at=dt.datetime.now().replace(microsecond=0),
            quarter=plan.quarter,
            as_of=plan.as_of,
            authority=plan.authority,
            status=plan.status,
            parent_id=parent_id,
            risk_run_id=risk_run_id,
            settings=settings or {},
            analysis=analysis,
        )
        session.add(row)
        session.flush()
        session.add_all(PlanVisitRow(plan_id=row.id, **r) for r in rows)
        return int(row.id)


#: The columns of ``plan_visits`` a stored plan's visits are read from (a plain select: no ORM object per visit).
_VISIT_FIELDS = (
    PlanVisitRow.plan_id,
    PlanVisitRow.facility_id,
    PlanVisitRow.date,
    PlanVisitRow.inspector_ids,
    PlanVisitRow.announced,
    PlanVisitRow.kind,
    PlanVisitRow.reason,
    PlanVisitRow.locked,
)
#: How many plans one query of their visits names (SQLite's limit of bound values is far above it).
_PLANS_PER_QUERY = 500


def _visit_frame(rows: Iterable[Sequence[Any]], meta: dict[str, Any]) -> pd.DataFrame:
    """A plan's visits (rows of :data:`_VISIT_FIELDS` in stored order) as the frame of :data:`VISIT_COLUMNS`."""
    records = []
    for _, facility_id, day, inspector_ids, announced, kind, reason, locked in rows:
        extra = list(meta.get(_key(facility_id, day)) or [])
        extra += [None] * (len(META_COLUMNS) - len(extra))
        if len(extra) != len(META_COLUMNS):
            raise ValueError(f"visit_meta of {facility_id} {day}: {extra!r}")
        records.append((facility_id, day, inspector_ids, bool(announced), kind, reason, bool(locked), *extra))
    frame = pd.DataFrame(records, columns=list(VISIT_COLUMNS))
    return frame.sort_values(["date", "facility_id"], kind="stable").reset_index(drop=True)


def _visit_rows(session: Session, plan_ids: Sequence[int]) -> dict[int, list[Sequence[Any]]]:
    """The visits of ``plan_ids`` by plan, each plan's in stored order."""
    out: dict[int, list[Sequence[Any]]] = {plan_id: [] for plan_id in plan_ids}
    for start in range(0, len(plan_ids), _PLANS_PER_QUERY):
        chunk = list(plan_ids[start : start + _PLANS_PER_QUERY])
        query = select(*_VISIT_FIELDS).where(PlanVisitRow.plan_id.in_(chunk)).order_by(PlanVisitRow.id)
        for row in session.execute(query):
            out[int(row[0])].append(row)
    return out


def _stored(row: PlanRow, visits: Iterable[Sequence[Any]]) -> StoredPlan:
    analysis = dict(row.analysis or {})
    meta = analysis.pop("visit_meta", {})
    basis = analysis.pop("data_basis", {})
    return StoredPlan(
        id=int(row.id),
        created_at=row.created_at,
        quarter=row.quarter,
        as_of=row.as_of,
        authority=row.authority,
        status=row.status,
        parent_id=row.parent_id,
        risk_run_id=row.risk_run_id,
        settings=dict(row.settings or {}),
        analysis=analysis,
        visits=_visit_frame(visits, meta),
        data_basis=dict(basis or {}),
    )


def load_plan(engine: Engine, plan_id: int) -> StoredPlan:
    """A stored plan with its visits (``NotFoundError`` naming the id if there is none)."""
    with Session(engine) as session:
        row = session.get(PlanRow, plan_id)
        if row is None:
            raise NotFoundError(f"Planen {plan_id} findes ikke; {SEE_PLANS}")
        return _stored(row, _visit_rows(session, [plan_id])[plan_id])


def load_plans(engine: Engine, plan_ids: Sequence[int]) -> list[StoredPlan]:
    """The stored plans ``plan_ids`` in that order, as :func:`load_plan` gives each, read with one query for all
    their visits (a plan list compares every listed plan with the data). ``NotFoundError`` naming the first id that
    does not exist."""
    ids = list(dict.fromkeys(int(i) for i in plan_ids))
    with Session(engine) as session:
        rows = {int(r.id): r for r in session.scalars(select(PlanRow).where(PlanRow.id.in_(ids)))}
        for plan_id in ids:
            if plan_id not in rows:
                raise NotFoundError(f"Planen {plan_id} findes ikke; {SEE_PLANS}")
        visits = _visit_rows(session, ids)
        stored = {plan_id: _stored(rows[plan_id], visits[plan_id]) for plan_id in ids}
    return [stored[int(i)] for i in plan_ids]


def plan_header(engine: Engine, plan_id: int) -> PlanInfo:
    """A stored plan's header without its visits (two small queries; ``NotFoundError`` naming the id if there is
    none): enough to name the plan version, e.g. for an HTTP validator, without reading thousands of visits."""
    with Session(engine) as session:
        row = session.execute(select(*_HEADER_FIELDS).where(PlanRow.id == plan_id)).first()
        if row is None:
            raise NotFoundError(f"Planen {plan_id} findes ikke; {SEE_PLANS}")
        count = session.scalar(select(func.count()).select_from(PlanVisitRow).where(PlanVisitRow.plan_id == plan_id))
        return _info(row, int(count or 0))


#: A plan's header columns (:class:`PlanInfo`): a list reads these, not the settings and analysis JSON.
_HEADER_FIELDS = (
    PlanRow.id,
    PlanRow.created_at,
    PlanRow.quarter,
    PlanRow.as_of,
    PlanRow.authority,
    PlanRow.status,
    PlanRow.parent_id,
)


def _info(row: Any, visit_count: int) -> PlanInfo:
    """``row``: a :class:`PlanRow` or a row of :data:`_HEADER_FIELDS`."""
    return PlanInfo(
        id=int(row.id),
        created_at=row.created_at,
        quarter=row.quarter,
        as_of=row.as_of,
        authority=row.authority,
        status=row.status,
        parent_id=row.parent_id,
        visit_count=visit_count,
    )


def list_plans(engine: Engine) -> list[PlanInfo]:
    """Every stored plan, newest first."""
    with Session(engine) as session:
        counts = {
            int(plan_id): int(n)
            for plan_id, n in session.execute(select(PlanVisitRow.plan_id, func.count()).group_by(PlanVisitRow.plan_id))
        }
        planned: dict[int, set[str]] = {}
        visited = (
            select(PlanVisitRow.plan_id, FacilityRow.authority)
            .join(FacilityRow, FacilityRow.facility_id == PlanVisitRow.facility_id)
            .distinct()
        )
        for plan_id, authority in session.execute(visited):
            planned.setdefault(int(plan_id), set()).add(str(authority))
        rows = session.execute(select(*_HEADER_FIELDS).order_by(PlanRow.id.desc())).all()
        return [
            dataclasses.replace(_info(r, int(counts.get(r.id, 0))), authorities=tuple(sorted(planned.get(r.id, ()))))
            for r in rows
        ]


def latest_plan(engine: Engine, quarter: str | None = None, authority: str | None = None) -> StoredPlan | None:
    """The newest plan, optionally for one quarter and/or one authority (``None`` if there is none)."""
    with Session(engine) as session:
        query = select(PlanRow).order_by(PlanRow.id.desc())
        if quarter is not None:
            query = query.where(PlanRow.quarter == quarter.strip().upper())
        if authority is not None:
            query = query.where(PlanRow.authority == authority)
        row = session.scalars(query.limit(1)).first()
        return None if row is None else _stored(row, _visit_rows(session, [int(row.id)])[int(row.id)])

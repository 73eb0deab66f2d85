"""Stored risk runs: one scoring of all active facilities with one model as of one date.

Reports use the previous run for "change since last quarter"; the planner reads the latest run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from data.db import PlanRow, RiskRunRow, RiskScoreRow, one_writer_at_a_time

SCORE_COLUMNS = ("facility_id", "risk", "rank", "tier", "top_factors")


@dataclass(frozen=True)
class RiskRun:
    id: int
    created_at: dt.datetime
    as_of: dt.date
    model_version: str
    scores: pd.DataFrame  # facility_id, risk (0-1), rank (1 = riskiest), tier, top_factors (list of dicts)


def save_risk_run(
    engine: Engine, as_of: dt.date, model_version: str, scores: pd.DataFrame, *, created_at: dt.datetime | None = None
) -> int:
    """Store a run; returns its id. ``created_at`` (default now, the server's local time) is when it was scored.

    Scoring again with the same as-of date and model version replaces the newest such run's scores and keeps its
    id (a re-run is not a new run) -- unless a stored plan was made from that run (``plans.risk_run_id``) and the
    scores differ (data pushed or imported since): then the scores are a new run, and the plan keeps the scores it
    was planned from (its report showed the new risks beside the reasons written from the old ones). The same
    scores again replace in place, so a plan's run is never copied for nothing."""
    created_at = created_at if created_at is not None else dt.datetime.now()
    missing = set(SCORE_COLUMNS) - set(scores.columns)
    if missing:
        raise ValueError(f"scores lack columns {sorted(missing)}")
    with Session(engine) as session, session.begin():
        # two scorings of the same date and model at once (two planners' requests) both deleted and inserted the
        # same scores: on PostgreSQL the second died on a unique violation or a deadlock. It now waits for the
        # first and then replaces its scores.
        one_writer_at_a_time(session.connection(), RiskRunRow.__tablename__)
        run = session.scalars(
            select(RiskRunRow)
            .where(RiskRunRow.as_of == as_of, RiskRunRow.model_version == model_version)
            .order_by(RiskRunRow.id.desc())
        ).first()
        if run is not None and _planned_from(session, run.id) and not _same_scores(_load(session, run).scores, scores):
            run = None  # a plan's scores stay as they were planned from
        if run is None:
            run = RiskRunRow(created_at=created_at, as_of=as_of, model_version=model_version)
            session.add(run)
            session.flush()
        else:
            session.execute(delete(RiskScoreRow).where(RiskScoreRow.run_id == run.id))
            run.created_at = created_at
        session.add_all(
            RiskScoreRow(
                run_id=run.id,
                facility_id=str(r.facility_id),
                risk=float(r.risk),
                rank=int(r.rank),
                tier=str(r.tier),
                top_factors=list(r.top_factors) if r.top_factors is not None else [],
            )
            for r in scores.itertuples(index=False)
        )
        return int(run.id)


def _planned_from(session: Session, run_id: int) -> bool:
    return session.scalars(select(PlanRow.id).where(PlanRow.risk_run_id == run_id).limit(1)).first() is not None


def _same_scores(stored: pd.DataFrame, scores: pd.DataFrame) -> bool:
    """Whether ``scores`` are the stored ones: the same facilities with the same risk (to 1e-12), rank, tier and
    reasons (the same model and data give the same reasons, but another ``risk_top_factors`` setting does not, and
    a plan's report shows its run's reasons)."""
    if len(stored) != len(scores):
        return False
    a = stored.set_index("facility_id").sort_index()
    b = scores.assign(facility_id=scores["facility_id"].astype(str)).set_index("facility_id").sort_index()
    if not a.index.equals(b.index):
        return False
    return bool(
        (abs(a["risk"].astype(float) - b["risk"].astype(float)) <= 1e-12).all()
        and (a["rank"].astype(int) == b["rank"].astype(int)).all()
        and (a["tier"].astype(str) == b["tier"].astype(str)).all()
        and all(_factors(x) == _factors(y) for x, y in zip(a["top_factors"], b["top_factors"], strict=True))
    )


def _factors(value: Iterable[dict[str, object]] | None) -> list[tuple[object, object]]:
    """The reasons as a reader sees them: feature and sentence (not the rounded SHAP value)."""
    return [] if value is None else [(f.get("feature"), f.get("text")) for f in value]


def _load(session: Session, run: RiskRunRow) -> RiskRun:
    rows = session.scalars(select(RiskScoreRow).where(RiskScoreRow.run_id == run.id)).all()
    frame = pd.DataFrame(
        [(r.facility_id, r.risk, r.rank, r.tier, r.top_factors) for r in rows], columns=list(SCORE_COLUMNS)
    ).sort_values("rank", ignore_index=True)
    return RiskRun(run.id, run.created_at, run.as_of, run.model_version, frame)


def latest_risk_run(engine: Engine, on_or_before: dt.date | None = None) -> RiskRun | None:
    """The newest run (by as-of date, then creation), optionally with as-of on or before a date."""
    with Session(engine) as session:
        query = select(RiskRunRow).order_by(RiskRunRow.as_of.desc(), RiskRunRow.id.desc())
        if on_or_before is not None:
            query = query.where(RiskRunRow.as_of <= on_or_before)
        run = session.scalars(query.limit(1)).first()
        return None if run is None else _load(session, run)


@dataclass(frozen=True)
class RunHeader:
    """A stored run without its scores: what names the run's version (``created_at`` changes with a re-scoring)."""

    id: int
    created_at: dt.datetime
    as_of: dt.date
    model_version: str


def latest_risk_run_header(engine: Engine, on_or_before: dt.date | None = None) -> RunHeader | None:
    """The run :func:`latest_risk_run` would load, without its scores (one small query)."""
    with Session(engine) as session:
        query = select(RiskRunRow).order_by(RiskRunRow.as_of.desc(), RiskRunRow.id.desc())
        if on_or_before is not None:
            query = query.where(RiskRunRow.as_of <= on_or_before)
        run = session.scalars(query.limit(1)).first()
        return None if run is None else RunHeader(run.id, run.created_at, run.as_of, run.model_version)


def previous_risk_run(engine: Engine, before: dt.date) -> RiskRun | None:
    """The newest run with as-of strictly before ``before`` (for "change since last quarter")."""
    with Session(engine) as session:
        query = (
            select(RiskRunRow)
            .where(RiskRunRow.as_of < before)
            .order_by(RiskRunRow.as_of.desc(), RiskRunRow.id.desc())
            .limit(1)
        )
        run = session.scalars(query).first()
        return None if run is None else _load(session, run)


def get_risk_run(engine: Engine, run_id: int) -> RiskRun | None:
    with Session(engine) as session:
        run = session.get(RiskRunRow, run_id)
        return None if run is None else _load(session, run)

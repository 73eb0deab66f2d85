"""Storage of a tilsyn's data: open (and migrate) the database, save an upload, load the Dataset.

Minimal first version; the importer work replaces ``open_database``'s ``create_all`` with Alembic
migrations and ``save_dataset`` with transactional upserts, keeping these signatures.
"""

from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from data.contract import FILES
from data.dataset import Dataset, empty_frame
from data.db import CONTRACT_TABLES, Base, make_engine
from data.settings import Settings

log = logging.getLogger(__name__)


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database with the newest schema."""
    engine = make_engine(settings.resolved_database_url)
    Base.metadata.create_all(engine)
    return engine


def load_dataset(engine: Engine, authority: str | None = None) -> Dataset:
    """Everything stored, as a ``Dataset`` (optionally one authority's facilities and what hangs on them)."""
    frames: dict[str, pd.DataFrame] = {}
    with engine.connect() as conn:
        for spec in FILES:
            table = CONTRACT_TABLES[spec.name].__table__
            rows = conn.execute(select(table)).mappings().all()
            frame = pd.DataFrame([dict(r) for r in rows]) if rows else empty_frame(spec.name)
            frames[spec.name] = frame
    ds = Dataset.from_frames(frames)
    if authority is None:
        return ds
    return restrict_to_authority(ds, authority)


def restrict_to_authority(ds: Dataset, authority: str) -> Dataset:
    """The part of a dataset that belongs to one authority (its facilities, inspectors and their records)."""
    fac = ds.facilities[ds.facilities["authority"] == authority]
    ids = set(fac["facility_id"])
    insp = ds.inspectors[ds.inspectors["authority"] == authority]
    insp_ids = set(insp["inspector_id"])
    visits = ds.visits[ds.visits["facility_id"].isin(ids)]
    vids = set(visits["visit_id"])
    return Dataset.from_frames(
        {
            "facilities": fac,
            "inspectors": insp,
            "visits": visits,
            "indicator_scores": ds.indicator_scores[ds.indicator_scores["visit_id"].isin(vids)],
            "theme_scores": ds.theme_scores[ds.theme_scores["visit_id"].isin(vids)],
            "use_of_force": ds.use_of_force[ds.use_of_force["facility_id"].isin(ids)],
            "staff_figures": ds.staff_figures[ds.staff_figures["facility_id"].isin(ids)],
            "concerns": ds.concerns[ds.concerns["facility_id"].isin(ids)],
            "sanctions": ds.sanctions[ds.sanctions["facility_id"].isin(ids)],
            "absences": ds.absences[ds.absences["inspector_id"].isin(insp_ids)],
            "locked_visits": ds.locked_visits[ds.locked_visits["facility_id"].isin(ids)],
        }
    )

"""Risk lists for readers (HTTP API, web pages): the latest stored risk run, or a new scoring if there is none.

A case system pulling the list gets the run the planners work from (the one a plan was built on),
not a fresh scoring on every request. A stored run holds ids, risk, national rank, tier and reasons;
names, authority, type and ownership come from the stored facilities.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from api.services.lookups import reference_data
from api.services.risk import (
    NO_FACILITIES,
    SCORE_COLUMNS,
    ScoreResult,
    require_scorable,
    score_facilities,
)
from data.authorities import parse_authority, parse_facility_type
from data.errors import InvalidArgumentError, NoDataError, NotComputedError
from data.risk_store import RiskRun, RunHeader, latest_risk_run, latest_risk_run_header
from data.settings import Settings
from data.store import database, database_exists, facility_master_digest, load_reference_data


def stored_run(settings: Settings, as_of: dt.date | None = None) -> RiskRun | None:
    """The newest stored run as of today or before (with exactly ``as_of`` when given); ``None`` when there
    is none. A run stored for a later date than today (an older version accepted future dates) is not the
    newest list."""
    day = settings.as_of_or_today(as_of)
    if not database_exists(settings):
        return None
    with database(settings) as engine:
        run = latest_risk_run(engine, on_or_before=day)
    if run is None or (as_of is not None and run.as_of != as_of):
        return None
    return run


@dataclass(frozen=True)
class ListVersion:
    """What a risk list read from a stored run is made of, without reading its scores: the run (``None`` when
    :func:`stored_run` would find none) and a digest of the stored facilities' names, socialtilsyn, types and
    ownership, which the list shows beside the scores. Read the version before the list: a list read after it is
    as new or newer, never older."""

    run: RunHeader | None
    facilities: str | None


def list_version(settings: Settings, as_of: dt.date | None = None) -> ListVersion:
    """The version of the list :func:`risk_list` would read (two small queries)."""
    day = settings.as_of_or_today(as_of)
    if not database_exists(settings):
        return ListVersion(None, None)
    with database(settings) as engine:
        facilities = facility_master_digest(engine)
        run = latest_risk_run_header(engine, on_or_before=day)
    if run is None or (as_of is not None and run.as_of != as_of):
        run = None
    return ListVersion(run, facilities)


def _run_scores(settings: Settings, run: RiskRun) -> pd.DataFrame:
    with database(settings) as engine:
        facilities = load_reference_data(engine).facilities
    master = facilities[["facility_id", "name", "authority", "facility_type", "ownership"]].astype(str)
    frame = run.scores.assign(facility_id=run.scores["facility_id"].astype(str)).merge(
        master, on="facility_id", how="left"
    )
    frame["national_rank"] = frame["rank"].astype(int)
    return frame.sort_values("national_rank", ignore_index=True)[list(SCORE_COLUMNS)]


def risk_list(
    settings: Settings,
    *,
    as_of: dt.date | None = None,
    authority: str | None = None,
    facility_type: str | None = None,
    top: int | None = None,
    offset: int = 0,
    may_score: bool = True,
) -> ScoreResult:
    """The risk list: the latest stored run (or the run of ``as_of``), else a new scoring (stored) -- or,
    when ``may_score`` is false (a reader), ``NotComputedError``: scoring stores a run and may train a model.

    ``authority`` re-ranks within that authority (``national_rank`` beside it); ``facility_type``
    keeps the ranks; ``offset`` skips the first rows and ``top`` keeps the next N (a page; ``total`` counts
    the rows before both).
    """
    auth = parse_authority(authority)
    ftype = parse_facility_type(facility_type)
    _check_page(top, offset)
    run = stored_run(settings, as_of)
    if run is None and not may_score:
        if reference_data(settings).facilities.empty:
            raise NoDataError(NO_FACILITIES)
        if as_of is not None:  # a date no scoring accepts: its refusal, not "ask a planner to compute it"
            require_scorable(settings, as_of)
        when = f" pr. {as_of.isoformat()}" if as_of is not None else ""
        raise NotComputedError(
            f"Der er ingen gemt risikokørsel{when}. En planlægger beregner den med 'tilsynsplan score', ved at "
            "logge ind (/login) eller med sin nøgle i API'et (Authorization: Bearer …); uden login vises kun "
            "gemte kørsler."
        )
    if run is None:
        result = score_facilities(settings, as_of=as_of, authority=auth)
    else:
        frame = _run_scores(settings, run)
        if auth is not None:
            frame = frame[frame["authority"] == auth].reset_index(drop=True)
            frame["rank"] = range(1, len(frame) + 1)
        result = ScoreResult(
            scores=frame, run_id=run.id, model_version=run.model_version, as_of=run.as_of, scored_at=run.created_at
        )
    return _page(result, ftype, top, offset)


def score_list(
    settings: Settings,
    *,
    as_of: dt.date | None = None,
    authority: str | None = None,
    facility_type: str | None = None,
    top: int | None = None,
    offset: int = 0,
) -> ScoreResult:
    """Score every active facility now (as ``tilsynsplan score``: the newest model, trained first when there is
    none), store the run -- replacing the scores of a run of the same date and model, whose id it keeps unless a
    stored plan was made from it and the scores changed (``data.risk_store.save_risk_run``) -- and return the list
    as :func:`risk_list` does. The filters are checked before the scoring, which takes seconds."""
    auth = parse_authority(authority)
    ftype = parse_facility_type(facility_type)
    _check_page(top, offset)
    return _page(score_facilities(settings, as_of=as_of, authority=auth), ftype, top, offset)


def _check_page(top: int | None, offset: int) -> None:
    if top is not None and top < 1:
        raise InvalidArgumentError(f"top skal være mindst 1 (fik {top}).")
    if offset < 0:
        raise InvalidArgumentError(f"offset skal være mindst 0 (fik {offset}).")


def _page(result: ScoreResult, facility_type: str | None, top: int | None, offset: int) -> ScoreResult:
    """``result`` with only ``facility_type`` (ranks kept), then the page of ``top`` rows from ``offset``."""
    frame = result.scores
    if facility_type is not None:
        frame = frame[frame["facility_type"] == facility_type].reset_index(drop=True)
    total = len(frame)
    frame = frame.iloc[offset:] if top is None else frame.iloc[offset : offset + top]
    return dataclasses.replace(result, scores=frame.reset_index(drop=True), total=total)

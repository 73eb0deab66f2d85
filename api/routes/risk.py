"""Risk routes: the risk list (JSON or CSV, paged), a new scoring, one facility, its explanation, training the model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from api.deps import PlannerDep, SettingsDep, ViewerDep
from api.schemas import (
    DATABASE_INT_MAX,
    ExplanationPublic,
    FacilityPublic,
    RiskListPublic,
    RiskScorePublic,
    ScoreCreate,
    TrainCreate,
    TrainPublic,
    error_responses,
    risk_csv,
)
from api.services import risk as risk_service
from api.services.lookups import facility_record
from api.services.risk import ScoreResult
from api.services.risk_lists import risk_list, score_list
from data.errors import NotComputedError

router = APIRouter(tags=["risk"])

AsOf = Annotated[dt.date | None, Query(description="Skæringsdato ÅÅÅÅ-MM-DD (standard: seneste risikokørsel).")]


Authority = Annotated[str | None, Query(description="nord, midt, syd, hovedstaden eller oest.")]
FacilityType = Annotated[str | None, Query(description="En tilbudstype fra datakontrakten.")]
Top = Annotated[int | None, Query(ge=1, description="Kun de N mest risikable (fra `offset`): sidens størrelse.")]
Offset = Annotated[
    int,
    Query(ge=0, le=DATABASE_INT_MAX, description="Spring de første N over (sider: `offset=100&top=100`)."),
]


def _csv(result: ScoreResult) -> Response:
    name = f"risiko-{result.as_of.isoformat()}.csv"
    return Response(
        risk_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/risk",
    response_model=RiskListPublic,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(404, 409, 422, 503)},
)
def get_risk(
    settings: SettingsDep,
    viewer: ViewerDep,
    authority: Authority = None,
    facility_type: FacilityType = None,
    top: Top = None,
    offset: Offset = 0,
    as_of: AsOf = None,
    format: Annotated[Literal["json", "csv"], Query(description="json eller csv.")] = "json",
) -> Response | RiskListPublic:
    """The ranked risk list: the latest stored risk run (or the run of `as_of`). With none, a planner's request
    scores now (and trains a model if there is none) and stores the run; a reader's gets 409 `not_computed`.
    Data pushed after the run are not in it until a planner scores again (`POST /risk`); `run_id` and
    `scored_at` tell a new scoring. Paged with `offset` and `top`; `total` counts the whole list."""
    result = risk_list(
        settings,
        as_of=as_of,
        authority=authority,
        facility_type=facility_type,
        top=top,
        offset=offset,
        may_score=viewer.authorised,
    )
    return _csv(result) if format == "csv" else RiskListPublic.from_result(result)


@router.post(
    "/risk",
    status_code=201,
    response_model=RiskListPublic,
    responses=error_responses(409, 422, 503),
)
def score_now(
    settings: SettingsDep,
    _: PlannerDep,
    authority: Authority = None,
    facility_type: FacilityType = None,
    top: Top = None,
    offset: Offset = 0,
    body: Annotated[ScoreCreate | None, Body()] = None,
) -> RiskListPublic:
    """Score every active facility as of `as_of` (default today) with the newest model (trained first when there
    is none) and store the run, as `tilsynsplan score`: after pushing new magtanvendelser or concerns, this is how
    they reach the risk list. A run of the same date and model is replaced (its `run_id` kept, `scored_at` new),
    unless a stored plan was made from it and the scores changed: then a new run (the plan keeps its scores).
    The answer is the list, filtered and paged as `GET /risk`; the model is not re-trained (`POST /model/train`)."""
    result = score_list(
        settings,
        as_of=body.as_of if body else None,
        authority=authority,
        facility_type=facility_type,
        top=top,
        offset=offset,
    )
    return RiskListPublic.from_result(result)


# Ids are text and may hold a '/', which the server decodes before routing: every facility route takes
# the id as a path (the explanation route first, or the plain route would swallow '…/explanation').
@router.get(
    "/facilities/{facility_id:path}/explanation",
    response_model=ExplanationPublic,
    responses=error_responses(404, 409, 422, 503),
)
def get_explanation(
    facility_id: str, settings: SettingsDep, viewer: ViewerDep, as_of: AsOf = None
) -> ExplanationPublic:
    """Every factor of one facility's risk, in Danish, with its value and the comparison value (409
    `not_computed` for a reader when no model is trained as of the date)."""
    explanation = risk_service.explain_facility(settings, facility_id, as_of, may_train=viewer.authorised)
    return ExplanationPublic.from_explanation(explanation)


@router.get(
    "/facilities/{facility_id:path}", response_model=FacilityPublic, responses=error_responses(404, 409, 422, 503)
)
def get_facility(facility_id: str, settings: SettingsDep, viewer: ViewerDep) -> FacilityPublic:
    """Master data of one facility and its place in the latest risk list (with the top reasons); no risk for
    a reader when no run is stored yet."""
    record = facility_record(settings, facility_id)
    try:
        scores = risk_list(settings, may_score=viewer.authorised).scores
        rows = scores[scores["facility_id"] == facility_id].to_dict(orient="records")
    except NotComputedError:
        rows = []
    return FacilityPublic.from_record(record, RiskScorePublic.from_row(rows[0]) if rows else None)


@router.post("/model/train", status_code=201, response_model=TrainPublic, responses=error_responses(409, 422, 503))
def train(settings: SettingsDep, _: PlannerDep, body: Annotated[TrainCreate | None, Body()] = None) -> TrainPublic:
    """Train the risk model on what was known before `as_of` (default today) and store it."""
    report = risk_service.train_model(settings, as_of=body.as_of if body else None)
    return TrainPublic.from_report(report)

"""Risk routes: the risk list (JSON or CSV), one facility, its explanation, training the model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from api.deps import PlannerDep, SettingsDep, ViewerDep
from api.schemas import (
    ExplanationPublic,
    FacilityPublic,
    RiskListPublic,
    RiskScorePublic,
    TrainCreate,
    TrainPublic,
    error_responses,
    risk_csv,
)
from api.services import risk as risk_service
from api.services.lookups import facility_record
from api.services.risk_lists import risk_list
from data.errors import NotComputedError

router = APIRouter(tags=["risk"])

AsOf = Annotated[dt.date | None, Query(description="Skæringsdato ÅÅÅÅ-MM-DD (standard: seneste risikokørsel).")]


@router.get(
    "/risk",
    response_model=RiskListPublic,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(404, 409, 422, 503)},
)
def get_risk(
    settings: SettingsDep,
    viewer: ViewerDep,
    authority: Annotated[str | None, Query(description="nord, midt, syd, hovedstaden eller oest.")] = None,
    facility_type: Annotated[str | None, Query(description="En tilbudstype fra datakontrakten.")] = None,
    top: Annotated[int | None, Query(ge=1, description="Kun de N mest risikable.")] = None,
    as_of: AsOf = None,
    format: Annotated[Literal["json", "csv"], Query(description="json eller csv.")] = "json",
) -> Response | RiskListPublic:
    """The ranked risk list: the latest stored risk run (or the run of `as_of`). With none, a planner's request
    scores now (and trains a model if there is none) and stores the run; a reader's gets 409 `not_computed`."""
    result = risk_list(
        settings, as_of=as_of, authority=authority, facility_type=facility_type, top=top, may_score=viewer.authorised
    )
    if format == "csv":
        name = f"risiko-{result.as_of.isoformat()}.csv"
        return Response(
            risk_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
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

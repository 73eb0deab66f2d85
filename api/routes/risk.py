"""Risk routes: the risk list (JSON or CSV, paged), a new scoring, one facility, its explanation, training the model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from api.conditional import Conditional, ConditionalDep, strong_etag
from api.deps import ApiRoute, PlannerDep, SettingsDep, ViewerDep
from api.schemas import (
    DATABASE_INT_MAX,
    IF_NONE_MATCH,
    AuthorityFilter,
    DataAsOf,
    ExplanationPublic,
    FacilityId,
    FacilityPublic,
    FacilityTypeFilter,
    RiskListPublic,
    RiskScorePublic,
    RunAsOf,
    ScoreCreate,
    TrainCreate,
    TrainPublic,
    error_responses,
    risk_csv,
    validated_responses,
)
from api.services import risk as risk_service
from api.services.lookups import facility_record
from api.services.risk import ScoreResult
from api.services.risk_lists import list_version, risk_list, score_list
from data.authorities import parse_authority, parse_facility_type
from data.errors import NotComputedError

router = APIRouter(tags=["risk"], route_class=ApiRoute)

Top = Annotated[
    int | None,
    Query(ge=1, le=DATABASE_INT_MAX, description="Kun de N mest risikable (fra `offset`): sidens størrelse."),
]
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


def _risk_etag(
    conditional: Conditional,
    query: tuple[object, ...],
    facilities: str | None,
    run: tuple[int, dt.datetime | None, dt.date, str],
    fresh: tuple[bool, list[str]] = (False, []),
) -> str:
    """The list's ETag: the query (format, filters, page), the digest of the stored tilbud's names, socialtilsyn,
    types and ownership, the run (id, ``scored_at``, as-of date, model) and, for a list scored for this request,
    ``trained_now`` and the notes (a run read back from storage has neither)."""
    run_id, scored_at, as_of, model = run
    when = None if scored_at is None else scored_at.isoformat()
    return strong_etag("risk", conditional.authorised, *query, facilities, run_id, when, as_of, model, *fresh)


@router.get(
    "/risk",
    response_model=RiskListPublic,
    responses={**validated_responses({"text/csv": {}}, confidential=False), **error_responses(404, 409, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def get_risk(
    settings: SettingsDep,
    viewer: ViewerDep,
    conditional: ConditionalDep,
    response: Response,
    authority: AuthorityFilter = None,
    facility_type: FacilityTypeFilter = None,
    top: Top = None,
    offset: Offset = 0,
    as_of: RunAsOf = None,
    format: Annotated[Literal["json", "csv"], Query(description="json eller csv.")] = "json",
) -> Response | RiskListPublic:
    """The ranked risk list: the latest stored risk run (or the run of `as_of`). With none, a planner's request
    scores now (and trains a model if there is none) and stores the run; a reader's gets 409 `not_computed`, as
    does a planner's that another site's page made the browser send (`Sec-Fetch-Site: cross-site` or `same-site`).
    Data pushed after the run are not in it until a planner scores again (`POST /risk`); `run_id` and
    `scored_at` tell a new scoring. Paged with `offset` and `top`; `total` counts the whole list. With
    `If-None-Match`: 304 while the run, its `scored_at`, the tilbud's names and the query are the same."""
    query = (format, parse_authority(authority), parse_facility_type(facility_type), top, offset, as_of)
    version = list_version(settings, as_of)  # before the list: see ListVersion
    if version.run is not None:
        run = version.run
        etag = _risk_etag(
            conditional, query, version.facilities, (run.id, run.created_at, run.as_of, run.model_version)
        )
        if (unchanged := conditional.not_modified(etag, confidential=False)) is not None:
            return unchanged
    result = risk_list(
        settings,
        as_of=as_of,
        authority=authority,
        facility_type=facility_type,
        top=top,
        offset=offset,
        may_score=viewer.may_compute,
    )
    etag = _risk_etag(
        conditional,
        query,
        version.facilities,
        (result.run_id, result.scored_at, result.as_of, result.model_version),
        (result.trained_now, list(result.notes)),
    )
    headers = conditional.headers(etag, confidential=False)  # the list is the same for readers and planners
    if format == "csv":
        answer = _csv(result)
        answer.headers.update(headers)
        return answer
    response.headers.update(headers)
    return RiskListPublic.from_result(result)


@router.post(
    "/risk",
    status_code=201,
    response_model=RiskListPublic,
    responses=error_responses(409, 413, 422, 503),
)
def score_now(
    settings: SettingsDep,
    _: PlannerDep,
    authority: AuthorityFilter = None,
    facility_type: FacilityTypeFilter = None,
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
    responses={**validated_responses(confidential=False), **error_responses(404, 409, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def get_explanation(
    facility_id: FacilityId,
    settings: SettingsDep,
    viewer: ViewerDep,
    conditional: ConditionalDep,
    response: Response,
    as_of: DataAsOf = None,
) -> Response | ExplanationPublic:
    """Every factor of one facility's risk, in Danish, with its value and the comparison value (409
    `not_computed` for a reader when no model is trained as of the date). With `If-None-Match`: 304 while
    the explanation is the same."""
    explanation = risk_service.explain_facility(settings, facility_id, as_of, may_train=viewer.may_compute)
    answer = ExplanationPublic.from_explanation(explanation)
    return conditional.answer_content(response, "explanation", answer, confidential=False) or answer


@router.get(
    "/facilities/{facility_id:path}",
    response_model=FacilityPublic,
    responses={**validated_responses(confidential=False), **error_responses(404, 409, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def get_facility(
    facility_id: FacilityId, settings: SettingsDep, viewer: ViewerDep, conditional: ConditionalDep, response: Response
) -> Response | FacilityPublic:
    """Master data of one facility and its place in the latest risk list (with the top reasons); no risk for
    a reader when no run is stored yet. With `If-None-Match`: 304 while the answer is the same."""
    record = facility_record(settings, facility_id)
    try:
        scores = risk_list(settings, may_score=viewer.may_compute).scores
        rows = scores[scores["facility_id"] == facility_id].to_dict(orient="records")
    except NotComputedError:
        rows = []
    answer = FacilityPublic.from_record(record, RiskScorePublic.from_row(rows[0]) if rows else None)
    return conditional.answer_content(response, "facility", answer, confidential=False) or answer


@router.post("/model/train", status_code=201, response_model=TrainPublic, responses=error_responses(409, 413, 422, 503))
def train(settings: SettingsDep, _: PlannerDep, body: Annotated[TrainCreate | None, Body()] = None) -> TrainPublic:
    """Train the risk model on what was known before `as_of` (default today) and store it."""
    report = risk_service.train_model(settings, as_of=body.as_of if body else None)
    return TrainPublic.from_report(report)

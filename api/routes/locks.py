"""Locked (agreed) visits: list, lock, unlock — planners only (a lock's date may be an unannounced visit's)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.conditional import ConditionalDep
from api.deps import ApiRoute, PlannerDep, SettingsDep
from api.schemas import (
    IF_NONE_MATCH,
    FacilityId,
    LockCreate,
    LockPublic,
    PushPublic,
    error_responses,
    validated_responses,
)
from api.services import locks as lock_service
from data.dataset import to_records

router = APIRouter(tags=["locked visits"], route_class=ApiRoute)


@router.get(
    "/locked-visits",
    response_model=list[LockPublic],
    responses={**validated_responses(), **error_responses(404, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def list_locks(
    settings: SettingsDep,
    _: PlannerDep,
    conditional: ConditionalDep,
    response: Response,
    facility_id: Annotated[
        str | None, Query(description="Kun dette tilbuds låste besøg (404, når intet gemt tilbud har id'et).")
    ] = None,
) -> Response | list[LockPublic]:
    """Every locked visit (optionally one facility's: 404 `not_found` when no stored tilbud has the id), by date.
    With `If-None-Match`: 304 while they are the same (a lock or an unlock, here or in an import, changes the
    ETag)."""
    answer = [LockPublic(**r) for r in to_records(lock_service.locked_visits(settings, facility_id))]
    # an unannounced visit's day is confidential: never stored by a cache
    return conditional.answer_content(response, "locked-visits", answer, confidential=True) or answer


@router.post(
    "/locked-visits", status_code=201, response_model=PushPublic, responses=error_responses(409, 413, 422, 503)
)
def lock(body: LockCreate, settings: SettingsDep, _: PlannerDep) -> PushPublic:
    """Lock a visit; the importer's rules of `locked_visits.csv` apply, and the day must be a future working day."""
    outcome = lock_service.lock_visit(
        settings, body.facility_id, body.date, body.inspector_id, announced=body.announced
    )
    return PushPublic.from_summary("locked_visits", 1, outcome.summary)


@router.delete(
    "/locked-visits/{facility_id:path}/{day}",
    status_code=204,
    response_class=Response,
    responses=error_responses(404, 422, 503),
)
def unlock(
    facility_id: FacilityId,
    day: Annotated[dt.date, Path(description="Dagen for det låste besøg, ÅÅÅÅ-MM-DD.")],
    settings: SettingsDep,
    _: PlannerDep,
) -> Response:
    """Unlock a visit: the next plan or re-plan may move it."""
    lock_service.unlock_visit(settings, facility_id, day)
    return Response(status_code=204)

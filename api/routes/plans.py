"""Plan routes: create a plan, list plans, one plan's visits (confidential fields for planners only),
its analysis, and, for planners, the CSV export and the iCalendar file."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.conditional import ConditionalDep, strong_etag
from api.deps import ApiRoute, PlannerDep, SettingsDep, ViewerDep
from api.headers import content_disposition
from api.ics import calendar_visits, plan_calendar
from api.schemas import (
    IF_NONE_MATCH,
    PlanAnalysisPublic,
    PlanCreate,
    PlanId,
    PlanListItemPublic,
    PlanPublic,
    analysis_for_reader,
    error_responses,
    validated_responses,
    with_offset,
)
from api.services import imports
from api.services import plans as plan_service
from api.services.lookups import facility_names, inspector_names
from data.calendar import quarter_bounds
from data.errors import NotFoundError, shown_value
from data.glossary import format_date_da
from data.plan_store import PlanInfo, StoredPlan
from data.settings import Settings

router = APIRouter(tags=["plans"], route_class=ApiRoute)


def make_plan(settings: Settings, body: PlanCreate) -> StoredPlan:
    """Plan (shared by the API and the web form); the plan scores first when the stored risk run is not current
    (``api.services.risk.plan_risk_run``). The quarter and the socialtilsyn are checked first: a bad one must not
    cost a model training."""
    plan_service.check_plan_request(settings, body.quarter, body.authority, body.as_of)
    return plan_service.create_plan(
        settings,
        body.quarter,
        as_of=body.as_of,
        authority=body.authority,
        time_limit_s=body.time_limit_s,
        parent_plan_id=body.parent_plan_id,
        allow_late=body.allow_late,
    )


CREATED_PLAN: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "The plan, stored.",
        "headers": {
            "Location": {
                "description": "The new plan's address: `/api/v1/plans/{id}`.",
                "schema": {"type": "string", "example": "/api/v1/plans/7"},
            }
        },
    }
}


@router.post(
    "/plans",
    status_code=201,
    response_model=PlanPublic,
    responses={**CREATED_PLAN, **error_responses(404, 409, 413, 422, 503)},
)
async def create_plan(
    body: PlanCreate, settings: SettingsDep, _: PlannerDep, request: Request, response: Response
) -> PlanPublic:
    """Plan the quarter (and the horizon after it) from the latest risk run and store the plan version (201 with
    its address in `Location`)."""
    plan = await run_in_threadpool(make_plan, settings, body)
    response.headers["Location"] = str(request.app.url_path_for("get_plan", plan_id=str(plan.id)))
    changes = plan_service.replan_changes(settings, plan)
    return PlanPublic.from_stored(
        plan,
        plan_service.visits_for_reader(plan, True),
        True,
        None if changes is None else changes.as_dict(),
        plan_service.plan_data_changes(settings, plan),
    )


def _version(info: PlanInfo) -> dict[str, object]:
    """What names a stored plan version (it never changes once stored; the time tells a recreated database's
    plan of the same id)."""
    return {
        "id": info.id,
        "created_at": info.created_at.isoformat(),
        "quarter": info.quarter,
        "as_of": info.as_of.isoformat(),
        "authority": info.authority,
        "status": info.status,
        "parent_id": info.parent_id,
        "visit_count": info.visit_count,
    }


@router.get(
    "/plans",
    response_model=list[PlanListItemPublic],
    responses={**validated_responses(), **error_responses(503)},
    openapi_extra=IF_NONE_MATCH,
)
def list_plans(
    settings: SettingsDep, viewer: ViewerDep, conditional: ConditionalDep, response: Response
) -> Response | list[PlanListItemPublic]:
    """Every stored plan version, newest first, each with `data_status`: whether the data changed since in a way
    that matters to it, as `data_changes.status` of `GET /plans/{id}` says it to the viewer (`changed`: re-plan).
    With `If-None-Match`: 304 until a plan is added or a plan's `data_status` changes."""
    infos = plan_service.plans(settings)
    freshness = plan_service.plans_freshness(settings, infos, viewer.authorised)
    answer = [PlanListItemPublic.from_listed(info, freshness[info.id]) for info in infos]
    # a planner's data_status may come from a change of an unannounced visit, which a reader's leaves out
    return conditional.answer_content(response, "plans", answer, confidential=viewer.authorised) or answer


@router.get(
    "/plans/{plan_id}",
    response_model=PlanPublic,
    responses={**validated_responses(), **error_responses(404, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def get_plan(
    plan_id: PlanId,
    settings: SettingsDep,
    viewer: ViewerDep,
    conditional: ConditionalDep,
    response: Response,
    quarter: Annotated[
        str | None, Query(description="Kun besøgene i dette kvartal, `YYYYQn` eller `YYYYKn` (planen dækker 8).")
    ] = None,
    inspector_id: Annotated[
        str | None,
        Query(description="Kun denne tilsynskonsulents besøg (for læsere: kun anmeldte; de uanmeldtes er skjult)."),
    ] = None,
) -> Response | PlanPublic:
    """A plan's visits; readers see an unannounced visit's quarter only (no date, week or inspector). `quarter`
    and `inspector_id` keep only those visits (`visit_count` still counts the whole plan); a quarter the plan's
    horizon does not cover is 422 `invalid_argument` naming the quarters it covers. `data_changes` says whether the
    data changed since the plan was made and what that matters to it. A plan never changes: with `If-None-Match`
    the answer is 304 (its ETag names the plan, the filters, the viewer's role and what `data_changes` is read from:
    the newest import, the locked visits, the days off and today)."""
    version = plan_service.plan_version(settings, plan_id)
    if inspector_id is not None and inspector_id not in inspector_names(settings):
        raise NotFoundError(f"Tilsynskonsulent '{shown_value(inspector_id)}' findes ikke i databasen.")
    wanted = None if quarter is None else plan_service.plan_quarter(settings, version, quarter)
    stamp = plan_service.data_changes_stamp(settings)
    etag = strong_etag("plan", viewer.authorised, _version(version), wanted, inspector_id, stamp)
    if (unchanged := conditional.answer(response, etag, confidential=True)) is not None:
        return unchanged  # before reading thousands of visits
    plan = plan_service.show_plan(settings, plan_id)
    visits = plan_service.select_visits(
        plan, plan_service.visits_for_reader(plan, viewer.authorised), viewer.authorised, quarter, inspector_id
    )
    changes = plan_service.replan_changes(settings, plan)
    data_changes = plan_service.plan_data_changes(settings, plan)
    return PlanPublic.from_stored(
        plan, visits, viewer.authorised, None if changes is None else changes.as_dict(), data_changes
    )


@router.get(
    "/plans/{plan_id}/analysis",
    response_model=None,  # the stored analysis as it is (an older plan may lack a field): documented, not validated
    responses={**validated_responses(model=PlanAnalysisPublic), **error_responses(404, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def get_analysis(
    plan_id: PlanId, settings: SettingsDep, viewer: ViewerDep, conditional: ConditionalDep, response: Response
) -> Response | dict[str, Any]:
    """The cost of each rule, the solver's bound and gap, overdue facilities, the rotation comparison."""
    # "analysis/2": a reader's answer lost the costs that price single visits' weeks (5c670f1), so an ETag saved
    # before must not answer 304 over the old body
    etag = strong_etag("analysis/2", viewer.authorised, _version(plan_service.plan_version(settings, plan_id)))
    if (unchanged := conditional.answer(response, etag, confidential=True)) is not None:
        return unchanged
    plan = plan_service.show_plan(settings, plan_id)
    return analysis_for_reader(plan.analysis, viewer.authorised, plan_service.announced_by_inspector(plan))


@router.get(
    "/plans/{plan_id}/export.csv",
    response_class=Response,
    responses={**validated_responses({"text/csv": {}}), **error_responses(404, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def export_csv(plan_id: PlanId, settings: SettingsDep, _: PlannerDep, conditional: ConditionalDep) -> Response:
    """Every visit of the horizon, one row a visit (unannounced dates included: planners only)."""
    etag = strong_etag("export", _version(plan_service.plan_version(settings, plan_id)))
    if (unchanged := conditional.not_modified(etag, confidential=True)) is not None:
        return unchanged
    plan = plan_service.show_plan(settings, plan_id)
    with tempfile.TemporaryDirectory(prefix="tilsynsplan-export-") as folder:
        text = plan_service.export_plan_csv(plan, Path(folder) / "plan.csv").read_text(encoding="utf-8")
    disposition = f'attachment; filename="plan-{plan_id}-{plan.quarter}.csv"'
    headers = {"Content-Disposition": disposition, **conditional.headers(etag, confidential=True)}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get(
    "/plans/{plan_id}/calendar.ics",
    response_class=Response,
    responses={**validated_responses({"text/calendar": {}}), **error_responses(404, 422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def calendar(
    plan_id: PlanId,
    settings: SettingsDep,
    _: PlannerDep,
    conditional: ConditionalDep,
    inspector_id: Annotated[str | None, Query(description="Kun denne tilsynskonsulents besøg.")] = None,
) -> Response:
    """The plan's visits as all-day events (one inspector's with `inspector_id`). Importing the calendar of a
    re-plan or of the next quarter's plan moves the events (a UID a visit, not a plan); visits of the parent plan
    this plan no longer has come as cancelled events; visits after the plan's quarter are tentative. With
    `If-None-Match`: 304 while the plan (never changed) and the stored names of tilbud and inspectors are the same."""
    version = plan_service.plan_version(settings, plan_id)
    newest = imports.newest_import(
        settings
    )  # names come from the stored tilbud and inspectors: only imports change them
    names, inspectors = facility_names(settings), inspector_names(settings)
    if inspector_id is not None and inspector_id not in inspectors:
        raise NotFoundError(f"Tilsynskonsulent '{shown_value(inspector_id)}' findes ikke i databasen.")
    etag = strong_etag("calendar", _version(version), inspector_id, newest)
    if (unchanged := conditional.not_modified(etag, confidential=True)) is not None:
        return unchanged
    plan = plan_service.show_plan(settings, plan_id)
    visits = calendar_visits(plan.visits, names, inspector_id)
    cancelled = []
    if plan.parent_id is not None:
        start = max(quarter_bounds(plan.quarter)[0], plan.as_of)
        kept = {v.uid for v in visits}
        parent = plan_service.show_plan(settings, plan.parent_id)
        cancelled = [
            v for v in calendar_visits(parent.visits, names, inspector_id) if v.date >= start and v.uid not in kept
        ]
    who = f" — {inspectors[inspector_id]}" if inspector_id else ""
    last = max((v.date for v in visits), default=None)
    until = (
        f", foreløbigt til {format_date_da(last)}"
        if last is not None and last > quarter_bounds(plan.quarter)[1]
        else ""
    )
    title = f"Tilsynsplan {plan.quarter.replace('Q', 'K')} (plan {plan_id}{until}){who}"
    # DTSTAMP: when this content was made (the plan, or the import that last renamed a tilbud or inspector), not
    # the request's time, so that one ETag names one body
    made = max(plan.created_at, newest[1]) if newest is not None else plan.created_at
    stamp = with_offset(made).astimezone(dt.UTC)
    data = plan_calendar(
        plan_id, visits, inspectors, title=title, quarter=plan.quarter, cancelled=cancelled, stamp=stamp
    )
    filename = f"plan-{plan_id}{'-' + inspector_id if inspector_id else ''}.ics"
    headers = {
        "Content-Disposition": content_disposition("attachment", filename),
        **conditional.headers(etag, confidential=True),
    }
    return Response(data, media_type="text/calendar; charset=utf-8", headers=headers)

"""Plan routes: create a plan, list plans, one plan's visits (confidential fields for planners only),
its analysis, and, for planners, the CSV export and the iCalendar file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import PlannerDep, SettingsDep, ViewerDep
from api.headers import content_disposition
from api.ics import calendar_visits, plan_calendar
from api.schemas import PlanCreate, PlanId, PlanPublic, PlanSummaryPublic, analysis_for_reader, error_responses
from api.services import plans as plan_service
from api.services.lookups import facility_names, inspector_names
from api.services.risk_lists import ensure_risk_run
from data.calendar import quarter_bounds
from data.errors import NotFoundError, shown_value
from data.glossary import format_date_da
from data.plan_store import StoredPlan
from data.settings import Settings

router = APIRouter(tags=["plans"])


def make_plan(settings: Settings, body: PlanCreate) -> StoredPlan:
    """Score first when no risk run exists yet, then plan (shared by the API and the web form). The quarter and
    the socialtilsyn are checked first: a bad one must not cost a model training."""
    plan_service.check_plan_request(settings, body.quarter, body.authority, body.as_of)
    ensure_risk_run(settings, body.as_of)
    return plan_service.create_plan(
        settings,
        body.quarter,
        as_of=body.as_of,
        authority=body.authority,
        time_limit_s=body.time_limit_s,
        parent_plan_id=body.parent_plan_id,
        allow_late=body.allow_late,
    )


@router.post("/plans", status_code=201, response_model=PlanPublic, responses=error_responses(404, 409, 422, 503))
async def create_plan(body: PlanCreate, settings: SettingsDep, _: PlannerDep) -> PlanPublic:
    """Plan the quarter (and the horizon after it) from the latest risk run and store the plan version."""
    plan = await run_in_threadpool(make_plan, settings, body)
    changes = plan_service.replan_changes(settings, plan)
    return PlanPublic.from_stored(
        plan, plan_service.visits_for_reader(plan, True), True, None if changes is None else changes.as_dict()
    )


@router.get("/plans", response_model=list[PlanSummaryPublic], responses=error_responses(503))
def list_plans(settings: SettingsDep) -> list[PlanSummaryPublic]:
    """Every stored plan version, newest first."""
    return [PlanSummaryPublic.from_info(info) for info in plan_service.plans(settings)]


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=error_responses(404, 422, 503))
def get_plan(
    plan_id: PlanId,
    settings: SettingsDep,
    viewer: ViewerDep,
    quarter: Annotated[
        str | None, Query(description="Kun besøgene i dette kvartal, `YYYYQn` eller `YYYYKn` (planen dækker 8).")
    ] = None,
    inspector_id: Annotated[
        str | None,
        Query(description="Kun denne tilsynskonsulents besøg (for læsere: kun anmeldte; de uanmeldtes er skjult)."),
    ] = None,
) -> PlanPublic:
    """A plan's visits; readers see an unannounced visit's quarter only (no date, week or inspector). `quarter`
    and `inspector_id` keep only those visits (`visit_count` still counts the whole plan)."""
    plan = plan_service.show_plan(settings, plan_id)
    if inspector_id is not None and inspector_id not in inspector_names(settings):
        raise NotFoundError(f"Tilsynskonsulent '{shown_value(inspector_id)}' findes ikke i databasen.")
    visits = plan_service.select_visits(
        plan, plan_service.visits_for_reader(plan, viewer.authorised), viewer.authorised, quarter, inspector_id
    )
    changes = plan_service.replan_changes(settings, plan)
    return PlanPublic.from_stored(plan, visits, viewer.authorised, None if changes is None else changes.as_dict())


@router.get("/plans/{plan_id}/analysis", response_model=dict[str, Any], responses=error_responses(404, 422, 503))
def get_analysis(plan_id: PlanId, settings: SettingsDep, viewer: ViewerDep) -> dict[str, Any]:
    """The cost of each rule, the solver's bound and gap, overdue facilities, the rotation comparison."""
    plan = plan_service.show_plan(settings, plan_id)
    return analysis_for_reader(plan.analysis, viewer.authorised)


@router.get(
    "/plans/{plan_id}/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(404, 422, 503)},
)
def export_csv(plan_id: PlanId, settings: SettingsDep, _: PlannerDep) -> Response:
    """Every visit of the horizon, one row a visit (unannounced dates included: planners only)."""
    plan = plan_service.show_plan(settings, plan_id)
    with tempfile.TemporaryDirectory(prefix="tilsynsplan-export-") as folder:
        text = plan_service.export_plan_csv(plan, Path(folder) / "plan.csv").read_text(encoding="utf-8")
    disposition = f'attachment; filename="plan-{plan_id}-{plan.quarter}.csv"'
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


@router.get(
    "/plans/{plan_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **error_responses(404, 422, 503)},
)
def calendar(
    plan_id: PlanId,
    settings: SettingsDep,
    _: PlannerDep,
    inspector_id: Annotated[str | None, Query(description="Kun denne tilsynskonsulents besøg.")] = None,
) -> Response:
    """The plan's visits as all-day events (one inspector's with `inspector_id`). Importing the calendar of a
    re-plan or of the next quarter's plan moves the events (a UID a visit, not a plan); visits of the parent plan
    this plan no longer has come as cancelled events; visits after the plan's quarter are tentative."""
    plan = plan_service.show_plan(settings, plan_id)
    names, inspectors = facility_names(settings), inspector_names(settings)
    if inspector_id is not None and inspector_id not in inspectors:
        raise NotFoundError(f"Tilsynskonsulent '{inspector_id}' findes ikke i databasen.")
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
    data = plan_calendar(plan_id, visits, inspectors, title=title, quarter=plan.quarter, cancelled=cancelled)
    filename = f"plan-{plan_id}{'-' + inspector_id if inspector_id else ''}.ics"
    return Response(
        data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": content_disposition("attachment", filename)},
    )

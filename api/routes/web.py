"""The Danish web pages for planners and leaders (server-rendered; errors go through the one handler,
which renders ``web/error.html`` for these paths)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    PlannerDep,
    SettingsDep,
    ViewerDep,
    from_another_origin,
    known_token,
)
from api.errors import ApiError, computed_nothing_here, wants_html
from api.forms import submit_once
from api.headers import content_disposition
from api.pages import (
    FormError,
    PlanFormValues,
    PlansPage,
    authority_choices,
    overview_page,
    plan_request_from_form,
    plans_page,
    render_page,
    render_report_page,
    risk_filter_options,
    web_words,
)
from api.routes.data import check_or_import
from api.routes.plans import make_plan
from api.schemas import PlanId, UploadPublic
from api.services import plans as plan_service
from api.services import reports, web_state
from api.services.lookups import facility_names, inspector_names
from api.services.risk_lists import risk_list
from data.authorities import parse_authority, parse_facility_type
from data.errors import ForbiddenError, NotFoundError, TilsynsplanError, ValidationFailed
from reports.spreadsheet import plan_csv_da, risk_list_csv_da

router = APIRouter(include_in_schema=False)


def _page(template: str, authorised: bool, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_page(template, authorised=authorised, **context), status_code=status_code)


def _local_path(target: str) -> str:
    """Only redirect within the app (``/planer/3``), never to another site."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _to_login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


@router.get("/", response_class=HTMLResponse)
def overview(settings: SettingsDep, viewer: ViewerDep) -> HTMLResponse:
    return _page(
        "web/index.html",
        viewer.authorised,
        title="Overblik",
        active="/",
        page=overview_page(settings, viewer.authorised),
    )


@router.get("/risiko", response_class=HTMLResponse)
def risk_page(
    settings: SettingsDep, viewer: ViewerDep, authority: str | None = None, facility_type: str | None = None
) -> HTMLResponse:
    """The risk list (the latest stored run) with filters by authority and type (a bad filter is named first,
    before a reader is told that no run is stored)."""
    parse_authority(authority)
    parse_facility_type(facility_type)
    scores = risk_list(settings, may_score=viewer.may_compute)
    report = reports.risk_report(settings, authority, facility_type, result=scores)
    options = risk_filter_options(authority, facility_type, authority_choices(settings), len(report.rows))
    html = render_report_page(
        report, authorised=viewer.authorised, active="/risiko", above="web/_risk_filters.html", options=options
    )
    return HTMLResponse(html)


@router.get("/risiko.csv")
def risk_spreadsheet(
    settings: SettingsDep, viewer: ViewerDep, authority: str | None = None, facility_type: str | None = None
) -> Response:
    """The risk list of ``/risiko`` (same filters, same numbers) as a CSV for Danish Excel: UTF-8 with BOM,
    ``;``, decimal comma, Danish columns and labels. The API's ``/api/v1/risk?format=csv`` is for case
    systems."""
    parse_authority(authority)
    parse_facility_type(facility_type)
    scores = risk_list(settings, may_score=viewer.may_compute)
    report = reports.risk_report(settings, authority, facility_type, result=scores)
    name = f"risikoliste-{report.as_of.isoformat()}.csv"
    return Response(
        risk_list_csv_da(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition("attachment", name)},
    )


@router.get("/tilbud/{facility_id:path}", response_class=HTMLResponse)
def facility_page(facility_id: str, settings: SettingsDep, viewer: ViewerDep) -> HTMLResponse:
    """One facility's profile; the next planned visit only for planners."""
    report = reports.facility_report(settings, facility_id, authorised=viewer.authorised, may_train=viewer.may_compute)
    notes = report.notes
    if viewer.authorised and not viewer.may_compute:  # a planner's page another site sent: why there is no risk
        notes = tuple(computed_nothing_here(note) for note in notes)
    report = dataclasses.replace(report, notes=tuple(web_words(note) for note in notes))
    return HTMLResponse(render_report_page(report, authorised=viewer.authorised, active="/risiko"))


@router.get("/modelkort", response_class=HTMLResponse)
def model_card_page(settings: SettingsDep, viewer: ViewerDep) -> HTMLResponse:
    report = reports.model_report(settings)
    return HTMLResponse(render_report_page(report, authorised=viewer.authorised, active="/modelkort"))


@router.get("/planer", response_class=HTMLResponse)
def plans_list_page(settings: SettingsDep, viewer: ViewerDep) -> HTMLResponse:
    """Every stored plan; planners also get the form for a new plan."""
    return _plans_page(plans_page(settings, viewer.authorised), viewer.authorised)


def _plans_page(page: PlansPage, authorised: bool, status_code: int = 200) -> HTMLResponse:
    return _page(
        "web/plans.html",
        authorised,
        status_code,
        title="Besøgsplaner",
        active="/planer",
        page=page,
        form_token=web_state.new_form_token(),
    )


@router.post("/planer", response_class=HTMLResponse)
async def create_plan(
    settings: SettingsDep,
    _: PlannerDep,
    quarter: Annotated[str, Form()] = "",
    authority: Annotated[str, Form()] = "",
    time_limit_s: Annotated[str, Form()] = "",
    allow_late: Annotated[str, Form()] = "",
    form_token: Annotated[str, Form()] = "",
) -> Response:
    """Make a plan (as POST /api/v1/plans) and show it. The form is sent once: a second send of the same form
    (a double-click, a reload) makes no second plan and shows the first one's. An error is shown on the form,
    beside its field, with what was typed kept."""

    late = bool(allow_late.strip())  # the checkbox: sent (any value) when ticked

    async def build() -> str:
        request = plan_request_from_form(quarter, authority, time_limit_s, settings.effective_today(), late)
        plan = await run_in_threadpool(make_plan, settings, request)
        return f"/planer/{plan.id}"

    values = "|".join((quarter, authority, time_limit_s, *(["late"] if late else [])))
    try:
        sent = await submit_once(settings, form_token, "plan", build, values=values)
    except TilsynsplanError as error:
        page = plans_page(settings, True, PlanFormValues(quarter, authority, time_limit_s, late), FormError.of(error))
        response = _plans_page(page, True, error.http_status)
        if error.retry_after_s is not None:
            response.headers["Retry-After"] = str(error.retry_after_s)
        return response
    return RedirectResponse(sent.result, status_code=303)


@router.get("/planer/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: PlanId, settings: SettingsDep, viewer: ViewerDep) -> HTMLResponse:
    """The quarterly plan; unannounced dates only for planners."""
    try:
        report = reports.plan_report(settings, plan_id, authorised=viewer.authorised)
    except NotFoundError as error:
        if not error.message.startswith(f"Planen {plan_id} findes ikke") or not wants_html(request):
            raise
        # the store's message sends a CLI user to 'tilsynsplan plan list'; a browser user has the plan list
        missing = ApiError(404, NotFoundError.code, f"Planen {plan_id} findes ikke. Se de gemte planer under Planer.")
        return _page(
            "web/error.html",
            viewer.authorised,
            404,
            title="Findes ikke",
            error=missing,
            message=missing.message,
            detail_rows=[],
            login_url=None,
            violations=False,
            back=None,
            links=[("/planer", "Se de gemte planer")],
        )
    html = render_report_page(
        report, authorised=viewer.authorised, active="/planer", above="web/_plan_links.html", plan_id=plan_id
    )
    return HTMLResponse(html)


@router.get("/planer/{plan_id}/plan.csv")
def plan_spreadsheet(plan_id: PlanId, settings: SettingsDep, _: PlannerDep) -> Response:
    """Every visit of the plan's horizon as a CSV for Danish Excel (as ``/risiko.csv``: BOM, ``;``, Danish
    columns, names and words). Unannounced dates: planners only. The API's ``export.csv`` is for case systems."""
    plan = plan_service.show_plan(settings, plan_id)
    data = plan_csv_da(plan.visits, facility_names(settings), inspector_names(settings))
    name = f"plan-{plan_id}-{plan.quarter.replace('Q', 'K')}.csv"
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition("attachment", name)},
    )


def _came_from(request: Request) -> str:
    """The page of this site the browser came from (its ``Referer``), for a login without ``next``: every page's "Log
    ind" returns to that page. Another site's page, the login page itself or no ``Referer``: the overview."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.path.startswith(("/login", "/logout")):
        return "/"
    return _local_path(referer.path + (f"?{referer.query}" if referer.query else ""))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, viewer: ViewerDep, next: str | None = None) -> HTMLResponse:
    target = _local_path(next) if next is not None else _came_from(request)
    return _page("web/login.html", viewer.authorised, title="Log ind", next=target, message=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, settings: SettingsDep, token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    """A known token starts a new session (a random id in the cookie, stored server-side). A form sent without a
    token is shown again asking for it (it was a generic error page naming the field 'token'). A form another site's
    page sent is refused (login CSRF: the browser would get a session it did not ask for)."""
    if from_another_origin(request):
        raise ForbiddenError(
            "Log ind blev sendt fra en side på et andet websted og er afvist. Log ind på Tilsynsplans egen side, "
            "/login."
        )
    if not token.strip():
        message = "Skriv det token, du har fået af administratoren."
        return _page("web/login.html", False, 422, title="Log ind", next=_local_path(next), message=message)
    if not known_token(settings, token.strip()):
        message = "Forkert token. Prøv igen, eller kontakt administratoren, hvis du ikke har et gyldigt token."
        return _page("web/login.html", False, 401, title="Log ind", next=_local_path(next), message=message)
    response = RedirectResponse(_local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        web_state.start_session(settings, token.strip()),
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_page(viewer: ViewerDep) -> HTMLResponse:
    """A link cannot log anyone out (a page could embed it): this page only offers the button."""
    return _page("web/logout.html", viewer.authorised, title="Log ud")


@router.post("/logout")
def logout(request: Request, settings: SettingsDep) -> Response:
    """End the session on the server (a copy of the cookie no longer works) and in the browser. Another site's page
    cannot log a planner out: its form is refused (``Sec-Fetch-Site``, as every cookie-authenticated write), and a
    request without the session cookie (a browser that sends no ``Sec-Fetch-Site`` leaves the SameSite=Lax cookie
    out of another site's post) deletes no cookie."""
    if from_another_origin(request):
        raise ForbiddenError(
            "Log ud blev sendt fra en side på et andet websted og er afvist: du er stadig logget ind. Log ud med "
            "knappen „Log ud“ på Tilsynsplans egne sider."
        )
    response = RedirectResponse("/", status_code=303)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if cookie:
        web_state.end_session(settings, cookie)
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
        response.headers["Clear-Site-Data"] = '"cache"'  # pages a planner saw (unannounced dates) leave the browser
    return response


@router.get("/upload", response_class=HTMLResponse)
def upload_form(viewer: ViewerDep) -> Response:
    if not viewer.authorised:
        return _to_login("/upload")
    return _upload_page(result=None)


def _upload_page(status_code: int = 200, **context: Any) -> HTMLResponse:
    for name, default in (("already", None), ("error", None), ("violations", []), ("chosen", []), ("dry_run", False)):
        context.setdefault(name, default)
    result: UploadPublic | None = context.get("result")
    if result is not None:  # a warning says what to do in the pages' words (the API's keeps the command)
        warnings = [w.model_copy(update={"message": web_words(w.message)}) for w in result.warnings]
        context["result"] = result.model_copy(update={"warnings": warnings})
    return _page(
        "web/upload.html",
        True,
        status_code,
        title="Upload data",
        active="/upload",
        form_token=web_state.new_form_token(),
        **context,
    )


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, settings: SettingsDep, _: PlannerDep) -> HTMLResponse:
    """An import is made once per form: a second send of the same form stores nothing and says which import
    holds the files. A refused upload is shown on the form's page: the message tied to the file field, every
    violation in a table (file, row, column, value, message), the choices kept."""
    form = await request.form()
    files = [part for part in form.getlist("files") if isinstance(part, UploadFile)]
    dry_run = str(form.get("dry_run", "")).lower() in {"true", "on", "1"}
    names = [f.filename for f in files if f.filename]
    try:
        if dry_run:
            return _upload_page(result=await check_or_import(settings, files, dry_run), dry_run=True)
        stored: list[UploadPublic] = []

        async def store() -> str:
            stored.append(await check_or_import(settings, files, dry_run))
            return f"import:{stored[0].batch_id}"

        sizes = "|".join(sorted(f"{f.filename}:{f.size}" for f in files))
        sent = await submit_once(settings, str(form.get("form_token", "")), "upload", store, values=sizes)
    except TilsynsplanError as error:
        return _upload_page(
            error.http_status,
            result=None,
            error=FormError(web_words(error.message), "files"),
            violations=error.details if isinstance(error, ValidationFailed) else [],
            chosen=names,
            dry_run=dry_run,
        )
    if sent.first:
        return _upload_page(result=stored[0])
    return _upload_page(result=None, already=int(sent.result.removeprefix("import:")))

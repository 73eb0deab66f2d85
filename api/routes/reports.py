"""Report routes: the four reports of ``reports/`` as HTML or PDF (the same files ``tilsynsplan report``
writes). Unannounced visit dates appear only for authorised readers."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.asgi import is_head
from api.deps import ApiRoute, SettingsDep, ViewerDep
from api.headers import content_disposition
from api.schemas import (
    DATABASE_INT_MAX,
    AuthorityFilter,
    DataAsOf,
    FacilityId,
    FacilityTypeFilter,
    PlanId,
    RunAsOf,
    error_responses,
)
from api.services import reports
from api.services.risk_lists import risk_list
from data.errors import ServerBusyError
from data.glossary import format_number_da
from reports.context import ReportContext
from reports.pdf import CHILD_FROM_CHARS

router = APIRouter(tags=["reports"], route_class=ApiRoute)

ReportFormat = Annotated[Literal["html", "pdf"], Query(description="html (standard) eller pdf.")]
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "The report."},
    **error_responses(404, 409, 422, 503),
}


#: PDF reports rendered at once by one server process, in each of two lanes: long ones (HTML of
#: :data:`LONG_PDF_CHARS` or more: a plan, a risk list of a few hundred tilbud, made in a child process) and short ones
#: (a Tilbudsprofil, the Modelkort, a top 100: about a second). WeasyPrint is CPU-bound (the national risk list takes
#: most of a minute on one core), so a few readers asking for it at once would starve every other request; one long
#: PDF at a time leaves the other core to the rest of the server. A leader's Tilbudsprofil waited behind it, up to
#: a minute and then 503; a short PDF now waits only for another short one.
PDF_AT_ONCE = 1
#: Seconds a PDF request waits for its turn before it is answered 503 ``server_busy`` with ``Retry-After``.
PDF_WAIT_S = 60.0
#: A PDF whose HTML has this many characters or more is long (the same line as ``reports.pdf``'s child process).
LONG_PDF_CHARS = CHILD_FROM_CHARS
_pdf_turns = {long: threading.BoundedSemaphore(PDF_AT_ONCE) for long in (True, False)}


def report_response(context: ReportContext, fmt: Literal["html", "pdf"], name: str, *, head: bool = False) -> Response:
    """The report as ``fmt``. ``head`` (the client sent ``HEAD``): the headers the ``GET`` answers, without rendering
    (a national PDF takes about a minute), and without ``Content-Length``, which only rendering would know."""
    disposition = content_disposition("inline", f"{name}.{fmt}")
    if head:
        response = Response(media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})
        del response.headers["content-length"]
        return response
    if fmt == "pdf":
        html = reports.report_html(context)  # before the turn: its length says which lane (0.3 s for the national list)
        turn = _pdf_turns[len(html) >= LONG_PDF_CHARS]
        if not turn.acquire(timeout=PDF_WAIT_S):
            raise ServerBusyError(
                f"Serveren laver allerede en PDF-rapport og har ventet {format_number_da(PDF_WAIT_S, 0)} sekunder på "
                "tur; prøv igen om lidt, eller hent rapporten som HTML (format=html) eller med top=N, som er hurtigere."
            )
        try:
            data = reports.pdf_of_html(html)
        finally:
            turn.release()
    else:
        data = reports.render_report(context, fmt)
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


@router.get("/reports/risk", response_class=Response, responses=RESPONSES)
def risk_report(
    request: Request,
    settings: SettingsDep,
    viewer: ViewerDep,
    authority: AuthorityFilter = None,
    facility_type: FacilityTypeFilter = None,
    as_of: RunAsOf = None,
    top: Annotated[
        int | None,
        Query(
            ge=1,
            le=DATABASE_INT_MAX,
            description="Kun de N mest risikable i tabellen; tal og grafer dækker hele listen.",
        ),
    ] = None,
    format: ReportFormat = "html",
) -> Response:
    """Risikoliste: the latest stored risk run (or the run of `as_of`), filtered, with the fairness box;
    `top` keeps the table to the N riskiest (as `tilsynsplan report risk --top`: a short PDF)."""
    scores = risk_list(settings, as_of=as_of, may_score=viewer.may_compute)
    context = reports.risk_report(settings, authority, facility_type, result=scores, top=top)
    return report_response(context, format, f"risikoliste-{scores.as_of.isoformat()}", head=is_head(request))


@router.get("/reports/model", response_class=Response, responses=RESPONSES)
def model_report(
    request: Request,
    settings: SettingsDep,
    version: Annotated[
        str | None, Query(description="En modelversion, fx fra `POST /model/train` (standard: den nyeste).")
    ] = None,
    format: ReportFormat = "html",
) -> Response:
    """Modelkort: data window, features, metrics against the baselines, calibration, offsets, audit."""
    context = reports.model_report(settings, version)
    return report_response(context, format, "modelkort", head=is_head(request))


@router.get("/reports/facility/{facility_id:path}", response_class=Response, responses=RESPONSES)
def facility_report(
    request: Request,
    facility_id: FacilityId,
    settings: SettingsDep,
    viewer: ViewerDep,
    as_of: DataAsOf = None,
    format: ReportFormat = "html",
) -> Response:
    """Tilbudsprofil; the next planned visit only for authorised readers."""
    context = reports.facility_report(
        settings, facility_id, as_of=as_of, authorised=viewer.authorised, may_train=viewer.may_compute
    )
    return report_response(context, format, f"tilbud-{facility_id}", head=is_head(request))


@router.get("/reports/plan/{plan_id}", response_class=Response, responses=RESPONSES)
def plan_report(
    request: Request, plan_id: PlanId, settings: SettingsDep, viewer: ViewerDep, format: ReportFormat = "html"
) -> Response:
    """Kvartalsplan; unannounced dates only for authorised readers."""
    context = reports.plan_report(settings, plan_id, authorised=viewer.authorised)
    return report_response(context, format, f"plan-{plan_id}", head=is_head(request))

"""Report services: build a report's context from the stored data, model and plans, render it as HTML
or PDF, write it to a file. Shared by ``tilsynsplan report`` and the web app (which serves the same HTML).

- :func:`risk_report` -> ``RiskListContext`` (scores every active facility as of a date, or uses a
  ``ScoreResult`` the caller already has; the change is measured against the newest stored run from
  an earlier quarter);
- :func:`facility_report` -> ``FacilityProfileContext`` (the next planned visit only when ``authorised``;
  an unknown id is refused before anything is loaded, and what every profile compares with -- the stored
  data, the national scoring, the theme values -- is kept between calls by :mod:`api.services.national`);
- :func:`plan_report` -> ``PlanReportContext`` (unannounced dates only when ``authorised``);
- :func:`model_report` -> ``ModelCardContext``;
- :func:`render_report` (context, ``"html"`` | ``"pdf"``) -> bytes; :func:`report_format` (a file
  name's extension -> format); :func:`write_report` does it all for one file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.services.national import stored_data
from api.services.plans import load_stored_plan, plan_data_changes, show_plan
from api.services.risk import ScoreResult, explain_stored, score_facilities
from data.authorities import parse_authority, parse_facility_type
from data.calendar import quarter_bounds, quarter_of
from data.db import PlanRow, PlanVisitRow
from data.enums import VisitKind
from data.errors import InvalidArgumentError, NotComputedError, NotFoundError, shown_value
from data.lock_store import load_locked_visits
from data.plan_store import StoredPlan
from data.risk_store import previous_risk_run
from data.settings import Settings
from data.store import database, facility_exists, load_reference_data
from models.risk_model import ELEVATED_TIER_SHARE
from models.store import list_models, load_model
from planner.analysis import LOCK_REASON
from reports.build import (
    build_facility_profile,
    build_model_card,
    build_plan_report,
    build_risk_list,
)
from reports.context import (
    DataChangesNotice,
    FacilityProfileContext,
    ModelCardContext,
    NextVisit,
    PlanReportContext,
    ReportContext,
    RiskListContext,
)
from reports.html import render_html
from reports.pdf import html_to_pdf

log = logging.getLogger(__name__)

Format = Literal["html", "pdf"]
Kind = Literal["risk", "facility", "plan", "model"]
KINDS: tuple[str, ...] = ("risk", "facility", "plan", "model")
EXTENSIONS: dict[str, Format] = {".html": "html", ".htm": "html", ".pdf": "pdf"}


# --- arguments ---------------------------------------------------------------------------------------


def report_format(out: Path) -> Format:
    """The format a file name asks for (``.html``/``.htm`` or ``.pdf``); anything else is refused."""
    fmt = EXTENSIONS.get(out.suffix.lower())
    if fmt is None:
        shown = out.suffix or "(ingen)"
        raise InvalidArgumentError(
            f"Ukendt filtype '{shown}' for rapporten '{out.name}'. Tilladt: {', '.join(EXTENSIONS)}."
        )
    return fmt


#: The ``NoDataError`` message when there is no database yet (a report never creates one).
NO_DATABASE = "Der er ingen database endnu. Importér data først med 'tilsynsplan import MAPPE'."


def _model_kind(settings: Settings, version: str) -> str:
    for card in list_models(settings):
        if str(card.get("version")) == version:
            return str(card.get("kind", "lightgbm"))
    return "lightgbm"


# --- Risikoliste -------------------------------------------------------------------------------------


def risk_report(
    settings: Settings,
    authority: str | None = None,
    facility_type: str | None = None,
    as_of: dt.date | None = None,
    *,
    result: ScoreResult | None = None,
    top: int | None = None,
) -> RiskListContext:
    """The risk list (national, or one authority's and/or one type's), riskiest first.

    Scores every active facility as of ``as_of`` (default today; stores the run) unless ``result``
    (national scores, e.g. the stored run the web app serves) is given. The change is measured against
    the newest stored run dated before the quarter of the scores.
    """
    auth = parse_authority(authority)
    ftype = parse_facility_type(facility_type)
    if top is not None and top < 1:
        raise InvalidArgumentError(f"--top skal være et positivt heltal, ikke {top}.")
    if result is None:
        result = score_facilities(settings, as_of=as_of)
    with database(settings, missing=NO_DATABASE) as engine:
        quarter_start, _ = quarter_bounds(quarter_of(result.as_of))
        previous = previous_risk_run(engine, before=quarter_start)
    scores = result.scores
    if "ownership" not in scores.columns:
        raise InvalidArgumentError("Risikotabellen mangler kolonnen 'ownership' (ejerform) til retfærdighedsboksen.")
    return build_risk_list(
        scores,
        as_of=result.as_of,
        model_version=result.model_version,
        model_kind=_model_kind(settings, result.model_version),
        authority=auth,
        facility_type=ftype,
        previous=None if previous is None else previous.scores,
        comparison_as_of=None if previous is None else previous.as_of,
        comparison_model_version=None if previous is None else previous.model_version,
        run_id=result.run_id,
        reasons=settings.risk_top_factors,
        notes=tuple(result.notes),
        top=top,
        high_share=settings.top_tier_share,
        elevated_share=ELEVATED_TIER_SHARE,
    )


# --- Tilbudsprofil -----------------------------------------------------------------------------------


def _next_planned_visit(engine: Engine, facility_id: str, after: dt.date, names: dict[str, str]) -> NextVisit | None:
    """The facility's next visit on or after ``after``: the first in the newest stored plan that plans it, or an
    agreed (locked) visit when that comes first (a lock before the plan's quarter is no visit of the plan, and
    the profile showed the plan's visit months later)."""
    planned = _next_plan_visit(engine, facility_id, after, names)
    lock = load_locked_visits(engine, facility_id)
    lock = lock[lock["date"].dt.date >= after]
    if lock.empty:
        return planned
    first = lock.iloc[0]
    day = first["date"].date()
    if planned is not None and planned.date <= day:
        return planned
    inspector = str(first["inspector_id"])
    return NextVisit(
        date=day,
        announced=bool(first["announced"]),
        kind=VisitKind.OPERATIONAL.value,
        inspectors=(names.get(inspector, inspector),),
        reason=LOCK_REASON,
        locked=True,
    )


def _next_plan_visit(engine: Engine, facility_id: str, after: dt.date, names: dict[str, str]) -> NextVisit | None:
    """The facility's first visit on or after ``after`` in the newest stored plan that plans it."""
    with Session(engine) as session:
        plan_id = session.scalars(
            select(PlanVisitRow.plan_id)
            .where(PlanVisitRow.facility_id == facility_id)
            .order_by(PlanVisitRow.plan_id.desc())
            .limit(1)
        ).first()
        if plan_id is None:
            return None
        row = session.scalars(
            select(PlanVisitRow)
            .where(
                PlanVisitRow.plan_id == plan_id,
                PlanVisitRow.facility_id == facility_id,
                PlanVisitRow.date >= after,
            )
            .order_by(PlanVisitRow.date)
            .limit(1)
        ).first()
        if row is None:
            return None
        inspectors = tuple(names.get(i, i) for i in str(row.inspector_ids or "").split(";") if i)
        return NextVisit(
            date=row.date,
            announced=bool(row.announced),
            kind=str(row.kind),
            inspectors=inspectors,
            reason=str(row.reason),
            plan_id=int(plan_id),
            locked=bool(row.locked),
        )


def facility_report(
    settings: Settings,
    facility_id: str,
    as_of: dt.date | None = None,
    authorised: bool = False,
    *,
    may_train: bool = True,
) -> FacilityProfileContext:
    """One facility's profile as of ``as_of`` (default today). ``authorised``: the reader may see the
    next planned visit (unannounced dates are confidential); otherwise it is left out of the context.
    ``may_train``: with no model trained as of the day, train one (the CLI, a planner); else the profile
    has no risk and says why (a reader of the web app)."""
    day = settings.as_of_or_today(as_of)
    with database(settings, missing=NO_DATABASE) as engine:
        if not facility_exists(engine, facility_id):  # before loading anything
            raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' findes ikke i databasen.")
        data = stored_data(engine)
        ds = data.dataset
        names = {str(i): str(n) for i, n in zip(ds.inspectors["inspector_id"], ds.inspectors["name"], strict=True)}
        next_visit = _next_planned_visit(engine, facility_id, day, names) if authorised else None
    notes: list[str] = []
    try:
        explanation = explain_stored(settings, data, facility_id, day, may_train=may_train)
    except (NotFoundError, NotComputedError) as error:  # not active on the day, or no model for a reader
        explanation = None
        notes.append(error.message)
    known = data.day(day)
    return build_facility_profile(
        ds,
        facility_id,
        as_of=day,
        explanation=explanation,
        national_count=known.active_count,
        authorised=authorised,
        next_visit=next_visit,
        notes=notes,
        high_share=settings.top_tier_share,
        known=known.known,
        theme_values=known.theme_values,
    )


# --- Kvartalsplan ------------------------------------------------------------------------------------


def plan_report(settings: Settings, plan_id: int, authorised: bool = False) -> PlanReportContext:
    """The quarterly plan of a stored plan version. ``authorised``: unannounced dates are shown."""
    with database(settings, missing=NO_DATABASE) as engine:
        ds = load_reference_data(engine)  # the report names tilbud and inspectors: not every table (1.5 s of 2)
        with Session(engine) as session:
            row = session.get(PlanRow, plan_id)
            run_id = None if row is None else row.risk_run_id
            created_at = None if row is None else row.created_at
    stored = show_plan(settings, plan_id)
    plan, deadlines, risks = load_stored_plan(settings, plan_id, run_id=run_id, stored=stored)
    context = build_plan_report(
        plan,
        ds,
        plan_id=plan_id,
        authorised=authorised,
        risks=risks,
        deadlines=deadlines,
        created_at=created_at,
    )
    return dataclasses.replace(context, data_changes=data_changes_notice(settings, stored, authorised))


def data_changes_notice(settings: Settings, stored: StoredPlan, authorised: bool) -> DataChangesNotice | None:
    """The plan report's notice of what changed since the plan was made (``None`` when nothing did)."""
    staleness = plan_data_changes(settings, stored).seen_by(authorised)
    if not staleness.headline():
        return None
    return DataChangesNotice(
        headline=staleness.headline(),
        messages=tuple(staleness.messages(authorised)),
        advice=staleness.advice(authorised),
        changed=staleness.changed,
    )


# --- Modelkort ---------------------------------------------------------------------------------------


def model_report(settings: Settings, version: str | None = None) -> ModelCardContext:
    """The model card of a stored model (default: the newest)."""
    stored = load_model(settings, version)
    return build_model_card(stored.meta)


# --- rendering -----------------------------------------------------------------------------------


def render_report(context: ReportContext, fmt: Format) -> bytes:
    """The report as UTF-8 HTML or as PDF."""
    if fmt == "html":
        return render_html(context).encode("utf-8")
    if fmt == "pdf":
        return pdf_of_html(render_html(context))
    raise InvalidArgumentError(f"Ukendt format '{fmt}'. Tilladt: html, pdf.")


def report_html(context: ReportContext) -> str:
    """The report's self-contained HTML document (what :func:`pdf_of_html` makes a PDF of)."""
    return render_html(context)


def pdf_of_html(html: str) -> bytes:
    """A report's HTML (:func:`report_html`) as a PDF (a long one made in a child process, ``reports.pdf``)."""
    return html_to_pdf(html)


@dataclass(frozen=True)
class WrittenReport:
    kind: str
    path: Path
    fmt: Format
    title: str
    size: int
    seconds: float


def build_report(
    settings: Settings,
    kind: str,
    target: str | None = None,
    *,
    authority: str | None = None,
    facility_type: str | None = None,
    as_of: dt.date | None = None,
    authorised: bool = False,
    top: int | None = None,
    result: ScoreResult | None = None,
) -> ReportContext:
    """The context of a report of ``kind`` (``risk``, ``facility`` ID, ``plan`` ID, ``model`` [VERSION])."""
    if kind == "risk":
        return risk_report(
            settings, authority=authority, facility_type=facility_type, as_of=as_of, top=top, result=result
        )
    if kind == "facility":
        if not target:
            raise InvalidArgumentError("Angiv tilbuddets id: 'tilsynsplan report facility ID --out FIL'.")
        return facility_report(settings, target, as_of=as_of, authorised=authorised)
    if kind == "plan":
        if not target:
            raise InvalidArgumentError("Angiv planens id: 'tilsynsplan report plan ID --out FIL'.")
        try:
            plan_id = int(target)
        except ValueError:
            raise InvalidArgumentError(f"Planens id skal være et heltal, ikke '{target}'.") from None
        return plan_report(settings, plan_id, authorised=authorised)
    if kind == "model":
        return model_report(settings, target or None)
    raise InvalidArgumentError(f"Ukendt rapport '{kind}'. Tilladt: {', '.join(KINDS)}.")


def write_report(
    settings: Settings,
    kind: str,
    out: Path,
    target: str | None = None,
    *,
    authority: str | None = None,
    facility_type: str | None = None,
    as_of: dt.date | None = None,
    authorised: bool = False,
    top: int | None = None,
    result: ScoreResult | None = None,
) -> WrittenReport:
    """Build the report of ``kind`` and write it to ``out`` (HTML or PDF by the file's extension)."""
    report_format(out)  # refuse an unknown extension before the work of building the report
    started = time.perf_counter()
    context = build_report(
        settings,
        kind,
        target,
        authority=authority,
        facility_type=facility_type,
        as_of=as_of,
        authorised=authorised,
        top=top,
        result=result,
    )
    return write_context(context, out, started=started)


def write_context(context: ReportContext, out: Path, *, started: float | None = None) -> WrittenReport:
    """Render an already-built report context to ``out`` (HTML or PDF by the extension).

    Lets a caller that wants one report in both formats build its context (scoring, explaining) once.
    ``started`` (``time.perf_counter()``) counts the building too in the reported seconds.
    """
    fmt = report_format(out)
    started = time.perf_counter() if started is None else started
    data = render_report(context, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    seconds = time.perf_counter() - started
    log.info("%s report written to %s (%d bytes, %.1f s)", context.kind, out, len(data), seconds)
    return WrittenReport(kind=context.kind, path=out, fmt=fmt, title=context.title, size=len(data), seconds=seconds)

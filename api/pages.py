"""Rendering of the web pages: the shared navigation and the one render call every page goes through."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from api.schemas import PlanCreate
from api.services import imports
from api.services import plans as plan_service
from data.authorities import parse_authority
from data.calendar import next_quarter, parse_quarter, quarter_bounds
from data.enums import Authority, FacilityType
from data.errors import InvalidArgumentError, TilsynsplanError, shown_value
from data.glossary import PLAN_STATUS_DA, danish, danish_code, format_date_da, plan_scope_da, upper_first
from data.plan_store import SEE_PLANS, PlanInfo
from data.settings import Settings
from data.store import StatusReport, database_exists
from models.store import latest_version, list_models
from planner.staleness import Freshness
from reports.context import ReportContext
from reports.html import report_charts
from reports.render import render_template

#: The navigation of every web page: (path, Danish label).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overblik"),
    ("/upload", "Upload"),
    ("/risiko", "Risikoliste"),
    ("/planer", "Planer"),
    ("/modelkort", "Modelkort"),
)


#: What a message written for the CLI and the API tells its reader to do, as a person on the web pages does it
#: (pattern -> replacement, :func:`web_words`). The core's messages name commands ("Kør 'tilsynsplan train'"),
#: which a planner or leader in a browser cannot run.
WEB_WORDS_DA: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (re.escape(f"; {SEE_PLANS}"), ". Se de gemte planer under Planer."),
        (r" Importér data først med 'tilsynsplan import MAPPE'\.", " En planlægger importerer data under Upload."),
        (
            r"Kør 'tilsynsplan train'(?: eller POST /api/v1/model/train)?\.",
            "En planlægger træner den ved at logge ind og åbne risikolisten.",
        ),
        (
            r"med 'tilsynsplan score', ved at logge ind \(/login\) eller med sin nøgle i API'et "
            r"\(Authorization: Bearer …\)",
            "ved at logge ind og åbne risikolisten",
        ),
        (
            r"træner den med 'tilsynsplan train' eller POST /api/v1/model/train",
            "træner den ved at logge ind og åbne siden igen",
        ),
        (r"kør 'tilsynsplan import' først", "upload data først under Upload"),
        (r"\(inspectors\.csv\): kør 'tilsynsplan import'", "(inspectors.csv): upload dem under Upload"),
        (r"først tilsynsplan plan --quarter (\d{4})[QK]([1-4])", r"først \1K\2"),
        # the form of a quarter: the pages write 2026K4 only (the form takes both), so the core's two examples
        # ("fx 2026K4 eller 2026Q4") would read as one example twice once the next rule writes 2026Q4 as 2026K4
        (r"ÅÅÅÅKn eller ÅÅÅÅQn, fx (\d{4})K([1-4]) eller \1Q\2", r"ÅÅÅÅKn, fx \1K\2"),
        (r"\b(\d{4})Q([1-4])\b", r"\1K\2"),  # a quarter as the pages write it (the CLI's messages say 2027Q1)
        (r": tilsynsplan plan --authority \w+ \(API: feltet authority\)", ": vælg socialtilsynet i formularen"),
        (r" \(tilsynsplan plan --authority\)", " (vælg socialtilsynet i planformularen under Planer)"),
        (
            r" \(tilsynsplan plan --allow-late; API: feltet allow_late; siden Planer: („[^“]*“)\)",
            r" (sæt kryds ved \1 i formularen og send den igen)",
        ),
    )
)


def web_words(message: str) -> str:
    """A domain error's message as a web page shows it: what it tells the reader to do in the words of the pages
    (:data:`WEB_WORDS_DA`), never a CLI command or an API call."""
    for pattern, replacement in WEB_WORDS_DA:
        message = pattern.sub(replacement, message)
    return message


def render_page(template: str, *, authorised: bool, active: str = "", **context: Any) -> str:
    """Render ``reports/templates/<template>`` (a page extending ``web/layout.html``), its tables in
    scroll boxes (:func:`scrollable_tables`)."""
    return scrollable_tables(render_template(template, authorised=authorised, nav=NAV, active=active, **context))


def scrollable_tables(html: str) -> str:
    """Every table of a web page inside a ``div.table-scroll`` (``overflow-x: auto``): on a narrow screen
    (320 px, or 200 % zoom) a wide table scrolls by itself while the page's text reflows. Web pages only: a
    printed report (PDF) lays its tables out on the page. The templates have no table inside a table."""
    return html.replace("<table", '<div class="table-scroll"><table').replace("</table>", "</table></div>")


# --- page contexts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSummary:
    """The latest trained risk model, as the overview shows it."""

    version: str
    as_of: str
    created_at: str
    kind: str  # "lightgbm" | "expert"


@dataclass(frozen=True)
class PlanListRow:
    """One stored plan in a list."""

    id: int
    quarter: str
    authority_label: str
    as_of: dt.date
    created_at: dt.datetime
    visit_count: int
    status_label: str
    parent_id: int | None
    #: the data changed since the plan was made in a way that matters to it (``plan_data_changes``): re-plan
    data_changed: bool = False

    @classmethod
    def from_info(cls, info: PlanInfo, data_changed: bool = False) -> PlanListRow:
        return cls(
            id=info.id,
            quarter=info.quarter,
            authority_label=upper_first(plan_scope_da(info.authority, info.authorities)),
            as_of=info.as_of,
            created_at=info.created_at,
            visit_count=info.visit_count,
            status_label=STATUS_DA.get(info.status, info.status),
            parent_id=info.parent_id,
            data_changed=data_changed,
        )


STATUS_DA = PLAN_STATUS_DA


@dataclass(frozen=True)
class OverviewPage:
    status: StatusReport
    authorities: list[tuple[str, int, int]]  # (Danish name, active facilities, all facilities)
    model: ModelSummary | None
    plans: list[PlanListRow] = field(default_factory=list)


@dataclass(frozen=True)
class PlansPage:
    plans: list[PlanListRow]
    authorities: list[tuple[str, str]]  # (code, Danish name) for the form
    next_quarter: str
    time_limit_s: float
    values: PlanFormValues | None = None  # what was sent, when the form is shown again with an error
    error: FormError | None = None


def authority_label(code: str) -> str:
    return danish_code(Authority, code)


def latest_model(settings: Settings) -> ModelSummary | None:
    version = latest_version(settings)  # trained as of the latest date: a what-if does not replace it
    card = next((c for c in list_models(settings) if str(c.get("version")) == version), None)
    if card is None:
        return None
    return ModelSummary(
        version=str(card.get("version", "")),
        as_of=str(card.get("as_of", "")),
        created_at=str(card.get("created_at", "")),
        kind=str(card.get("kind", "")),
    )


def plan_rows(settings: Settings, authorised: bool, limit: int | None = None) -> list[PlanListRow]:
    if not database_exists(settings):
        return []
    infos = plan_service.plans(settings)[:limit]
    freshness = plan_service.plans_freshness(settings, infos, authorised)
    return [PlanListRow.from_info(info, freshness[info.id] == Freshness.CHANGED) for info in infos]


def overview_page(settings: Settings, authorised: bool) -> OverviewPage:
    report = imports.status(settings)
    active = report.active_per_authority
    authorities = [(authority_label(a), active.get(a, 0), n) for a, n in report.facilities_per_authority.items()]
    return OverviewPage(
        status=report, authorities=authorities, model=latest_model(settings), plans=plan_rows(settings, authorised, 5)
    )


def authority_choices(settings: Settings) -> list[tuple[str, str]]:
    """``(code, Danish name)`` of the socialtilsyn whose tilbud are loaded, for the forms' choices (a tilsyn
    that imported only its own files is offered only itself); all five before anything is loaded."""
    present = imports.authorities_loaded(settings)
    return [(a.value, danish(a)) for a in Authority if a.value in present or not present]


def plans_page(
    settings: Settings, authorised: bool, values: PlanFormValues | None = None, error: FormError | None = None
) -> PlansPage:
    return PlansPage(
        plans=plan_rows(settings, authorised),
        authorities=authority_choices(settings),
        next_quarter=next_quarter(settings.effective_today()),
        time_limit_s=settings.solver_time_limit_s,
        values=values,
        error=error,
    )


#: The risk page's PDF link lists this many rows when the list is longer (the whole national list is
#: about 240 pages and takes a minute or two, past the 60 s a reverse proxy waits; the top 100: 2-3 s).
PDF_TOP = 100


@dataclass(frozen=True)
class RiskFilterOptions:
    """The risk list's filter form: the choices, what is selected and the download links (same filters)."""

    authority: str | None
    facility_type: str | None
    authorities: list[tuple[str, str]]  # (code, Danish name)
    facility_types: list[tuple[str, str]]
    csv_url: str  # for a spreadsheet: Danish columns, ";" and decimal comma (GET /risiko.csv)
    pdf_url: str  # the PDF a leader gets: the ``pdf_top`` riskiest when the list is longer
    api_csv_url: str = ""  # the API's CSV for case systems (codes, "," and decimal point), named, not linked: not
    # formula-safe, a person must not be led to open it in Excel
    pdf_top: int | None = None  # rows in ``pdf_url``'s table (None: the whole list)
    full_pdf_url: str | None = None  # the whole list as PDF (slow), when ``pdf_url`` is shortened


def risk_filter_options(
    authority: str | None, facility_type: str | None, authorities: list[tuple[str, str]], rows: int = 0
) -> RiskFilterOptions:
    """The form over a list of ``rows`` tilbud (the PDF link is shortened to the riskiest ``PDF_TOP``
    when the list is longer)."""
    query = urlencode({k: v for k, v in (("authority", authority), ("facility_type", facility_type)) if v})
    suffix = f"&{query}" if query else ""
    full_pdf = f"/api/v1/reports/risk?format=pdf{suffix}"
    short = rows > PDF_TOP
    return RiskFilterOptions(
        authority=authority or None,
        facility_type=facility_type or None,
        authorities=authorities,
        facility_types=[(t.value, danish(t)) for t in FacilityType],
        csv_url=f"/risiko.csv?{query}" if query else "/risiko.csv",
        pdf_url=f"/api/v1/reports/risk?format=pdf&top={PDF_TOP}{suffix}" if short else full_pdf,
        api_csv_url=f"/api/v1/risk?format=csv{suffix}",
        pdf_top=PDF_TOP if short else None,
        full_pdf_url=full_pdf if short else None,
    )


def render_report_page(
    report: ReportContext, *, authorised: bool, active: str = "", above: str | None = None, **context: Any
) -> str:
    """A report (the same template and context as its HTML/PDF file) as a web page with the site's
    navigation, its tilbud linked to their profiles and, optionally, the template ``above`` rendered before it
    (e.g. a filter form)."""
    return render_page(
        "web/report.html",
        authorised=authorised,
        active=active,
        report=report,
        charts=report_charts(report),
        above=above,
        facility_links=True,
        **context,
    )


class FieldError(InvalidArgumentError):
    """A web form's field holds a bad value: ``field`` is the id of its input (the page shows the message
    beside it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FormError:
    """An error shown on a form's own page: the message beside the field it is about (``field``, the input's
    id; None: the form as a whole), announced to screen readers."""

    message: str
    field: str | None = None

    @property
    def element_id(self) -> str:
        return f"{self.field}-error" if self.field else "form-error"

    @classmethod
    def of(cls, error: TilsynsplanError) -> FormError:
        return cls(web_words(error.message), error.field if isinstance(error, FieldError) else None)


@dataclass(frozen=True)
class PlanFormValues:
    """What the planner typed in the plan form (kept when the form is shown again with an error)."""

    quarter: str
    authority: str
    time_limit_s: str
    allow_late: bool = False


def plan_request_from_form(
    quarter: str, authority: str, time_limit_s: str, today: dt.date, allow_late: bool = False
) -> PlanCreate:
    """The web form's fields as the API's plan request (empty fields: the defaults). A bad field raises a
    :class:`FieldError` naming it; a quarter that has ended on ``today`` is one. ``allow_late``: the checkbox
    "store the best-effort plan" (the API's ``allow_late``)."""
    if not quarter.strip():
        raise FieldError("quarter", "Skriv det kvartal, der skal planlægges, fx 2027K1.")
    try:
        code = parse_quarter(quarter)
    except ValueError as error:
        raise FieldError("quarter", str(error)) from None
    if quarter_bounds(code)[1] < today:
        raise FieldError(
            "quarter",
            f"Kvartalet {code.replace('Q', 'K')} er allerede slut (i dag er {format_date_da(today)}); "
            "vælg et kvartal, der slutter efter i dag.",
        )
    try:
        parse_authority(authority)
    except InvalidArgumentError as error:
        raise FieldError("plan-authority", error.message) from None
    limit: float | None = None
    if time_limit_s.strip():
        try:
            limit = float(time_limit_s.replace(",", "."))
        except ValueError:
            shown = shown_value(time_limit_s)
            raise FieldError("time_limit_s", f"Tidsgrænsen '{shown}' er ikke et tal (sekunder).") from None
        if not 1 <= limit <= 3600:  # as the message and the field (min="1") say: 0,5 s was taken
            shown = shown_value(time_limit_s)
            raise FieldError("time_limit_s", f"Tidsgrænsen skal være mellem 1 og 3600 sekunder (fik {shown}).")
    return PlanCreate(
        quarter=quarter.strip(), authority=authority.strip() or None, time_limit_s=limit, allow_late=allow_late
    )

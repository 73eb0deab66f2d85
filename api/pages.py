"""Rendering of the web pages: the shared navigation and the one render call every page goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from api.services import imports
from data.enums import Authority, FacilityType
from data.glossary import danish
from data.settings import Settings
from data.store import StatusReport
from models.store import list_models
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


def render_page(template: str, *, authorised: bool, active: str = "", **context: Any) -> str:
    """Render ``reports/templates/<template>`` (a page extending ``web/layout.html``)."""
    return render_template(template, authorised=authorised, nav=NAV, active=active, **context)


# --- page contexts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSummary:
    """The latest trained risk model, as the overview shows it."""

    version: str
    as_of: str
    created_at: str
    kind: str  # "lightgbm" | "expert"


@dataclass(frozen=True)
class OverviewPage:
    status: StatusReport
    authorities: list[tuple[str, int]]  # (Danish name, facilities)
    model: ModelSummary | None
    plans: list[dict[str, Any]] = field(default_factory=list)


def authority_label(code: str) -> str:
    return danish(Authority(code)) if code in Authority._value2member_map_ else code


def latest_model(settings: Settings) -> ModelSummary | None:
    cards = list_models(settings)
    if not cards:
        return None
    card = cards[-1]
    return ModelSummary(
        version=str(card.get("version", "")),
        as_of=str(card.get("as_of", "")),
        created_at=str(card.get("created_at", "")),
        kind=str(card.get("kind", "")),
    )


def overview_page(settings: Settings) -> OverviewPage:
    report = imports.status(settings)
    authorities = [(authority_label(a), n) for a, n in report.facilities_per_authority.items()]
    return OverviewPage(status=report, authorities=authorities, model=latest_model(settings))


@dataclass(frozen=True)
class RiskFilterOptions:
    """The risk list's filter form: the choices and what is selected."""

    authority: str | None
    facility_type: str | None
    authorities: list[tuple[str, str]]  # (code, Danish name)
    facility_types: list[tuple[str, str]]
    csv_url: str
    pdf_url: str


def risk_filter_options(authority: str | None, facility_type: str | None) -> RiskFilterOptions:
    query = urlencode({k: v for k, v in (("authority", authority), ("facility_type", facility_type)) if v})
    suffix = f"&{query}" if query else ""
    return RiskFilterOptions(
        authority=authority or None,
        facility_type=facility_type or None,
        authorities=[(a.value, danish(a)) for a in Authority],
        facility_types=[(t.value, danish(t)) for t in FacilityType],
        csv_url=f"/api/v1/risk?format=csv{suffix}",
        pdf_url=f"/api/v1/reports/risk?format=pdf{suffix}",
    )


def render_report_page(
    report: ReportContext, *, authorised: bool, active: str = "", above: str | None = None, **context: Any
) -> str:
    """A report (the same template and context as its HTML/PDF file) as a web page with the site's
    navigation and, optionally, the template ``above`` rendered before it (e.g. a filter form)."""
    return render_page(
        "web/report.html",
        authorised=authorised,
        active=active,
        report=report,
        charts=report_charts(report),
        above=above,
        **context,
    )

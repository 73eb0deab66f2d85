"""A report context to one self-contained HTML document (inline CSS and SVG charts; nothing fetched).

:func:`render_html` draws the charts a context needs (:mod:`reports.charts`) and renders the context's
template with ``report`` (the context) and ``charts`` (name -> SVG markup).
"""

from __future__ import annotations

import logging
import time

from markupsafe import Markup

from data.enums import FacilityType
from data.glossary import FACILITY_TYPE_PLURAL_DA
from reports import charts
from reports.build import NEAR_FULL
from reports.context import (
    FacilityProfileContext,
    ModelCardContext,
    PlanReportContext,
    ReportContext,
    RiskListContext,
    SeriesPoint,
)
from reports.render import render_template

log = logging.getLogger(__name__)

WATERFALL_STEPS = 8


def _peer_plural(facility_type: str) -> str:
    try:
        return FACILITY_TYPE_PLURAL_DA[FacilityType(facility_type)]
    except ValueError:
        return facility_type


def risk_list_charts(report: RiskListContext) -> dict[str, Markup]:
    return {
        "histogram": charts.risk_histogram(
            [r.risk for r in report.rows], title="Risikoens fordeling", threshold=report.high_threshold
        )
    }


def _series_chart(
    points: tuple[SeriesPoint, ...], *, title: str, y_label: str, plural: str, decimals: int = 1
) -> Markup:
    return charts.series_vs_peer(
        [p.period for p in points],
        [p.value for p in points],
        [p.peer_median for p in points],
        [p.peer_low for p in points],
        [p.peer_high for p in points],
        title=title,
        y_label=y_label,
        value_label="Tilbuddet",
        peer_label=f"Median for {plural}",
        band_label="Midterste halvdel (25-75 %)",
        decimals=decimals,
        labels=[p.label for p in points],
    )


def facility_charts(report: FacilityProfileContext) -> dict[str, Markup]:
    plural = _peer_plural(report.facility.facility_type)
    out: dict[str, Markup] = {
        "spider": charts.spider_chart(
            [t.label for t in report.themes],
            [t.value for t in report.themes],
            [t.peer_median for t in report.themes],
            title="Seneste temaværdier (spindelvæv)",
            value_label="Tilbuddet",
            peer_label=f"Median for {plural}",
            not_applicable=[not t.applies for t in report.themes],
        ),
        "theme_history": charts.theme_history_chart(
            [a.date for a in report.theme_history],
            {t.label: [a.value(t.theme) for a in report.theme_history] for t in report.themes},
            title="Temaværdier ved hvert tilsyn",
        ),
        "force": _series_chart(
            report.force, title="Magtanvendelser pr. plads pr. kvartal", y_label="pr. plads", plural=plural, decimals=2
        ),
        "turnover": _series_chart(report.turnover, title="Personalegennemstrømning pr. år", y_label="%", plural=plural),
        "sickness": _series_chart(report.sickness, title="Sygefravær pr. år", y_label="%", plural=plural),
    }
    if report.risk is not None:
        factors = report.risk.factors
        shown = factors[:WATERFALL_STEPS]
        steps = [(f.label, f.shap) for f in shown]
        rest = factors[WATERFALL_STEPS:]
        if rest:
            steps.append((f"Øvrige {len(rest)} faktorer", sum(f.shap for f in rest)))
        expert = report.risk.cold_start  # the expert score's base is "no warning sign", not an average tilbud
        out["waterfall"] = charts.waterfall_chart(
            report.risk.base_value,
            steps,
            title="Hvad driver risikoen (ekspertpoint)" if expert else "Hvad driver risikoen (SHAP)",
            start_label="Uden advarselstegn" if expert else "Gennemsnitligt tilbud",
            end_label="Dette tilbud",
            axis_label="Modellens score (log-odds): rød øger, grøn sænker risikoen",
        )
    return out


def plan_charts(report: PlanReportContext) -> dict[str, Markup]:
    """The capacity chart: per inspector for planners, per socialtilsyn for readers (who may not learn who makes the
    unannounced visits, nor from a full inspector's bar when)."""
    title = f"Kapacitetsudnyttelse {report.quarter_label}"
    if not report.authorised:
        rows = report.capacity
        bars = charts.capacity_chart(
            [c.authority_label for c in rows],
            [c.visits for c in rows],
            [c.capacity for c in rows],
            title=title,
            near_full=NEAR_FULL,
            what="Ingen socialtilsyn",
        )
        return {"capacity": bars}
    inspectors = [i for i in report.inspectors if (i.capacity or 0) > 0 or i.visits > 0]
    return {
        "capacity": charts.capacity_chart(
            [i.name for i in inspectors],
            [i.visits for i in inspectors],
            [i.capacity or 0 for i in inspectors],
            title=title,
            near_full=NEAR_FULL,
        )
    }


def model_card_charts(report: ModelCardContext) -> dict[str, Markup]:
    return {
        "calibration": charts.calibration_chart(
            [b.mean_predicted for b in report.reliability],
            [b.observed_rate for b in report.reliability],
            [b.n for b in report.reliability],
            # the expert score learns nothing, so nothing is held out: its calibration is of every labelled snapshot
            title="Kalibrering på valideringsperioden"
            if report.validation_period is not None
            else "Kalibrering på alle mærkede øjebliksbilleder",
        )
    }


def report_charts(report: ReportContext) -> dict[str, Markup]:
    if isinstance(report, RiskListContext):
        return risk_list_charts(report)
    if isinstance(report, FacilityProfileContext):
        return facility_charts(report)
    if isinstance(report, PlanReportContext):
        return plan_charts(report)
    return model_card_charts(report)


def render_html(report: ReportContext) -> str:
    """The report as one self-contained HTML document (UTF-8 text)."""
    started = time.perf_counter()
    drawn = report_charts(report)
    charted = time.perf_counter()
    html = render_template(report.template, report=report, charts=drawn)
    log.info(
        "%s: charts %.2f s, template %.2f s, %d characters",
        report.kind,
        charted - started,
        time.perf_counter() - charted,
        len(html),
    )
    return html

"""Builders: from data, model and planner outputs to the typed report contexts of :mod:`reports.context`.

Pure functions of their inputs (no database, no model store): the services in ``api/services/reports.py``
load what is needed and call these; tests call them with hand-made inputs.

- :func:`build_risk_list` — the scores of a scoring (``api.services.risk.score_facilities``), filtered
  by authority and type, with the change against an earlier stored run and the fairness box.
- :func:`build_facility_profile` — one facility from a ``Dataset`` (master data, themes against the
  peer median, history, magtanvendelser / staff figures against the peer group, visits) and its risk
  explanation; the next planned visit only for an authorised reader.
- :func:`build_plan_report` — a planner ``Plan``: the quarter per inspector and week, capacity, the
  facilities at their deadline, the baseline comparison and the warnings.
- :func:`build_model_card` — a stored model's card (``models.store.StoredModel.meta``).

The peer group of a facility is every active facility of the same type in all five authorities, the
facility itself excluded (the comparison the risk model's explanations use).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from data.calendar import first_working_day, is_working_day, quarter_bounds
from data.dataset import Dataset
from data.enums import SERIOUS_SANCTIONS, FacilityType, SanctionKind, Severity, Theme
from data.errors import InvalidArgumentError, NotFoundError
from data.glossary import (
    HYPERPARAMETER_DA,
    HYPERPARAMETER_VALUE_DA,
    MONTH_ABBR_DA,
    SANCTION_DA,
    SEVERITY_DA,
    format_date_da,
    format_number_da,
    plan_top_group_da,
    top_split_da,
    visit_reason_for_reader_da,
)
from data.quality_model import FacilityTraits, theme_applies
from models.baselines import EXPERT_RULES
from models.calibration import AuthorityOffsets
from models.evaluation import metric_rows
from models.explain import FacilityExplanation
from models.fairness import fairness_audit
from models.features import FEATURE_SOURCES
from models.risk_model import ELEVATED_TIER_SHARE, HIGH_TIER_SHARE, lead_note_da
from planner.domain import RULE_DA, VISIT_TIMING_COSTS, OverdueFacility, Plan, PlannedVisit, ReasonCode
from reports.context import (
    BaselineView,
    CapacityRow,
    DeadlineRow,
    EventRecord,
    FacilityInfo,
    FacilityProfileContext,
    FacilityRisk,
    Factor,
    FairnessBox,
    FairnessRow,
    FairnessTable,
    FeatureRow,
    InspectorPlan,
    LateRow,
    MetricRow,
    ModelCardContext,
    NextVisit,
    OffsetRow,
    Period,
    PlanReportContext,
    PlanVisitRow,
    ReliabilityBin,
    RiskListContext,
    RiskRow,
    RuleCost,
    SeriesPoint,
    ShortfallRow,
    ThemeAssessment,
    ThemeValue,
    VisitRecord,
    WeekVisits,
    authority_label,
    ownership_label,
)

TOP_SHARE = 0.10
FAIRNESS_TITLES = {"ownership": "Ejerform", "authority": "Socialtilsyn"}
HISTORY_QUARTERS = 12
STAFF_YEARS = 5
NEAR_FULL = 0.95


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    ts = pd.Timestamp(str(value))
    return None if pd.isna(ts) else ts.date()


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


# --- fairness ----------------------------------------------------------------------------------------


def fairness_box(
    scores: pd.DataFrame, dimensions: Sequence[str] = ("ownership", "authority"), top_share: float = TOP_SHARE
) -> FairnessBox:
    """Shares of each group in the top decile (by ``risk``) against its share of ``scores`` overall.

    ``scores`` has ``facility_id, risk`` and the dimension columns. A dimension with a single group
    (e.g. authority in one authority's list) says nothing and is left out.
    """
    present = [d for d in dimensions if d in scores.columns]
    groups = scores[["facility_id", *present]].copy()
    for missing in set(("ownership", "authority")) - set(present):
        groups[missing] = ""
    audit = fairness_audit(scores[["facility_id", "risk"]], groups, top_share=top_share)
    n = audit.facilities
    tables = []
    for dim in present:
        table = audit.tables[dim]
        if table["group"].nunique() < 2:
            continue
        tables.append(_fairness_table(dim, table.to_dict(orient="records")))
    return FairnessBox(
        facilities=n,
        top_decile_size=audit.top_size,
        tables=tuple(tables),
        tied_at_cut=audit.tied_at_cut,
        places_at_cut=audit.places_at_cut,
    )


def _group_label(dimension: str, code: str) -> str:
    if dimension == "authority":
        return authority_label(code)
    if dimension == "ownership":
        label = ownership_label(code)
        return label[:1].upper() + label[1:]
    return code


def _fairness_table(dimension: str, records: Iterable[Mapping[str, Any]]) -> FairnessTable:
    rows = []
    for r in records:
        code = str(r.get("group", ""))
        rows.append(
            FairnessRow(
                group=code,
                label=_group_label(dimension, code),
                facilities=int(r.get("facilities") or 0),
                share_overall=float(r.get("share_of_facilities") or 0.0),
                in_top_decile=float(r.get("in_top_decile") or 0.0),
                share_top_decile=float(r.get("share_of_top_decile") or 0.0),
                mean_risk=_float(r.get("mean_risk")),
                share_serious_findings=_float(r.get("share_of_serious_findings")),
            )
        )
    rows.sort(key=lambda row: (-row.facilities, row.label))
    return FairnessTable(dimension=dimension, title=FAIRNESS_TITLES.get(dimension, dimension), rows=tuple(rows))


def fairness_box_from_audit(audit: Mapping[str, Any]) -> FairnessBox:
    """The stored audit of a model (``FairnessAudit.as_dict()``) as a fairness box."""
    groups: Mapping[str, Any] = audit.get("groups", {})
    n = int(audit.get("facilities", 0))
    share = float(audit.get("top_share", TOP_SHARE))
    tables = tuple(_fairness_table(dim, groups[dim]) for dim in ("ownership", "authority") if dim in groups)
    size = int(audit.get("top_size") or 0) or (max(1, math.ceil(round(n * share, 9))) if n else 0)
    return FairnessBox(
        facilities=n,
        top_decile_size=size,
        tables=tables,
        tied_at_cut=int(audit.get("tied_at_cut") or 0),
        places_at_cut=int(audit.get("places_at_cut") or 0),
    )


# --- Risikoliste -------------------------------------------------------------------------------------


def _reasons(factors: Any, n: int) -> tuple[str, ...]:
    if factors is None or (isinstance(factors, float) and math.isnan(factors)):
        return ()
    out = []
    for f in list(factors)[:n]:
        text = f.get("text") if isinstance(f, Mapping) else None
        if text:
            out.append(str(text))
    return tuple(out)


def build_risk_list(
    scores: pd.DataFrame,
    *,
    as_of: dt.date,
    model_version: str,
    model_kind: str = "lightgbm",
    authority: str | None = None,
    facility_type: str | None = None,
    previous: pd.DataFrame | None = None,
    comparison_as_of: dt.date | None = None,
    comparison_model_version: str | None = None,
    run_id: int | None = None,
    reasons: int = 3,
    notes: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    top: int | None = None,
    high_share: float = HIGH_TIER_SHARE,
    elevated_share: float = ELEVATED_TIER_SHARE,
) -> RiskListContext:
    """The risk list of the facilities in ``scores`` (national scores: ``facility_id, name, authority,
    facility_type, ownership, risk, tier, top_factors`` and ``national_rank`` or ``rank``), keeping those
    of ``authority`` and ``facility_type`` when given, riskiest first. A row's ``rank`` is the API's:
    within ``authority`` when given, else national; ``facility_type`` keeps it.

    ``previous`` (``facility_id, risk, rank``) is an earlier stored run: each row gets its risk and
    national rank then, for the change since.
    """
    frame = scores.copy()
    if "national_rank" not in frame.columns:
        frame["national_rank"] = frame["rank"]
    if "ownership" not in frame.columns:
        frame["ownership"] = ""
    national_count = len(frame)
    authorities = tuple(sorted({str(a) for a in frame["authority"]}))
    tiers = frame["tier"].astype(str)
    tier_shares = (float((tiers == "høj").mean()), float((tiers == "forhøjet").mean())) if len(frame) else (0.0, 0.0)
    high = frame.loc[frame["tier"] == "høj", "risk"]
    high_threshold = float(high.min()) if len(high) else None
    if authority is not None:
        frame = frame[frame["authority"] == authority]
    frame = frame.sort_values(["risk", "national_rank"], ascending=[False, True], kind="stable").reset_index(drop=True)
    # the API's ranks (GET /api/v1/risk, its CSV): within the authority when one is chosen, else national;
    # the type filter keeps them, so the page, its PDF and its CSV give a tilbud the same number
    frame["list_rank"] = range(1, len(frame) + 1) if authority is not None else frame["national_rank"].astype(int)
    if facility_type is not None:
        frame = frame[frame["facility_type"] == facility_type].reset_index(drop=True)
    prev_risk: dict[str, float] = {}
    prev_rank: dict[str, int] = {}
    if previous is not None and len(previous):
        prev_risk = {str(k): float(v) for k, v in zip(previous["facility_id"], previous["risk"], strict=True)}
        prev_rank = {str(k): int(v) for k, v in zip(previous["facility_id"], previous["rank"], strict=True)}
    rows = []
    for r in frame.itertuples(index=False):
        fid = str(r.facility_id)
        rows.append(
            RiskRow(
                rank=int(r.list_rank),
                national_rank=int(r.national_rank),
                facility_id=fid,
                name=str(r.name),
                authority=str(r.authority),
                facility_type=str(r.facility_type),
                ownership=str(r.ownership),
                risk=float(r.risk),
                tier=str(r.tier),
                reasons=_reasons(r.top_factors, reasons),
                previous_risk=prev_risk.get(fid),
                previous_rank=prev_rank.get(fid),
            )
        )
    all_notes = list(notes)
    if previous is None:
        all_notes.append("Der er ingen tidligere gemt risikokørsel at sammenligne med: ændringen vises ikke.")
    elif comparison_model_version is not None and comparison_model_version != model_version:
        all_notes.append(
            f"Sammenligningskørslen brugte model {comparison_model_version}: en del af ændringen kan skyldes "
            "den nye model og ikke tilbuddet."
        )
    return RiskListContext(
        as_of=as_of,
        generated_at=generated_at or _now(),
        model_version=model_version,
        model_kind=model_kind,
        authority=authority,
        facility_type=facility_type,
        rows=tuple(rows),
        fairness=fairness_box(frame) if len(frame) else FairnessBox(0, 0, ()),
        national_count=national_count,
        run_id=run_id,
        comparison_as_of=comparison_as_of if previous is not None else None,
        comparison_model_version=comparison_model_version if previous is not None else None,
        high_threshold=high_threshold,
        notes=tuple(all_notes),
        top=top,
        authorities=authorities,
        high_share=high_share,
        elevated_share=elevated_share,
        tier_shares=tier_shares,
    )


# --- Tilbudsprofil -----------------------------------------------------------------------------------


def _facility_info(row: Mapping[str, Any]) -> FacilityInfo:
    approved = _date(row.get("approved_on"))
    if approved is None:
        raise ValueError(f"facility {row.get('facility_id')} has no approval date")
    return FacilityInfo(
        facility_id=str(row["facility_id"]),
        name=str(row["name"]),
        authority=str(row["authority"]),
        municipality=_text(row.get("municipality")) or "",
        postcode=_text(row.get("postcode")) or "",
        facility_type=str(row["facility_type"]),
        ownership=str(row["ownership"]),
        places=int(row["places"]),
        approved_on=approved,
        closed_on=_date(row.get("closed_on")),
        target_group=_text(row.get("target_group")),
        has_board=bool(row.get("has_board") or False),
        respite_only=bool(row.get("respite_only") or False),
    )


def _latest_theme_values(theme_values: pd.DataFrame) -> pd.DataFrame:
    """Per facility and theme the latest value and its date (``facility_id, theme, value, date``)."""
    if theme_values.empty:
        return theme_values[["facility_id", "theme", "value", "date"]]
    ordered = theme_values.sort_values(["facility_id", "theme", "date"], kind="stable")
    return ordered.groupby(["facility_id", "theme"], as_index=False).last()[["facility_id", "theme", "value", "date"]]


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarter_label(day: dt.date) -> str:
    return f"{(day.month - 1) // 3 + 1}. kvt. {day.year}"


def _band(values: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    """Median and quartiles of ``value`` per ``key`` (index ``key``; columns median, low, high, peers)."""
    if values.empty:
        return pd.DataFrame(columns=["median", "low", "high", "peers"], dtype="float64")
    g = values.groupby(key)[value]
    return pd.DataFrame(
        {"median": g.median(), "low": g.quantile(0.25), "high": g.quantile(0.75), "peers": g.size()}
    ).astype("float64")


def _open_in(approved_on: Any, closed_on: Any, start: dt.date, end: dt.date) -> bool:
    """The tilbud was approved before ``end`` and not closed before ``start`` (open for part of the period)."""
    approved, closed = _date(approved_on), _date(closed_on)
    return (approved is None or approved < end) and (closed is None or closed >= start)


def _force_series(
    known: Dataset, info: FacilityInfo, peers: pd.DataFrame, as_of: dt.date, quarters: int
) -> tuple[SeriesPoint, ...]:
    """Magtanvendelser per place per quarter, the last ``quarters`` complete quarters before ``as_of``.

    A quarter in which no tilbud in the data has a report is taken as not reported (the file is missing or
    begins later; among hundreds of tilbud a quarter without any use of force does not happen): no value
    and no band, not a zero. None reported at all: no series (the page says so). A tilbud counts only in the
    quarters it was open for at least a day: before its approval or after its closing it has no value (the
    profile of a tilbud approved yesterday drew three years of zeros), and a peer is not in those quarters'
    band."""
    last_start = _quarter_start(as_of)
    starts = []
    day = last_start
    for _ in range(quarters):
        year, month = (day.year, day.month - 3) if day.month > 3 else (day.year - 1, day.month + 9)
        day = dt.date(year, month, 1)
        starts.append(day)
    starts.reverse()
    if not starts:
        return ()
    uof = known.use_of_force
    first = pd.Timestamp(starts[0])
    uof = uof[(uof["month"] >= first) & (uof["month"] < pd.Timestamp(last_start))]
    quarter_of = uof["month"].dt.to_period("Q").dt.start_time.dt.date
    reported = set(quarter_of)
    if not reported:
        return ()
    ends = dict(zip(starts, [*starts[1:], last_start], strict=True))
    facility_id, places = info.facility_id, info.places
    counts = uof.assign(q=quarter_of).groupby(["facility_id", "q"])["count"].sum()
    own = counts.xs(facility_id, level="facility_id") if facility_id in counts.index.get_level_values(0) else None
    peer_places = peers.set_index("facility_id")["places"].astype(float)
    open_quarters = [
        (str(p.facility_id), q)
        for p in peers.itertuples(index=False)
        for q in starts
        if _open_in(p.approved_on, p.closed_on, q, ends[q])
    ]
    grid = pd.MultiIndex.from_arrays(
        [[f for f, _ in open_quarters], [q for _, q in open_quarters]], names=["facility_id", "q"]
    )
    peer_counts = counts.reindex(grid, fill_value=0).reset_index(name="count")
    peer_counts["rate"] = peer_counts["count"] / peer_counts["facility_id"].map(peer_places).clip(lower=1)
    band = _band(peer_counts, "q", "rate")
    out = []
    for q in starts:
        if q not in reported:
            out.append(SeriesPoint(period=q, label=_quarter_label(q), value=None, peer_median=None, peer_low=None,
                                   peer_high=None))  # fmt: skip
            continue
        value: float | None = None
        if _open_in(info.approved_on, info.closed_on, q, ends[q]):
            value = 0.0 if own is None else float(own.get(q, 0)) / max(places, 1)
        b = band.loc[q] if q in band.index else None
        out.append(
            SeriesPoint(
                period=q,
                label=_quarter_label(q),
                value=value,
                peer_median=None if b is None else _float(b["median"]),
                peer_low=None if b is None else _float(b["low"]),
                peer_high=None if b is None else _float(b["high"]),
                peers=0 if b is None else int(b["peers"]),
            )
        )
    return tuple(out)


def _staff_series(
    known: Dataset, facility_id: str, peers: pd.DataFrame, column: str, as_of: dt.date, years: int
) -> tuple[SeriesPoint, ...]:
    staff = known.staff_figures
    span = list(range(as_of.year - years, as_of.year))
    staff = staff[staff["year"].isin(span)]
    own = staff[staff["facility_id"] == facility_id].set_index("year")[column]
    peer = staff[staff["facility_id"].isin(set(peers["facility_id"]))].dropna(subset=[column])
    band = _band(peer, "year", column)
    if own.dropna().empty and band.empty:
        return ()
    out = []
    for year in span:
        b = band.loc[year] if year in band.index else None
        value = _float(own.get(year)) if year in own.index else None
        out.append(
            SeriesPoint(
                period=dt.date(year, 1, 1),
                label=str(year),
                value=value,
                peer_median=None if b is None else _float(b["median"]),
                peer_low=None if b is None else _float(b["low"]),
                peer_high=None if b is None else _float(b["high"]),
                peers=0 if b is None else int(b["peers"]),
            )
        )
    return tuple(out)


def _factor(raw: Mapping[str, Any]) -> Factor:
    return Factor(
        feature=str(raw.get("feature", "")),
        text=str(raw.get("text", "")),
        shap=float(raw.get("shap", 0.0)),
        value=_float(raw.get("value")),
        comparison=_float(raw.get("comparison")),
    )


def facility_risk(
    explanation: FacilityExplanation, national_count: int, high_share: float = HIGH_TIER_SHARE
) -> FacilityRisk:
    return FacilityRisk(
        risk=explanation.risk,
        rank=explanation.rank,
        national_count=national_count,
        tier=explanation.tier,
        base_value=explanation.base_value,
        margin=explanation.margin,
        model_version=explanation.model_version,
        cold_start=explanation.cold_start,
        factors=tuple(_factor(f) for f in explanation.factors),
        top_factors=tuple(_factor(f) for f in explanation.top_factors),
        high_share=high_share,
        tier_size=explanation.tier_size,
        tier_meant=explanation.tier_meant,
    )


def _inspector_names(ds: Dataset) -> dict[str, str]:
    return {str(i): str(n) for i, n in zip(ds.inspectors["inspector_id"], ds.inspectors["name"], strict=True)}


def _split_ids(text: Any) -> tuple[str, ...]:
    raw = _text(text)
    return () if raw is None else tuple(p.strip() for p in raw.split(";") if p.strip())


def build_facility_profile(
    ds: Dataset,
    facility_id: str,
    *,
    as_of: dt.date,
    explanation: FacilityExplanation | None = None,
    national_count: int = 0,
    authorised: bool = False,
    next_visit: NextVisit | None = None,
    history_quarters: int = HISTORY_QUARTERS,
    staff_years: int = STAFF_YEARS,
    notes: Sequence[str] = (),
    generated_at: dt.datetime | None = None,
    high_share: float = HIGH_TIER_SHARE,
    known: Dataset | None = None,
    theme_values: pd.DataFrame | None = None,
) -> FacilityProfileContext:
    """The profile of one facility as known on ``as_of`` (records dated before it, like the model).

    ``next_visit`` is dropped unless ``authorised`` (an unannounced date must not reach other readers).
    ``known`` and ``theme_values`` may be ``ds.known_at(as_of)`` and its ``visit_theme_values()``, computed
    once by a caller that shows many facilities as of the same day (the same for every facility).
    """
    fac = ds.facilities[ds.facilities["facility_id"].astype(str) == facility_id]
    if fac.empty:
        raise NotFoundError(f"Tilbud '{facility_id}' findes ikke i databasen.")
    info = _facility_info(fac.iloc[0].to_dict())
    if known is None:
        known = ds.known_at(as_of)
    active = known.active_facilities(as_of)
    peers = active[(active["facility_type"] == info.facility_type) & (active["facility_id"] != facility_id)]

    tv = known.visit_theme_values() if theme_values is None else theme_values
    tv = tv[tv["facility_id"].isin(set(peers["facility_id"]) | {facility_id})]
    latest = _latest_theme_values(tv)
    own_latest = latest[latest["facility_id"] == facility_id].set_index("theme")
    peer_median = latest[latest["facility_id"] != facility_id].groupby("theme")["value"].median()
    themes = []
    for theme in Theme:
        has = theme.value in own_latest.index
        themes.append(
            ThemeValue(
                theme=theme.value,
                value=_float(own_latest.at[theme.value, "value"]) if has else None,
                assessed_on=_date(own_latest.at[theme.value, "date"]) if has else None,
                peer_median=_float(peer_median.get(theme.value)),
                applies=theme_applies(theme, FacilityTraits(FacilityType(info.facility_type))),
            )
        )
    own_tv = tv[tv["facility_id"] == facility_id]
    history = []
    for (vid, day), group in own_tv.groupby(["visit_id", "date"], sort=False):
        history.append(
            ThemeAssessment(
                visit_id=str(vid),
                date=_date(day) or as_of,
                values={str(t): round(float(v), 2) for t, v in zip(group["theme"], group["value"], strict=True)},
            )
        )
    history.sort(key=lambda a: (a.date, a.visit_id))
    mean_by_visit = own_tv.groupby("visit_id")["value"].mean()

    names = _inspector_names(ds)
    visits = known.visits[known.visits["facility_id"] == facility_id].sort_values("date", ascending=False)
    visit_rows = tuple(
        VisitRecord(
            visit_id=str(v.visit_id),
            date=_date(v.date) or as_of,
            kind=str(v.kind),
            announced=bool(v.announced),
            inspectors=tuple(names.get(i, i) for i in _split_ids(v.inspector_ids)),
            theme_mean=_float(mean_by_visit.get(v.visit_id)),
        )
        for v in visits.itertuples(index=False)
    )
    events: list[EventRecord] = []
    for s in known.sanctions[known.sanctions["facility_id"] == facility_id].itertuples(index=False):
        kind = SanctionKind(str(s.kind))
        events.append(EventRecord(_date(s.date) or as_of, SANCTION_DA[kind], kind in SERIOUS_SANCTIONS))
    for c in known.concerns[known.concerns["facility_id"] == facility_id].itertuples(index=False):
        sev = Severity(str(c.severity))
        events.append(
            EventRecord(
                _date(c.date) or as_of, f"bekymringshenvendelse (alvor: {SEVERITY_DA[sev]})", sev == Severity.HIGH
            )
        )
    events.sort(key=lambda e: e.date, reverse=True)

    all_notes = list(notes)
    if next_visit is not None and not authorised:
        next_visit = None
    return FacilityProfileContext(
        as_of=as_of,
        generated_at=generated_at or _now(),
        facility=info,
        authorised=authorised,
        themes=tuple(themes),
        theme_history=tuple(history),
        force=_force_series(known, info, peers, as_of, history_quarters),
        turnover=_staff_series(known, facility_id, peers, "staff_turnover_pct", as_of, staff_years),
        sickness=_staff_series(known, facility_id, peers, "sickness_absence_pct", as_of, staff_years),
        visits=visit_rows,
        events=tuple(events),
        risk=None if explanation is None else facility_risk(explanation, national_count, high_share),
        next_visit=next_visit,
        peer_count=len(peers),
        notes=tuple(all_notes),
        authorities=tuple(sorted({str(a) for a in active["authority"]})),
    )


# --- Kvartalsplan ------------------------------------------------------------------------------------


def week_label(monday: dt.date) -> str:
    """``"Uge 41 (5.-9. okt. 2026)"``."""
    friday = monday + dt.timedelta(days=4)
    week = monday.isocalendar().week
    if monday.month == friday.month:
        span = f"{monday.day}.–{friday.day}. {MONTH_ABBR_DA[friday.month - 1]} {friday.year}"
    else:
        first = f"{monday.day}. {MONTH_ABBR_DA[monday.month - 1]}"
        span = f"{first}–{friday.day}. {MONTH_ABBR_DA[friday.month - 1]} {friday.year}"
    return f"Uge {week} ({span})"


#: The planner wrote a risk in a visit's reason as a share ("nr. 63 af 357, risiko 0,06)") before it wrote a
#: percentage; the plan report shows risks as percentages ("risiko 6 %"), so a stored plan's reason does too.
_REASON_RISK = re.compile(r"\brisiko (\d),(\d\d)(?=\))")


def reason_da(reason: str) -> str:
    """A planned visit's reason with its risk as a percentage (plans stored with a share included)."""
    return _REASON_RISK.sub(lambda m: f"risiko {int(m[1] + m[2])} %", reason)


def _plan_row(
    v: PlannedVisit,
    names: Mapping[str, str],
    fac_names: Mapping[str, str],
    risks: Mapping[str, float],
    authorised: bool,
) -> PlanVisitRow:
    hide = not v.announced and not authorised
    return PlanVisitRow(
        facility_id=v.facility_id,
        facility_name=fac_names.get(v.facility_id, v.facility_id),
        date=None if hide else v.date,
        announced=v.announced,
        kind=v.kind.value,
        reason=visit_reason_for_reader_da(v.reason_code.value) if hide else reason_da(v.reason),
        locked=v.locked,
        risk=risks.get(v.facility_id),
        inspectors=() if hide else tuple(names.get(i, i) for i in v.inspector_ids),
    )


def _deadline_reason(first: PlannedVisit | None, authorised: bool) -> str:
    """The reason of a tilbud's first visit in the quarter for the deadline table (a reader's for a hidden date)."""
    if first is None:
        return "Ikke planlagt i kvartalet"
    if not first.announced and not authorised:
        return visit_reason_for_reader_da(first.reason_code.value)
    return reason_da(first.reason)


def missed_deadline(deadline: dt.date, plan: Plan, quarter_start: dt.date) -> str:
    """Why the plan cannot keep the deadline of a facility it lists as overdue (a key of
    ``reports.context.MISSED_DA``).

    The planner calls a deadline overdue when it falls before the first day a visit can be planned: that
    is a deadline that has passed (before the as-of date), but also one between the as-of date and the
    quarter's start (a visit in the current quarter still keeps it), one in the quarter before its first
    working day (3 January on a Sunday, with 1 January a holiday) and one the minimum gap after an earlier
    visit rules out. Only the first is a broken deadline.
    """
    return missed_deadline_on(deadline, plan.as_of, plan.start, quarter_start)


def missed_deadline_on(deadline: dt.date, as_of: dt.date, start: dt.date, quarter_start: dt.date) -> str:
    """:func:`missed_deadline` for a plan made as of ``as_of`` that plans from ``start`` (also for a stored plan)."""
    if deadline < as_of:
        return "passed"
    if deadline < quarter_start:
        return "before_quarter"
    day = max(start, quarter_start)
    while day <= deadline and not is_working_day(day):
        day += dt.timedelta(days=1)
    return "before_first_working_day" if day > deadline else "before_first_possible_day"


def _deadline_warnings(plan: Plan, quarter_start: dt.date) -> list[str]:
    """The warnings about the deadlines the plan cannot keep, one per reason (as ``missed_deadline``)."""
    groups: dict[str, int] = defaultdict(int)
    # a best-effort plan places some of them after the quarter, or nowhere (``late``): not "as soon as possible"
    late_ids = {o.facility_id for o in plan.analysis.late}
    left_out: dict[str, int] = defaultdict(int)
    for o in plan.analysis.overdue:
        group = missed_deadline(o.deadline, plan, quarter_start)
        groups[group] += 1
        left_out[group] += o.facility_id in late_ids

    def see(group: str) -> str:
        if left_out[group]:
            return "(se de overskredne frister ovenfor og listen over tilbud ved fristen)."
        return "(se listen over tilbud ved fristen)."

    def fate(n: int, group: str, *, inverted: bool = False) -> str:
        """When ``n`` tilbud are visited ("de besøges", after "ellers" "besøges de"), or that capacity is short."""
        it, they = ("det", "det") if n == 1 else ("dem", "de")
        if (k := left_out[group]) == n:
            return f"kapaciteten rækker ikke til at besøge {it} i kvartalet"
        visited = f"besøges {they}" if inverted else f"{they} besøges"
        if not k:
            return f"{visited} hurtigst muligt i kvartalet"
        return (
            f"{visited} hurtigst muligt i kvartalet, undtagen {format_number_da(k, 0)}, som kapaciteten ikke rækker til"
        )

    def advice(n: int, group: str) -> str:
        """What to do about ``n`` tilbud ("det"/"dem", "besøges det"/"besøges de")."""
        it = "det" if n == 1 else "dem"
        # a visit before the plan starts keeps the deadline when the plan is made before its quarter
        if plan.as_of < quarter_start:
            then = fate(n, group) if left_out[group] == n else "ellers " + fate(n, group, inverted=True)
            return f"besøg {it} allerede i indeværende kvartal — {then}"
        return fate(n, group)

    out = []
    if n := groups["passed"]:
        out.append(
            f"{format_number_da(n, 0)} tilbud har allerede overskredet fristen for uanmeldt besøg (fristen lå før "
            f"opgørelsesdatoen {format_date_da(plan.as_of)}); {advice(n, 'passed')} {see('passed')}"
        )
    if n := groups["before_quarter"]:
        out.append(
            f"{format_number_da(n, 0)} tilbud har en frist for uanmeldt besøg, der falder før kvartalet "
            f"begynder; {advice(n, 'before_quarter')} {see('before_quarter')}"
        )
    if n := groups["before_first_working_day"]:
        first = first_working_day(max(plan.start, quarter_start))
        out.append(
            f"{format_number_da(n, 0)} tilbud har en frist for uanmeldt besøg, der falder i "
            f"kvartalet, men før planens første arbejdsdag ({format_date_da(first)}); "
            f"{advice(n, 'before_first_working_day')} {see('before_first_working_day')}"
        )
    if n := groups["before_first_possible_day"]:
        out.append(
            f"{format_number_da(n, 0)} tilbud har en frist for uanmeldt besøg, der falder før den "
            f"første dag, et besøg kan lægges (mindsteafstanden til et tidligere besøg); "
            f"{advice(n, 'before_first_possible_day')} {see('before_first_possible_day')}"
        )
    return out


def build_plan_report(
    plan: Plan,
    ds: Dataset,
    *,
    plan_id: int | None = None,
    authorised: bool = False,
    risks: Mapping[str, float] | None = None,
    deadlines: Mapping[str, dt.date] | None = None,
    generated_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
) -> PlanReportContext:
    """The quarterly plan (the plan of record: ``plan.quarter``) per inspector and week.

    ``deadlines`` (facility id -> the legal due date of its next unannounced visit, e.g. from the
    planning problem) lists every facility due within the quarter; without it the facilities whose
    visit sits where it does because of its deadline are listed. Unannounced dates are left out unless
    ``authorised``.
    """
    risks = risks or {}
    q_start, q_end = quarter_bounds(plan.quarter)
    names = _inspector_names(ds)
    fac_names = {str(i): str(n) for i, n in zip(ds.facilities["facility_id"], ds.facilities["name"], strict=True)}
    fac_authority = {
        str(i): str(a) for i, a in zip(ds.facilities["facility_id"], ds.facilities["authority"], strict=True)
    }
    in_quarter = [v for v in plan.visits if v.date <= q_end]
    analysis = plan.analysis

    # --- per inspector and week ---
    # A reader who may not see unannounced dates may not see who makes those visits either (the
    # inspector's calendar would give the date away): they are listed apart, without inspector or week.
    by_inspector: dict[str, list[PlannedVisit]] = defaultdict(list)
    confidential: list[PlanVisitRow] = []
    for v in in_quarter:
        if not v.announced and not authorised:
            confidential.append(_plan_row(v, names, fac_names, risks, authorised))
            continue
        for iid in v.inspector_ids:
            by_inspector[iid].append(v)
    insp = ds.inspectors
    if plan.authority is not None:
        insp = insp[insp["authority"] == plan.authority]
    known_ids = [str(i) for i in insp["inspector_id"]]
    authority_of = {
        str(i): str(a) for i, a in zip(ds.inspectors["inspector_id"], ds.inspectors["authority"], strict=True)
    }
    ids = list(
        dict.fromkeys(
            [*sorted(known_ids, key=lambda i: (authority_of.get(i, ""), names.get(i, i))), *sorted(by_inspector)]
        )
    )
    plans = []
    # capacity per authority: every visit counts (the unannounced ones are listed with their socialtilsyn anyway)
    cap: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for iid in ids:
        visits = sorted(by_inspector.get(iid, []), key=lambda v: (v.date, v.facility_id))
        weeks: dict[dt.date, list[PlanVisitRow]] = {}
        for v in visits:
            row = _plan_row(v, names, fac_names, risks, authorised)
            weeks.setdefault(v.date - dt.timedelta(days=v.date.weekday()), []).append(row)
        week_list = [WeekVisits(week_label(k), k, tuple(rows)) for k, rows in sorted(weeks.items())]
        n_visits = int(analysis.visits_first_quarter_by_inspector.get(iid, len(visits)))
        n_capacity = int(analysis.capacity_first_quarter_by_inspector.get(iid, 0))
        authority = authority_of.get(iid, "")
        if n_visits or n_capacity:
            cap[authority][0] += n_visits
            cap[authority][1] += n_capacity
        # no capacity this quarter (former staff, on leave) and nothing to show: not listed (a reader is not told
        # of an unannounced visit such an inspector makes)
        if not visits and n_capacity == 0 and (n_visits == 0 or not authorised):
            continue
        cap[authority][2] += 1
        plans.append(
            InspectorPlan(
                inspector_id=iid,
                name=names.get(iid, iid),
                authority=authority,
                weeks=tuple(week_list),
                # a reader: the announced visits shown, no capacity -- an inspector's total counts its unannounced
                # visits (who makes them is confidential), and beside its capacity tells a full inspector's days
                visits=n_visits if authorised else len(visits),
                capacity=n_capacity if authorised else None,
            )
        )
    confidential.sort(key=lambda r: r.facility_name)
    capacity = tuple(CapacityRow(a, v, c, n) for a, (v, c, n) in sorted(cap.items()))

    # --- at the deadline ---
    first_in_quarter: dict[str, PlannedVisit] = {}
    for v in sorted(in_quarter, key=lambda v: v.date):
        first_in_quarter.setdefault(v.facility_id, v)
    overdue = {o.facility_id: o for o in analysis.overdue}
    # a best-effort plan's missed deadlines in the quarter are listed as the planner's overdue ones are, "overskrides
    # i planen" (the earliest per tilbud; the warning box lists every one in the horizon)
    late_in_quarter: dict[str, OverdueFacility] = {}
    for missed_late in sorted(analysis.late, key=lambda r: r.deadline):
        if missed_late.deadline <= q_end and missed_late.facility_id not in overdue:
            late_in_quarter.setdefault(missed_late.facility_id, missed_late)
    rows: list[DeadlineRow] = []
    if deadlines:  # an empty map (a plan stored without its due dates) falls back to the reasons
        due_ids = {fid for fid, d in deadlines.items() if d <= q_end} | set(overdue) | set(late_in_quarter)
    else:
        due_ids = (
            {
                v.facility_id
                for v in in_quarter
                if v.reason_code in (ReasonCode.DEADLINE, ReasonCode.OVERDUE, ReasonCode.NEW_FACILITY, ReasonCode.LATE)
            }
            | set(overdue)
            | set(late_in_quarter)
        )
    for fid in due_ids:
        first = first_in_quarter.get(fid)
        o = overdue.get(fid)
        lo = late_in_quarter.get(fid)
        deadline = o.deadline if o is not None else lo.deadline if lo is not None else (deadlines or {}).get(fid)
        missed = "late" if lo is not None else None if o is None else missed_deadline(o.deadline, plan, q_start)
        planned = None
        if first is not None and (first.announced or authorised):
            planned = first.date
        elif first is None and o is not None and o.planned_date is not None and authorised:
            planned = o.planned_date
        elif first is None and lo is not None and lo.planned_date is not None and authorised:
            planned = lo.planned_date  # after the quarter
        rows.append(
            DeadlineRow(
                facility_id=fid,
                facility_name=fac_names.get(fid, fid),
                authority=o.authority if o is not None else fac_authority.get(fid, ""),
                deadline=deadline,
                planned_date=planned,
                overdue=o is not None or lo is not None,
                reason=_deadline_reason(first, authorised),
                planned_announced=first is not None and first.announced,
                missed=missed,
            )
        )
    rows.sort(key=lambda r: (not r.passed, not r.overdue, r.deadline or dt.date.max, r.facility_name))

    # --- warnings ---
    warnings = _deadline_warnings(plan, q_start)
    for cap_row in capacity:
        u = cap_row.utilisation
        if u is not None and u >= NEAR_FULL:
            warnings.append(
                f"{cap_row.authority_label} bruger {round(u * 100)} % af kapaciteten i "
                f"{plan.quarter.replace('Q', 'K')}: "
                "toårsreglen har ingen margin, hvis en tilsynskonsulent bliver syg. Overvej mere kapacitet."
            )
    if not analysis.check_ok:
        warnings.append("Det uafhængige tjek fandt brud på de faste regler: " + "; ".join(analysis.violations[:10]))
    if analysis.status != "optimal" and analysis.gap > 0.02:
        warnings.append(
            f"Planen er ikke bevist optimal: op til {round(analysis.gap * 100, 1)} % fra den bedst mulige "
            "(løseren stoppede ved tidsgrænsen)."
        )
    warnings.extend(n for n in analysis.notes if n)
    if authorised:  # they name the weeks of locked visits, unannounced ones included
        warnings.extend(n for n in analysis.confidential_notes if n)

    baseline = analysis.baseline
    rule_costs = tuple(
        RuleCost(rule=k, label=RULE_DA.get(k, k), cost=int(v))
        for k, v in sorted(analysis.rule_costs.items(), key=lambda kv: -kv[1])
        if authorised or k not in VISIT_TIMING_COSTS  # with one overdue tilbud, its unannounced visit's week
    )
    return PlanReportContext(
        plan_id=plan_id,
        created_at=created_at,
        quarter=plan.quarter,
        as_of=plan.as_of,
        generated_at=generated_at or _now(),
        authority=plan.authority,
        status=plan.status,
        start=max(plan.start, q_start),
        end=plan.end,
        quarter_end=q_end,
        authorised=authorised,
        inspectors=tuple(plans),
        capacity=capacity,
        deadlines=tuple(rows),
        baseline=BaselineView(
            plan_risk_lateness=baseline.plan_risk_lateness,
            baseline_risk_lateness=baseline.baseline_risk_lateness,
            top_decile_count=baseline.top_decile_count,
            plan_top_decile_first_quarter=baseline.plan_top_decile_first_quarter,
            baseline_top_decile_first_quarter=baseline.baseline_top_decile_first_quarter,
            ratio=baseline.ratio,
            baseline_missed_deadlines=baseline.baseline_missed_deadlines,
            # a best-effort plan's checker accepts its recorded missed deadlines: they are counted here
            plan_missed_deadlines=len(analysis.late) if plan.best_effort else 0 if analysis.check_ok else None,
            overdue=len(analysis.overdue),
            top_group=plan_top_group_da(
                [plan.authority] if plan.authority else [a.authority for a in analysis.authorities],
                baseline.top_share,
                baseline.top_scope,
                baseline.top_pool,
            ),
            top_split=top_split_da(baseline.top_by_authority) if baseline.top_scope == "national" else "",
        ),
        warnings=tuple(warnings),
        rule_costs=rule_costs,
        gap=analysis.gap,
        visits_in_quarter=len(in_quarter),
        visits_in_horizon=len(plan.visits),
        hidden_dates=len(confidential),
        confidential_visits=tuple(confidential),
        planned_authorities=tuple(a.authority for a in analysis.authorities),
        late=tuple(
            LateRow(
                facility_id=o.facility_id,
                facility_name=fac_names.get(o.facility_id, o.facility_id),
                authority=o.authority,
                deadline=o.deadline,
                planned=o.planned_date is not None,
                planned_date=o.planned_date if authorised else None,
                weeks_late=o.weeks_late if authorised else None,
            )
            for o in analysis.late
        ),
        shortfall=tuple(
            ShortfallRow(s.authority, s.quarter, s.inspector_days, len(s.facility_ids), s.note, s.first_visit)
            for s in analysis.shortfall
        ),
    )


# --- Modelkort ---------------------------------------------------------------------------------------


def _iso(value: Any, fallback: dt.date) -> dt.date:
    d = _date(value) if value not in (None, "") else None
    return d or fallback


#: The method text of models stored before it was written in Danish (their meta.json keeps it).
_OFFSETS_METHOD_EN = "fixed effects: authority + theme x facility type x year, least squares, shrunk"


def _offsets_method_da(method: str) -> str:
    return AuthorityOffsets().method if method == _OFFSETS_METHOD_EN else method


def _hyper_value_da(value: object) -> str:
    """A hyperparameter's value the Danish way: ``0,05``, ``1.000``, *Platt-skalering*, ``–`` for none."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return format_number_da(value, 0)
    if isinstance(value, float):
        return format_number_da(value, 0) if value.is_integer() else repr(value).replace(".", ",")
    return HYPERPARAMETER_VALUE_DA.get(str(value), str(value))


def _expert_direction(feature: str) -> int:
    """+1 when the expert score's rules on ``feature`` fire on high values, -1 on low values, 0 without a rule."""
    ops = {rule.op for rule in EXPERT_RULES if rule.feature == feature}
    return 1 if ops == {">="} else -1 if ops == {"<="} else 0


def build_model_card(meta: Mapping[str, Any], *, generated_at: dt.datetime | None = None) -> ModelCardContext:
    """The model card of a stored model (its ``meta.json``: ``models.store.StoredModel.meta``)."""
    try:
        as_of = _iso(meta["as_of"], dt.date.today())
        window = meta.get("training_window") or [meta["as_of"], meta["as_of"]]
    except KeyError as error:
        raise InvalidArgumentError(f"Modelkortet mangler feltet {error}.") from None
    importance: Mapping[str, float] = meta.get("global_importance") or {}
    without_data = set(meta.get("features_without_data") or ())  # not in a card stored before: none known
    cold_start = bool(meta.get("cold_start", False))
    features = tuple(
        FeatureRow(
            name=str(f["name"]),
            # the expert score's direction is its rules' (a young approval raises it), not LightGBM's bindings
            monotone=_expert_direction(str(f["name"])) if cold_start else int(f.get("monotone", 0)),
            categorical=bool(f.get("categorical", False)),
            importance=_float(importance.get(str(f["name"]))),
            expert=cold_start,
            no_data=str(f["name"]) in without_data,
        )
        for f in meta.get("features", [])
    )
    # those without data last: an importance that could not be measured is not the smallest one measured
    features = tuple(sorted(features, key=lambda f: (f.no_data, -(f.importance or 0.0))))
    no_data_sources = tuple(dict.fromkeys(FEATURE_SOURCES.get(f.name, f.name) for f in features if f.no_data))
    # a lead within the noise: the risk used blends LightGBM with the expert score, its row right after LightGBM's
    metrics = tuple(
        MetricRow(
            score=str(row["score"]),
            auc=_float(row.get("auc")),
            precision_top10=_float(row.get("precision_top10")),
            base_rate=_float(row.get("base_rate")),
            rows=None if _float(row.get("rows")) is None else int(float(row["rows"])),
            blended=bool(row["blended"]),
        )
        for row in metric_rows(meta)
    )
    periods = tuple(
        Period(str(p["name"]), _iso(p["start"], as_of), _iso(p["end"], as_of), int(p["rows"]), int(p["positives"]))
        for p in meta.get("periods") or []
    )
    reliability = tuple(
        ReliabilityBin(int(b["bin"]), int(b["n"]), float(b["mean_predicted"]), float(b["observed_rate"]))
        for b in meta.get("reliability") or []
        if _float(b.get("mean_predicted")) is not None and _float(b.get("observed_rate")) is not None
    )
    offsets_raw = meta.get("authority_offsets") or {}
    counts = offsets_raw.get("counts") or {}
    offsets = tuple(
        OffsetRow(authority=str(a), offset=float(v), observations=int(counts.get(a, 0)))
        for a, v in sorted((offsets_raw.get("offsets") or {}).items())
    )
    hyper = tuple(
        (str(k), HYPERPARAMETER_DA.get(str(k), str(k)), _hyper_value_da(v))
        for k, v in sorted((meta.get("hyperparameters") or {}).items())
    )
    if meta.get("min_child_samples_used") is not None:  # the leaf minimum scaled to the data (risk_model.leaf_size)
        key = "min_child_samples_used"
        hyper = (*hyper, (key, HYPERPARAMETER_DA[key], _hyper_value_da(meta[key])))
    labelled = meta.get("labelled_period")
    fairness = meta.get("fairness")
    return ModelCardContext(
        version=str(meta.get("version", "")),
        created_at=str(meta.get("created_at", "")),
        as_of=as_of,
        generated_at=generated_at or _now(),
        kind_code=str(meta.get("kind", "")),
        cold_start=cold_start,
        cold_start_reason=str(meta.get("cold_start_reason", "") or ""),
        window_start=_iso(window[0], as_of),
        window_end=_iso(window[1], as_of),
        horizon_months=(meta.get("hyperparameters") or {}).get("horizon_months"),
        training_rows=int(meta.get("training_rows", 0)),
        positive_labels=int(meta.get("positive_labels", 0)),
        snapshots=int(meta.get("snapshots", 0)),
        labelled_months=None if meta.get("labelled_months") is None else int(meta["labelled_months"]),
        labelled_first=_date(labelled[0]) if labelled else None,
        labelled_last=_date(labelled[1]) if labelled else None,
        features=features,
        metrics=metrics,
        periods=periods,
        reliability=reliability,
        expected_calibration_error=None
        if not any(b.observed_rate for b in reliability)
        else _float(
            meta.get("expected_calibration_error")
        ),  # no serious finding where it was measured (a card stored before said "6,3 %" against none)
        offsets=offsets,
        offsets_method=_offsets_method_da(str(offsets_raw.get("method", ""))),
        fairness=None if not fairness else fairness_box_from_audit(fairness),
        hyperparameters=hyper,
        short_history=bool(meta.get("short_history", False)),
        short_history_trees=(meta.get("hyperparameters") or {}).get("short_history_trees"),
        learn_from=str((meta.get("hyperparameters") or {}).get("learn_from") or ""),
        authorities=_card_authorities(meta),
        label_visits=None if meta.get("label_visits") is None else int(meta["label_visits"]),
        unscored_visits=None if meta.get("unscored_visits") is None else int(meta["unscored_visits"]),
        no_data_sources=no_data_sources,
        lead_note=lead_note_da(meta),
    )


def _card_authorities(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The socialtilsyn of the training data: stored with the card, else (a card from before) those of the
    fairness audit's scored tilbud."""
    stored = meta.get("authorities")
    if stored:
        return tuple(str(a) for a in stored)
    groups = ((meta.get("fairness") or {}).get("groups") or {}).get("authority") or []
    return tuple(sorted({str(g.get("group")) for g in groups if g.get("group")}))

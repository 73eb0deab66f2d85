"""One typed context object per report: frozen dataclasses holding exactly what a report shows.

Builders in :mod:`reports.build` make them from the data, model and planner outputs; :mod:`reports.html`
renders them (charts are drawn from the context at render time). Codes stay English (``authority``,
``facility_type``, ``tier``...); the ``*_label`` properties give the Danish words from
:mod:`data.glossary`. Confidential values (unannounced visit dates) only enter a context built for an
authorised reader: the contexts refuse them otherwise (``__post_init__``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from data.enums import Authority, FacilityType, Ownership, Theme, VisitKind
from data.glossary import (
    FACILITY_TYPE_PLURAL_DA,
    NO_CALIBRATION_ERROR_DA,
    NOTHING_TO_MEASURE_DA,
    PLAN_STATUS_DA,
    RISK_FEATURE_DA,
    RISK_SCORE_DA,
    authorities_da,
    authority_levels_da,
    covers_all_authorities,
    danish_code,
    deadline_rule_da,
    fairness_tie_da,
    format_count_da,
    format_date_da,
    format_number_da,
    format_percent_da,
    plan_scope_da,
    risk_tier_da,
    thin_calibration_da,
    unscored_visits_da,
    weeks_late_da,
    within_authorities_da,
)
from models.risk_model import ELEVATED_TIER_SHARE, HIGH_TIER_SHARE, MIN_HELD_OUT_POSITIVES


def authority_label(code: str | None) -> str:
    if code is None:
        return "Alle socialtilsyn"
    return danish_code(Authority, code)


def facility_type_label(code: str | None) -> str:
    if code is None:
        return "Alle tilbudstyper"
    return danish_code(FacilityType, code)


def ownership_label(code: str) -> str:
    return danish_code(Ownership, code)


def feature_label(name: str) -> str:
    return RISK_FEATURE_DA.get(name, name)


def theme_label(code: str) -> str:
    return danish_code(Theme, code)


def visit_kind_label(code: str) -> str:
    return danish_code(VisitKind, code)


# --- shared pieces -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedFilter:
    """A filter the reader chose, as shown at the top of a report (``"Socialtilsyn"``, ``"Socialtilsyn Midt"``)."""

    name: str
    value: str


@dataclass(frozen=True)
class FairnessRow:
    """One group (an ownership form or an authority): its share of all listed facilities and of the top decile."""

    group: str  # code, e.g. "privat" or "midt"
    label: str  # Danish
    facilities: int
    share_overall: float  # 0-1
    in_top_decile: float  # tilbud tied at the decile's cut count as a fraction (models.fairness)
    share_top_decile: float  # 0-1
    mean_risk: float | None = None
    share_serious_findings: float | None = None  # of the training window's serious findings (model card)

    @property
    def ratio(self) -> float | None:
        """Share in the top decile relative to the share overall (> 1: over-represented)."""
        return None if self.share_overall <= 0 else self.share_top_decile / self.share_overall


@dataclass(frozen=True)
class FairnessTable:
    dimension: str  # "ownership" / "authority"
    title: str  # "Ejerform" / "Socialtilsyn"
    rows: tuple[FairnessRow, ...]


@dataclass(frozen=True)
class FairnessBox:
    """Top-decile shares against overall shares, per ownership form and per authority."""

    facilities: int
    top_decile_size: int
    tables: tuple[FairnessTable, ...]
    tied_at_cut: int = 0  # tilbud with the risk at the decile's cut, when more than the places left for it
    places_at_cut: int = 0

    @property
    def tie_note(self) -> str:
        """How tilbud of equal risk at the decile's cut are counted (the order of their ids must not decide)."""
        return fairness_tie_da(self.tied_at_cut, self.places_at_cut)


# --- Risikoliste -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    rank: int  # as the API ranks: 1 = riskiest in the authority chosen, else nationally (a type filter keeps it)
    national_rank: int
    facility_id: str
    name: str
    authority: str
    facility_type: str
    ownership: str
    risk: float  # probability 0-1
    tier: str  # "høj" / "forhøjet" / "normal"
    reasons: tuple[str, ...]  # the top reasons, Danish sentences
    previous_risk: float | None = None  # in the comparison run (None: not scored then)
    previous_rank: int | None = None  # national rank in the comparison run

    @property
    def change(self) -> float | None:
        return None if self.previous_risk is None else self.risk - self.previous_risk

    @property
    def rank_change(self) -> int | None:
        """Places moved up the national list since the comparison run (positive: riskier now)."""
        return None if self.previous_rank is None else self.previous_rank - self.national_rank

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)

    @property
    def facility_type_label(self) -> str:
        return facility_type_label(self.facility_type)

    @property
    def ownership_label(self) -> str:
        return ownership_label(self.ownership)


@dataclass(frozen=True)
class RiskListContext:
    template: ClassVar[str] = "reports/risk_list.html"
    kind: ClassVar[str] = "risk"

    as_of: dt.date
    generated_at: dt.datetime
    model_version: str
    model_kind: str  # "lightgbm" / "expert" (cold start)
    authority: str | None
    facility_type: str | None
    rows: tuple[RiskRow, ...]
    fairness: FairnessBox
    national_count: int  # active facilities scored nationally
    run_id: int | None = None
    comparison_as_of: dt.date | None = None  # the earlier run the change is measured against
    comparison_model_version: str | None = None
    high_threshold: float | None = None  # lowest risk in tier "høj" (national)
    notes: tuple[str, ...] = ()
    top: int | None = None  # the table lists only the ``top`` riskiest rows (counts and charts cover all)
    authorities: tuple[str, ...] = ()  # the socialtilsyn of the scored tilbud (empty: not known)
    high_share: float = HIGH_TIER_SHARE  # the tiers' shares (TILSYNSPLAN_TOP_TIER_SHARE and the next)
    elevated_share: float = ELEVATED_TIER_SHARE
    tier_shares: tuple[float, float] = (0.0, 0.0)  # measured shares of "høj" and "forhøjet" in the whole run

    confidential: ClassVar[bool] = False  # no unannounced dates in a risk list

    @property
    def empty_note(self) -> str:
        """Said instead of the figures when the filters leave no tilbud (a tilsyn that imported only its own
        tilbud and asked for another's list): which, as of when, and where the data have tilbud."""
        what = "tilbud"
        if self.facility_type is not None:
            what = FACILITY_TYPE_PLURAL_DA.get(FacilityType(self.facility_type), self.facility_type)
        where = "" if self.authority is None else f" i {authority_label(self.authority)}"
        note = f"Ingen aktive {what}{where} pr. {format_date_da(self.as_of)}"
        if self.authority is not None and self.authorities and self.authority not in self.authorities:
            note += f"; data har tilbud i {authorities_da(self.authorities)}"
        return note + "."

    @property
    def tiers_as_meant(self) -> bool:
        """The tiers hold their shares (rounded up to whole tilbud). Equal risks always share a tier, so with
        many equal risks (a coarse cold-start score, a small tilsyn) "høj" can hold far more than its share."""
        n = self.national_count
        if n == 0:
            return True
        high, elevated = self.tier_shares
        slack = 1.0 / n  # the shares are rounded up to whole tilbud
        return high <= self.high_share + slack and high + elevated <= self.high_share + self.elevated_share + slack

    @property
    def tier_note(self) -> str:
        """What the tiers are: their shares, or -- when ties make them differ -- what they hold instead."""
        meant = (
            f'Gruppen „høj" er de {format_percent_da(self.high_share)} mest risikable {self.tier_scope}, '
            f'„forhøjet" de næste {format_percent_da(self.elevated_share)}.'
        )
        if self.tiers_as_meant:
            return meant
        high, elevated = self.tier_shares
        return (
            f'Gruppen „høj" skal være de {format_percent_da(self.high_share)} mest risikable {self.tier_scope} og '
            f'„forhøjet" de næste {format_percent_da(self.elevated_share)}, men tilbud med samme risiko er altid i '
            f'samme gruppe, og her har mange tilbud samme risiko: „høj" rummer {format_percent_da(high)} og '
            f'„forhøjet" {format_percent_da(elevated)} af tilbuddene {self.tier_scope}.'
        )

    @property
    def high_line_caption(self) -> str:
        """The histogram's caption: what the dashed line (the lowest risk in "høj") marks."""
        head = "Fordelingen af risikoen blandt tilbuddene i listen. Den stiplede linje er grænsen for høj risiko"
        if self.tiers_as_meant:
            return f"{head} (de {format_percent_da(self.high_share)} mest risikable {self.tier_scope})."
        return (
            f'{head} (gruppen „høj" rummer her {format_percent_da(self.tier_shares[0])} af tilbuddene '
            f"{self.tier_scope}, fordi mange har samme risiko)."
        )

    @property
    def title(self) -> str:
        if self.authority is not None:
            scope = authority_label(self.authority)
        else:
            scope = "national" if covers_all_authorities(self.authorities) else authorities_da(self.authorities)
        return f"Risikoliste — {scope}"

    @property
    def tier_scope(self) -> str:
        """Where the tiers are shares of: "nationalt", or "i Socialtilsyn Nord" for a tilsyn's own data."""
        return within_authorities_da(self.authorities)

    @property
    def rank_note(self) -> str:
        """What the numbers count when the list is filtered by type (they keep the ranks, as the CSV)."""
        if self.facility_type is None:
            return ""
        scope = f"i {authority_label(self.authority)}" if self.authority is not None else self.tier_scope
        return f"Nr. er tilbuddets placering {scope} blandt alle tilbudstyper, som i CSV-filen."

    @property
    def listed_rows(self) -> tuple[RiskRow, ...]:
        """The rows the table shows: all, or the ``top`` riskiest."""
        return self.rows if self.top is None else self.rows[: self.top]

    @property
    def filters(self) -> tuple[AppliedFilter, ...]:
        scope = authority_label(self.authority)
        if self.authority is None and not covers_all_authorities(self.authorities):
            scope = f"Alle i data: {authorities_da(self.authorities)}"  # the title names them: "all" is these
        out = [AppliedFilter("Socialtilsyn", scope)]
        out.append(AppliedFilter("Tilbudstype", facility_type_label(self.facility_type)))
        return tuple(out)

    @property
    def tier_counts(self) -> dict[str, int]:
        counts = {"høj": 0, "forhøjet": 0, "normal": 0}
        for row in self.rows:
            counts[row.tier] = counts.get(row.tier, 0) + 1
        return counts


# --- Tilbudsprofil -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityInfo:
    facility_id: str
    name: str
    authority: str
    municipality: str
    postcode: str
    facility_type: str
    ownership: str
    places: int
    approved_on: dt.date
    closed_on: dt.date | None = None
    target_group: str | None = None
    has_board: bool = False
    respite_only: bool = False

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)

    @property
    def facility_type_label(self) -> str:
        return facility_type_label(self.facility_type)

    @property
    def ownership_label(self) -> str:
        return ownership_label(self.ownership)


@dataclass(frozen=True)
class ThemeValue:
    theme: str  # code
    value: float | None  # the facility's latest value (None: never assessed)
    assessed_on: dt.date | None
    peer_median: float | None  # median of the latest values of the same type's facilities
    applies: bool = True  # False: the quality model never assesses this theme for the facility's type

    @property
    def label(self) -> str:
        return theme_label(self.theme)


@dataclass(frozen=True)
class ThemeAssessment:
    """The theme values of one visit (theme code -> value; themes not assessed are absent)."""

    visit_id: str
    date: dt.date
    values: dict[str, float]

    def value(self, theme: str) -> float | None:
        return self.values.get(theme)


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a facility's figure against its peer group (same type, all authorities)."""

    period: dt.date  # first day of the month/quarter/year
    label: str  # "2025", "3. kvt. 2025"
    value: float | None
    peer_median: float | None
    peer_low: float | None  # 25th percentile
    peer_high: float | None  # 75th percentile
    peers: int = 0


#: A contribution (log-odds) below this moves nothing: shown without a direction (a cold-start expert
#: score gives exactly 0 for every warning sign that is absent).
NO_EFFECT = 0.0005


@dataclass(frozen=True)
class Factor:
    """One feature's contribution to the risk (SHAP, log-odds) with its Danish sentence."""

    feature: str
    text: str
    shap: float
    value: float | None = None
    comparison: float | None = None

    @property
    def label(self) -> str:
        return feature_label(self.feature)

    @property
    def direction(self) -> str:
        return {"none": "påvirker ikke risikoen", "up": "øger risikoen", "down": "sænker risikoen"}[self.css]

    @property
    def css(self) -> str:
        """``up``, ``down`` or ``none`` (a contribution too small to show a direction)."""
        if abs(self.shap) < NO_EFFECT:
            return "none"
        return "up" if self.shap > 0 else "down"


@dataclass(frozen=True)
class FacilityRisk:
    risk: float
    rank: int
    national_count: int
    tier: str
    base_value: float  # the model's average output (log-odds)
    margin: float  # this facility's output (log-odds) = base + sum of contributions
    model_version: str
    cold_start: bool
    factors: tuple[Factor, ...]  # all, largest |shap| first
    top_factors: tuple[Factor, ...]  # the ones raising risk most
    high_share: float = HIGH_TIER_SHARE  # TILSYNSPLAN_TOP_TIER_SHARE when the tier was given
    tier_size: int | None = None  # facilities in the tier (equal risks share one), when known
    tier_meant: int | None = None  # the tier's share in whole facilities

    @property
    def tier_label(self) -> str:
        """What the tier means: "høj risiko (de 10 % højeste)", or how many it holds when ties make it differ."""
        return risk_tier_da(
            self.tier,
            self.high_share,
            ELEVATED_TIER_SHARE,
            size=self.tier_size,
            meant=self.tier_meant,
            of=self.national_count,
        )


@dataclass(frozen=True)
class VisitRecord:
    """A visit that happened (history: dates of past visits are not confidential)."""

    visit_id: str
    date: dt.date
    kind: str
    announced: bool
    inspectors: tuple[str, ...]  # names (ids when unknown)
    theme_mean: float | None

    @property
    def kind_label(self) -> str:
        return visit_kind_label(self.kind)


@dataclass(frozen=True)
class EventRecord:
    """A sanction or a concern report in the facility's history."""

    date: dt.date
    what: str  # Danish: "påbud", "bekymringshenvendelse (høj alvor)"
    serious: bool


@dataclass(frozen=True)
class NextVisit:
    """The next visit: an agreed (locked) one or the latest stored plan's, whichever comes first. Confidential
    when unannounced."""

    date: dt.date
    announced: bool
    kind: str
    inspectors: tuple[str, ...]
    reason: str
    plan_id: int | None = None
    locked: bool = False  # an agreed (locked) visit: every plan keeps it

    @property
    def kind_label(self) -> str:
        return visit_kind_label(self.kind)


@dataclass(frozen=True)
class FacilityProfileContext:
    template: ClassVar[str] = "reports/facility_profile.html"
    kind: ClassVar[str] = "facility"

    as_of: dt.date
    generated_at: dt.datetime
    facility: FacilityInfo
    authorised: bool  # the reader may see confidential dates (the next planned visit)
    themes: tuple[ThemeValue, ...]  # seven, in the quality model's order
    theme_history: tuple[ThemeAssessment, ...]  # oldest first
    force: tuple[SeriesPoint, ...]  # magtanvendelser per place per quarter
    turnover: tuple[SeriesPoint, ...]  # % per year
    sickness: tuple[SeriesPoint, ...]  # % per year
    visits: tuple[VisitRecord, ...]  # newest first
    events: tuple[EventRecord, ...] = ()  # newest first
    risk: FacilityRisk | None = None
    next_visit: NextVisit | None = None
    peer_count: int = 0  # active facilities of the same type (all authorities), the facility included
    notes: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()  # the socialtilsyn of the active tilbud loaded (empty: not known)

    def __post_init__(self) -> None:
        if self.next_visit is not None and not self.authorised:
            raise ValueError("next_visit is confidential: only a context for an authorised reader may hold it")

    @property
    def title(self) -> str:
        return f"Tilbudsprofil — {self.facility.name}"

    @property
    def confidential(self) -> bool:
        """The profile holds the date of an unannounced visit (every printed page is marked FORTROLIG)."""
        return self.next_visit is not None and not self.next_visit.announced

    @property
    def peer_scope(self) -> str:
        """Where the peer group comes from: "alle fem socialtilsyn", or those whose data is loaded."""
        return authorities_da(self.authorities)

    @property
    def rank_scope(self) -> str:
        """What the rank is among: "nationalt", or "i Socialtilsyn Nord" for a tilsyn's own data."""
        return within_authorities_da(self.authorities)

    @property
    def history_themes(self) -> tuple[ThemeValue, ...]:
        """The theme history table's columns: a theme the quality model never assesses for the tilbud's type is
        left out (a kostskole's "Organisation og ledelse" was a column of dashes), unless a visit recorded it."""
        return tuple(
            t for t in self.themes if t.applies or any(a.value(t.theme) is not None for a in self.theme_history)
        )

    @property
    def force_note(self) -> str:
        """Said under the chart when the tilbud has no value in any quarter shown (it was not open then)."""
        if not self.force or any(p.value is not None for p in self.force):
            return ""
        return " Tilbuddet har ingen tal i perioden: det var endnu ikke godkendt eller var lukket."


# --- Kvartalsplan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanVisitRow:
    facility_id: str
    facility_name: str
    date: dt.date | None  # None: hidden (unannounced, reader not authorised)
    announced: bool
    kind: str
    reason: str
    locked: bool
    risk: float | None = None
    inspectors: tuple[str, ...] = ()  # names (co-inspectors included)

    @property
    def kind_label(self) -> str:
        return visit_kind_label(self.kind)


@dataclass(frozen=True)
class WeekVisits:
    week: str  # "Uge 41 (5.-9. okt.)", or the heading for hidden dates
    start: dt.date | None  # Monday; None for the group of hidden dates
    visits: tuple[PlanVisitRow, ...]


@dataclass(frozen=True)
class InspectorPlan:
    inspector_id: str
    name: str
    authority: str
    weeks: tuple[WeekVisits, ...]
    visits: int  # in the quarter (a reader: the announced ones, those shown by week)
    capacity: int | None  # visits the inspector can make in the quarter (None: a reader's, who may not see it)

    @property
    def utilisation(self) -> float | None:
        return None if self.capacity is None or self.capacity <= 0 else self.visits / self.capacity

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)


@dataclass(frozen=True)
class CapacityRow:
    authority: str
    visits: int
    capacity: int
    inspectors: int

    @property
    def utilisation(self) -> float | None:
        return None if self.capacity <= 0 else self.visits / self.capacity

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)


#: Why a deadline cannot be kept by the plan (``DeadlineRow.missed``), as the deadline column says it.
MISSED_DA = {
    "passed": "overskredet",  # before the plan's as-of date: the legal deadline has passed
    "before_quarter": "frist før kvartalet",  # between the as-of date and the quarter: a visit now keeps it
    "before_first_working_day": "før første arbejdsdag",  # in the quarter, but only weekend/holidays before it
    "before_first_possible_day": "før første mulige besøgsdag",  # the minimum gap after a visit rules it out
    "late": "overskrides i planen",  # a best-effort plan: capacity is too short to keep it
}


@dataclass(frozen=True)
class DeadlineRow:
    """A facility whose legal deadline drives its visit this quarter (or cannot be kept by the plan)."""

    facility_id: str
    facility_name: str
    authority: str
    deadline: dt.date | None
    planned_date: dt.date | None  # None: hidden (not authorised) or not planned
    overdue: bool  # the plan cannot keep the deadline (the planner's "overdue"): ``missed`` says why
    reason: str
    planned_announced: bool = False  # the planned visit is announced (its date is not confidential)
    missed: str | None = None  # a key of ``MISSED_DA`` when ``overdue``; only "passed" has passed

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)

    @property
    def passed(self) -> bool:
        """The deadline lay before the plan's as-of date: it has been broken (the others can still be kept
        by a visit before the plan starts, or fall on days no visit can be made)."""
        return self.missed == "passed"

    @property
    def missed_label(self) -> str:
        return MISSED_DA.get(self.missed or "", "")


@dataclass(frozen=True)
class LateRow:
    """A deadline a best-effort plan misses (``PlanAnalysis.late``). For a reader who is not authorised the planned
    date and the weeks late are hidden (with the deadline they give the unannounced visit's week away)."""

    facility_id: str
    facility_name: str
    authority: str
    deadline: dt.date
    planned: bool  # a visit is planned after the deadline; False: none in the horizon
    planned_date: dt.date | None = None
    weeks_late: int | None = None

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)

    @property
    def late_label(self) -> str:
        return weeks_late_da(self.weeks_late) if self.weeks_late is not None or not self.planned else "fortrolig"


@dataclass(frozen=True)
class ShortfallRow:
    """The inspector-days one socialtilsyn lacks in a quarter to keep the deadlines a best-effort plan misses."""

    authority: str
    quarter: str
    inspector_days: int | None  # None: no inspector with capacity to count them by
    facilities: int
    note: str = ""  # who alone may visit them (their type), and when they are away
    first_visit: int = 0  # how many of them miss a new tilbud's first-visit deadline, not the two-year rule

    @property
    def label(self) -> str:
        need = (
            "tilsynskonsulenter med kapacitet"
            if self.inspector_days is None
            else format_count_da(self.inspector_days, "tilsynsdag", "tilsynsdage")
        )
        return (
            f"{authority_label(self.authority)} mangler {need} i {self.quarter.replace('Q', 'K')} "
            f"({format_number_da(self.facilities, 0)} tilbud)" + (f"; {self.note}" if self.note else "")
        )


@dataclass(frozen=True)
class BaselineView:
    """The plan against the rotation baseline ("oldest visit first") at the same capacity."""

    plan_risk_lateness: int
    baseline_risk_lateness: int
    top_decile_count: int
    plan_top_decile_first_quarter: float
    baseline_top_decile_first_quarter: float
    ratio: float | None
    baseline_missed_deadlines: int
    #: the plan's: none when the independent check passed (the deadlines are hard rules; one that cannot be
    #: kept at the plan's start counts by its postponed due date), None when the check found violations
    plan_missed_deadlines: int | None = 0
    overdue: int = 0  # deadlines that could not be kept at the plan's start (counted with the postponed date)
    #: who ``top_decile_count`` counts: the plan's top group (``plan_top_group_da``)
    top_group: str = "de 10 % mest risikable tilbud på landsplan"
    #: how many of the group each socialtilsyn has, when drawn nationally ("Hovedstaden 45, …"; ``top_split_da``)
    top_split: str = ""


@dataclass(frozen=True)
class RuleCost:
    rule: str
    label: str
    cost: int


@dataclass(frozen=True)
class DataChangesNotice:
    """What changed since a stored plan was made that matters to it (``planner.staleness``), as this reader may
    read it: the notice at the top of the plan report and page."""

    headline: str
    messages: tuple[str, ...] = ()
    advice: str = ""  # the re-plan to make; empty when nothing the plan uses changed
    changed: bool = False  # False: data were imported, none that the plan uses


@dataclass(frozen=True)
class PlanReportContext:
    template: ClassVar[str] = "reports/quarterly_plan.html"
    kind: ClassVar[str] = "plan"

    plan_id: int | None
    quarter: str
    as_of: dt.date
    generated_at: dt.datetime
    authority: str | None
    status: str
    start: dt.date
    end: dt.date  # end of the horizon
    quarter_end: dt.date
    authorised: bool
    inspectors: tuple[InspectorPlan, ...]
    capacity: tuple[CapacityRow, ...]
    deadlines: tuple[DeadlineRow, ...]
    baseline: BaselineView | None
    warnings: tuple[str, ...]
    rule_costs: tuple[RuleCost, ...] = ()
    gap: float | None = None
    visits_in_quarter: int = 0
    visits_in_horizon: int = 0
    hidden_dates: int = 0  # unannounced visits whose dates this reader may not see
    notes: tuple[str, ...] = ()
    # for a reader who is not authorised: the quarter's unannounced visits, without date, week or inspector
    confidential_visits: tuple[PlanVisitRow, ...] = ()
    planned_authorities: tuple[str, ...] = ()  # the socialtilsyn whose tilbud the plan covers
    created_at: dt.datetime | None = None  # when the stored plan was made
    #: a best-effort plan: the deadlines it misses and the inspector-days missing (the warning box)
    late: tuple[LateRow, ...] = ()
    shortfall: tuple[ShortfallRow, ...] = ()
    #: the data changed since the plan was made (``None``: nothing did, or not a stored plan)
    data_changes: DataChangesNotice | None = None

    def __post_init__(self) -> None:
        if self.authorised:
            return
        for row in self.late:
            if row.planned_date is not None or row.weeks_late is not None:
                raise ValueError("a late visit's date and weeks late are confidential: reader not authorised")
        for insp in self.inspectors:
            if insp.capacity is not None or insp.visits != sum(len(w.visits) for w in insp.weeks):
                raise ValueError("an inspector's total and capacity tell its unannounced visits: reader not authorised")
            for week in insp.weeks:
                for v in week.visits:
                    if not v.announced:
                        raise ValueError("unannounced visits are confidential: not by inspector for this reader")
        for v in self.confidential_visits:
            if v.date is not None or v.inspectors:
                raise ValueError("unannounced visit dates and inspectors are confidential: reader not authorised")
        for d in self.deadlines:
            if d.planned_date is not None and not d.planned_announced:
                raise ValueError("unannounced planned dates are confidential: reader not authorised")

    @property
    def best_effort(self) -> bool:
        """Planned with ``allow_late``: deadlines are missed (``late``)."""
        return self.status == "best_effort"

    @property
    def status_label(self) -> str:
        return PLAN_STATUS_DA.get(self.status, self.status)

    @property
    def late_rule(self) -> str:
        """The deadline rule the best-effort plan misses: the two-year rule, a new tilbud's first visit, or both."""
        return deadline_rule_da(sum(s.first_visit for s in self.shortfall), sum(s.facilities for s in self.shortfall))

    @property
    def late_visits(self) -> int:
        return sum(1 for r in self.late if r.planned)

    @property
    def title(self) -> str:
        """``Plan 5 · Kvartalsplan 2027K1 — Socialtilsyn Nord`` (a stored plan: several plans of one quarter and
        socialtilsyn have one title each)."""
        title = f"Kvartalsplan {self.quarter_label} — {plan_scope_da(self.authority, self.planned_authorities)}"
        return title if self.plan_id is None else f"Plan {self.plan_id} · {title}"

    @property
    def confidential(self) -> bool:
        """Made for an authorised reader: it holds the dates of unannounced visits (every printed page is
        marked FORTROLIG)."""
        return self.authorised

    @property
    def quarter_label(self) -> str:
        """``2026Q4`` -> ``2026K4`` (kvartal)."""
        return self.quarter.replace("Q", "K")


# --- Modelkort ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureRow:
    name: str
    monotone: int  # +1 never lowers risk when it grows, -1 never raises it, 0 free
    categorical: bool
    importance: float | None  # mean |SHAP| (or expert points) over the facilities scored at training
    expert: bool = False  # the served score is the expert score: ``monotone`` is its rules' direction
    # no data informed it at training (its file or column held nothing): its importance of 0 measures nothing
    no_data: bool = False

    @property
    def label(self) -> str:
        return feature_label(self.name)

    @property
    def direction(self) -> str:
        if self.monotone > 0:
            return "stigende: en højere værdi kan aldrig sænke risikoen"
        if self.monotone < 0:
            return "faldende: en højere værdi kan aldrig øge risikoen"
        return "ingen regel i ekspertscoren" if self.expert else "ingen binding"


@dataclass(frozen=True)
class MetricRow:
    score: str  # "model", "blend", "random", "latest_theme_mean", "expert"
    auc: float | None
    precision_top10: float | None
    base_rate: float | None
    rows: int | None
    blended: bool = False  # "model" is LightGBM alone: the risk used is the blend's row below it

    @property
    def label(self) -> str:
        if self.blended and self.score == "model":
            return RISK_SCORE_DA["model_blended"]
        return RISK_SCORE_DA.get(self.score, self.score)


@dataclass(frozen=True)
class ReliabilityBin:
    bin: int
    n: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True)
class OffsetRow:
    authority: str
    offset: float  # theme points the authority scores above (+) or below (-) comparable facilities
    observations: int

    @property
    def authority_label(self) -> str:
        return authority_label(self.authority)


@dataclass(frozen=True)
class Period:
    name: str
    start: dt.date
    end: dt.date
    rows: int
    positives: int


@dataclass(frozen=True)
class ModelCardContext:
    template: ClassVar[str] = "reports/model_card.html"
    kind: ClassVar[str] = "model"

    version: str
    created_at: str
    as_of: dt.date
    generated_at: dt.datetime
    kind_code: str  # "lightgbm" / "expert"
    cold_start: bool
    cold_start_reason: str
    window_start: dt.date
    window_end: dt.date
    horizon_months: int | None
    training_rows: int
    positive_labels: int
    snapshots: int  # monthly snapshot dates in the window
    features: tuple[FeatureRow, ...]
    metrics: tuple[MetricRow, ...]
    periods: tuple[Period, ...]
    reliability: tuple[ReliabilityBin, ...]
    expected_calibration_error: float | None
    offsets: tuple[OffsetRow, ...]
    offsets_method: str
    fairness: FairnessBox | None
    hyperparameters: tuple[tuple[str, str, str], ...] = ()  # (name, Danish label, value in Danish)
    labelled_months: int | None = None  # snapshot months with labelled rows (None: a card from before)
    labelled_first: dt.date | None = None
    labelled_last: dt.date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    short_history: bool = False  # two periods (A, C): too few months for three
    short_history_trees: int | None = None
    authorities: tuple[str, ...] = ()  # the socialtilsyn in the training data (empty: not known)
    learn_from: str = ""  # "severity" or "label" (what LightGBM's trees learnt); "" in a card from before
    label_visits: int | None = None  # visits the snapshots are labelled from (None: a card from before)
    unscored_visits: int | None = None  # of them without any score (models.labels)
    # where the features without data come from ("use_of_force.csv"), in the table's order (empty: none, or a
    # card from before the model kept it)
    no_data_sources: tuple[str, ...] = ()
    # a kept LightGBM's lead over the expert score within the validation period's noise (models.risk_model), or ""
    lead_note: str = ""

    confidential: ClassVar[bool] = False  # no unannounced dates in a model card

    @property
    def no_data_note(self) -> str:
        """What "ingen data indlæst" beside a feature means, naming the files it lacked; "" when none lacked."""
        if not self.no_data_sources:
            return ""
        *rest, last = self.no_data_sources
        sources = f"{', '.join(rest)} og {last}" if rest else last
        return (
            f"Ingen data indlæst: der var ingen data om faktoren ({sources}), da modellen blev trænet, så den havde "
            "samme værdi for alle tilbud, og dens betydning kunne ikke måles; det betyder ikke, at den er uden "
            "betydning. Indlæs dataene, og træn modellen igen."
        )

    @property
    def title(self) -> str:
        return f"Modelkort — risikomodel {self.version}"

    def period_label(self, name: str) -> str:
        if self.short_history:
            return {"A": "Træning (den evaluerede model)", "C": "Kalibrering og validering (holdt ude fra A)"}.get(
                name, name
            )
        return {"A": "Træning", "B": "Tidlig stop og kalibrering", "C": "Validering (holdt ude)"}.get(name, name)

    @property
    def kind_label(self) -> str:
        return "Ekspertscore (LightGBM bruges ikke)" if self.cold_start else "LightGBM med kalibrerede sandsynligheder"

    @property
    def unmeasured_note(self) -> str:
        """Said instead of the tables of metrics and reliability when no snapshot was labelled (a short export)."""
        return NOTHING_TO_MEASURE_DA

    @property
    def calibration_note(self) -> str:
        """Said instead of the calibration error when it was measured against no serious finding."""
        return NO_CALIBRATION_ERROR_DA if self.expected_calibration_error is None else ""

    @property
    def thin_calibration_note(self) -> str:
        """When the evaluated model was calibrated on fewer than ``MIN_HELD_OUT_POSITIVES`` serious findings (period
        B), the reliability table measures that calibration, not the one of the model that scores (fitted on C);
        or ""."""
        b = next((p for p in self.periods if p.name == "B"), None)
        c = self.validation_period
        if self.cold_start or self.short_history or b is None or c is None or b.positives >= MIN_HELD_OUT_POSITIVES:
            return ""
        return thin_calibration_da(b.positives, c.positives)

    @property
    def unscored_note(self) -> str:
        """How visits without scores are treated, when more than a tenth of the labelling visits had none, or ""."""
        return unscored_visits_da(self.label_visits, self.unscored_visits)

    @property
    def offsets_note(self) -> str:
        """Why there are fewer than two authority levels (no theme values, or one tilsyn's only), or ""."""
        return authority_levels_da([o.authority for o in self.offsets], self.authorities)

    @property
    def validation_period(self) -> Period | None:
        return next((p for p in self.periods if p.name == "C"), None)

    @property
    def model_metrics(self) -> MetricRow | None:
        return next((m for m in self.metrics if m.score == "model"), None)

    @property
    def best_baseline(self) -> MetricRow | None:
        baselines = [m for m in self.metrics if m.score not in ("model", "blend", "oracle") and m.auc is not None]
        return max(baselines, key=lambda m: m.auc or 0.0) if baselines else None


ReportContext = RiskListContext | FacilityProfileContext | PlanReportContext | ModelCardContext

"""What goes into the planner and what comes out: frozen dataclasses and StrEnums, no solver code.

A :class:`PlanningProblem` is everything the planner knows (facilities with their needs and risk,
inspectors, locked visits, the parent plan when re-planning, settings). A :class:`Plan` is the
day-level result (:class:`PlannedVisit` per visit, locked ones included) with its
:class:`PlanAnalysis`: solver status, bound and gap, the cost of each rule, why each visit sits
where it sits, and the comparison with the rotation baseline.

Confidentiality: an unannounced visit's date must only reach authorised readers (planners).
:attr:`PlannedVisit.confidential` marks those visits and :meth:`PlannedVisit.as_dict` hides the
date unless ``authorised=True``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import pandas as pd

from data.calendar import is_working_day, quarter_bounds
from data.enums import VisitKind
from data.errors import TilsynsplanError
from data.glossary import visit_reason_for_reader_da
from data.lock_rules import absent, competent

# --- vocabulary --------------------------------------------------------------------------------


class VisitRole(StrEnum):
    """Why a visit exists in the plan (its slot), independent of when it is placed."""

    DEADLINE = "deadline"  # the unannounced visit the legal interval requires
    NEW_FACILITY = "new_facility"  # the first visit to a newly approved facility
    OVERDUE = "overdue"  # the legal deadline had already passed at plan start
    LOCKED = "locked"  # a visit agreed beforehand (locked_visits)
    EXTRA_TOP_TIER = "extra_top_tier"  # the top tier's optional visit in the first quarter (no deadline in the horizon)


class ReasonCode(StrEnum):
    """Why a visit sits where it sits (shown to planners as a Danish ``reason``)."""

    DEADLINE = "deadline"
    RISK = "risk"
    LOCK = "lock"
    NEW_FACILITY = "new_facility"
    EXTRA_TOP_TIER = "extra_top_tier"
    OVERDUE = "overdue"
    LATE = "late"  # a best-effort plan: the visit lies after its deadline (capacity too short)


#: ``Plan.status`` of a best-effort plan (``solve_plan(allow_late=True)`` when the deadlines cannot all be kept):
#: the relaxed optimum, with the visits it places after their deadline (or not at all) in ``PlanAnalysis.late``.
#: Otherwise a plan's status is its solve's: ``optimal`` or ``feasible``.
BEST_EFFORT = "best_effort"


class HardRule(StrEnum):
    """The hard rules; the checker names violations by these codes."""

    DEADLINE = "deadline"  # unannounced visit by the deadline (last unannounced/approval + interval)
    FIRST_VISIT = "first_visit"  # first visit to a new facility within first_visit_months of approval
    AUTHORITY_COMPETENCE = "authority_competence"  # inspector of the facility's authority, competent
    WEEKLY_CAPACITY = "weekly_capacity"  # visits per inspector-week within (pro rata) capacity
    WORKING_DAY = "working_day"  # no weekends, public holidays, absences; inside the horizon
    MIN_GAP = "min_gap"  # at least min_visit_gap_days between visits to the same facility
    LOCKED_VISIT = "locked_visit"  # locked visits stay as agreed
    KNOWN_FACILITY = "known_facility"  # every planned visit is to an active facility of the problem


class SoftRule(StrEnum):
    """The soft rules (objective terms). Costs are integers; see ``planner.constraints`` for weights."""

    RISK_LATENESS = "risk_lateness"  # weeks after the risk target, weighted by risk
    EARLY_VISIT = "early_visit"  # weeks before the risk target window (capacity spent too soon)
    EXTRA_TOP_TIER = "extra_top_tier"  # top-tier facility not visited in the first quarter
    WORKLOAD_BALANCE = "workload_balance"  # convex cost of each pool's utilisation per quarter
    TRAVEL = "travel"  # km between same-day visits of one inspector
    STABILITY = "stability"  # parent-plan visits moved to another week when re-planning
    OVERDUE_DELAY = "overdue_delay"  # weeks until an overdue facility is visited
    TIE_BREAK = "tie_break"  # seeded random draw among near-equal plans (unpredictability)


#: Rule costs that price how late single visits fall (an overdue tilbud's weeks to its visit, a best-effort plan's
#: weeks past a deadline): with one such tilbud the cost is its week, and the visit is mostly unannounced. Readers
#: get neither these costs nor the plan's total and bound, from which they would follow (``api.schemas``,
#: ``reports.build``); planners get all.
VISIT_TIMING_COSTS = frozenset({SoftRule.OVERDUE_DELAY.value, "deadline_relaxed", "first_visit_relaxed"})


RULE_DA: dict[str, str] = {
    HardRule.DEADLINE: "uanmeldt besøg inden fristen (toårsreglen)",
    HardRule.FIRST_VISIT: "første besøg i et nyt tilbud",
    HardRule.AUTHORITY_COMPETENCE: "tilsynskonsulentens socialtilsyn og kompetence",
    HardRule.WEEKLY_CAPACITY: "ugentlig kapacitet",
    HardRule.WORKING_DAY: "arbejdsdag uden fravær",
    HardRule.MIN_GAP: "mindste afstand mellem besøg",
    HardRule.LOCKED_VISIT: "låste besøg bliver liggende",
    HardRule.KNOWN_FACILITY: "kendt, aktivt tilbud",
    SoftRule.RISK_LATENESS: "risikovægtet forsinkelse",
    SoftRule.EARLY_VISIT: "besøg længe før risikomålet",
    SoftRule.EXTRA_TOP_TIER: "højeste risikogruppe ikke besøgt i kvartalet",
    SoftRule.WORKLOAD_BALANCE: "arbejdsbyrde (jævn fordeling)",
    SoftRule.TRAVEL: "kørsel mellem besøg samme dag",
    SoftRule.STABILITY: "flyttede besøg fra forrige plan",
    SoftRule.OVERDUE_DELAY: "ventetid for tilbud med overskredet frist",
    SoftRule.TIE_BREAK: "tilfældig udtrækning blandt ligeværdige planer",
}


# --- input -------------------------------------------------------------------------------------


#: The share of tilbud the plan's comparison with the rotation counts as the riskiest (``FacilityNeed.top_decile``).
TOP_DECILE = 0.10


@dataclass(frozen=True)
class FacilityNeed:
    """One active facility with what the rules demand of it and its risk."""

    facility_id: str
    name: str
    authority: str
    facility_type: str
    postcode: str
    lat: float | None
    lon: float | None
    risk: float  # 0-1
    risk_rank: int  # 1 = riskiest within its authority
    risk_percentile: float  # (n - rank) / (n - 1): 1.0 = riskiest within its authority, 0.0 = least risky
    top_tier: bool  # among the riskiest ``top_tier_share`` (``top_tier_scope``), not yet visited in the first quarter
    approved_on: dt.date
    interval_months: int
    last_unannounced: dt.date | None  # history (and locked visits before the plan start)
    last_visit: dt.date | None  # any kind, for the minimum gap
    is_new: bool  # known to have had no visit yet other than the approval visit (see ``history_known``)
    first_visit_due: dt.date | None  # new facilities: approval + first_visit_months (None if met by a lock)
    deadline: dt.date  # legal deadline of the next unannounced visit
    overdue: bool  # the deadline (or first-visit due date) cannot be met any more at plan start
    overdue_due: dt.date | None  # overdue: visit by this date (end of the first quarter), as early as possible
    risk_missing: bool = False  # no risk score: the authority's median was used
    #: The visits loaded reach back to the approval, so a visit missing from them never happened. False for
    #: a tilbud approved before the visit data begin (a short export): no visit in them is no visit known.
    history_known: bool = True
    #: The tilbud closes on this day within the horizon (a known, announced closure): it is visited only
    #: before it, and a deadline on or after it needs no visit. None: open throughout the horizon.
    closed_on: dt.date | None = None
    #: Among the riskiest 10 % (``TOP_DECILE``) of the pool ``PlanningProblem.top_tier_scope`` names (all tilbud in
    #: the risk run, or its authority), visited this quarter or not: the group the rotation comparison counts (the
    #: top tier's group at the default ``top_tier_share``; a fixed share, so a plan with no top tier is compared too)
    top_decile: bool = False
    #: 1 = riskiest of all tilbud in the risk run (None: no risk score, or the ranking is per authority)
    national_rank: int | None = None

    def last_day(self, horizon_end: dt.date) -> dt.date:
        """The last day the facility may be visited within a horizon ending on ``horizon_end``."""
        if self.closed_on is None:
            return horizon_end
        return min(horizon_end, self.closed_on - dt.timedelta(days=1))

    @property
    def legal_due(self) -> dt.date:
        """The date the rules set for the next visit: the unannounced deadline, or the first-visit due date
        of a new tilbud when that comes first (overdue or not)."""
        if self.first_visit_due is not None and self.first_visit_due < self.deadline:
            return self.first_visit_due
        return self.deadline

    @property
    def first_due(self) -> dt.date:
        """The date the first visit in the plan must keep (overdue: the relaxed due date)."""
        if self.overdue and self.overdue_due is not None:
            return self.overdue_due
        if self.first_visit_due is not None:
            return min(self.deadline, self.first_visit_due)
        return self.deadline


@dataclass(frozen=True)
class Inspector:
    inspector_id: str
    name: str
    authority: str
    competences: frozenset[str] | None  # None = all facility types
    visits_per_week: int
    postcode: str | None
    absences: tuple[tuple[dt.date, dt.date], ...] = ()

    def competent(self, facility_type: str) -> bool:
        return competent(self.competences, facility_type)

    def absent(self, day: dt.date) -> bool:
        return absent(self.absences, day)


@dataclass(frozen=True)
class LockedVisit:
    facility_id: str
    date: dt.date
    inspector_id: str
    announced: bool


@dataclass(frozen=True)
class ParentVisit:
    """A visit of the plan being re-planned (stability: moving it costs)."""

    facility_id: str
    date: dt.date
    inspector_ids: tuple[str, ...]


@dataclass(frozen=True)
class EarlierVisit:
    """A visit of a stored plan of record (see :class:`EarlierPlan`)."""

    facility_id: str
    date: dt.date
    announced: bool


@dataclass(frozen=True)
class EarlierPlan:
    """A stored plan of record for a quarter before the one planned (planning ahead: the current quarter's
    plan, or the next one's when the quarter after it is planned). Its visits after the as-of day and before
    the plan's start will have taken place (as a lock there does), so the plan after it builds on them; so will
    its visits on the as-of day when it was made as of that day (it started then: nothing recorded them yet)."""

    plan_id: int
    quarter: str
    authority: str | None  # None: a plan for every socialtilsyn
    visits: tuple[EarlierVisit, ...]
    as_of: dt.date | None = None  # the day it was made as of (None: unknown)


@dataclass(frozen=True)
class PlanningProblem:
    """Everything one plan is computed from. Built by :func:`planner.problem.build_problem`."""

    quarter: str  # the plan of record, "2026Q4"
    as_of: dt.date
    start: dt.date  # first plannable day (quarter start, or as_of when re-planning within the quarter)
    end: dt.date  # last day of the horizon
    first_quarter_end: dt.date
    quarters: tuple[str, ...]
    authority: str | None
    facilities: tuple[FacilityNeed, ...]
    inspectors: tuple[Inspector, ...]
    locked: tuple[LockedVisit, ...]
    min_gap_days: int
    first_visit_months: int
    top_tier_share: float
    seed: int
    time_limit_s: float
    workers: int
    parent_visits: tuple[ParentVisit, ...] = ()
    parent_plan_id: int | None = None
    notes: tuple[str, ...] = ()
    #: Weekdays that are no public holiday but on which nothing is planned (``Settings.days_off``:
    #: juleaftensdag, nytårsaftensdag); locked (agreed) visits may lie on them.
    days_off: frozenset[dt.date] = frozenset()
    #: Where the top group is drawn from (``Settings.top_tier_scope``): "national" (the riskiest share of the whole
    #: risk run, ``top_tier_pool`` tilbud, the risk list's "høj") or "authority" (of each socialtilsyn planned).
    top_tier_scope: str = "authority"
    top_tier_pool: int = 0
    #: the socialtilsyn of the tilbud in the risk run (the national pool): all five, or a tilsyn's own data
    top_tier_pool_authorities: tuple[str, ...] = ()

    def plannable(self, day: dt.date) -> bool:
        """A working day (no weekend, no public holiday) that is not one of the days off."""
        return is_working_day(day, self.days_off)

    @cached_property
    def facility_by_id(self) -> dict[str, FacilityNeed]:
        return {f.facility_id: f for f in self.facilities}

    @cached_property
    def inspector_by_id(self) -> dict[str, Inspector]:
        return {i.inspector_id: i for i in self.inspectors}

    @cached_property
    def authorities(self) -> tuple[str, ...]:
        return tuple(sorted({f.authority for f in self.facilities}))

    def locked_of(self, facility_id: str) -> tuple[LockedVisit, ...]:
        return tuple(sorted((lv for lv in self.locked if lv.facility_id == facility_id), key=lambda lv: lv.date))


# --- output ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedVisit:
    facility_id: str
    authority: str
    date: dt.date
    inspector_ids: tuple[str, ...]
    announced: bool
    kind: VisitKind
    role: VisitRole
    reason_code: ReasonCode
    reason: str  # Danish
    locked: bool = False
    slot_id: str = ""

    @property
    def confidential(self) -> bool:
        """Unannounced: the date is shown to authorised readers (planners) only."""
        return not self.announced

    def as_dict(self, authorised: bool = True) -> dict[str, Any]:
        """JSON-friendly; for unauthorised readers an unannounced visit's date is hidden (``None``) and its reason
        is one that does not narrow the date (``visit_reason_for_reader_da``)."""
        hide = self.confidential and not authorised
        return {
            "facility_id": self.facility_id,
            "authority": self.authority,
            "date": None if hide else self.date.isoformat(),
            "inspector_ids": list(self.inspector_ids),
            "announced": self.announced,
            "confidential": self.confidential,
            "kind": self.kind.value,
            "role": self.role.value,
            "reason_code": self.reason_code.value,
            "reason": visit_reason_for_reader_da(self.reason_code.value) if hide else self.reason,
            "locked": self.locked,
        }


@dataclass(frozen=True)
class AuthoritySolve:
    """One authority's CP-SAT solve (the authorities are independent subproblems)."""

    authority: str
    status: str  # optimal / feasible
    method: str  # cp-sat (its solution), flow+cp-sat (flow schedule kept, CP-SAT bounds it), flow (no CP-SAT)
    objective: float
    bound: float  # the better of CP-SAT's bound and the flow relaxation's
    gap: float  # (objective - bound) / max(1, |objective|)
    seconds: float  # CP-SAT's solve
    build_seconds: float  # flow + CP-SAT model building
    first_solution_seconds: float | None  # from this authority's start to its first complete schedule
    slots: int
    variables: int  # CP-SAT variables (0 when CP-SAT did not run)
    candidates: int  # candidate (slot, week) pairs


@dataclass(frozen=True)
class BaselineComparison:
    """The plan against the rotation "oldest visit first" with the same visits per authority and week."""

    plan_risk_lateness: int
    baseline_risk_lateness: int
    top_decile_count: int
    plan_top_decile_first_quarter: float  # share of the top group visited in the first quarter
    baseline_top_decile_first_quarter: float
    ratio: float | None  # plan / baseline share (None when the baseline share is 0)
    baseline_missed_deadlines: int
    #: the group ``top_decile_count`` counts (``FacilityNeed.top_decile``); a plan stored before these were kept
    #: counted the riskiest 10 % of each socialtilsyn
    top_share: float = 0.10
    top_scope: str = "authority"
    top_pool: tuple[str, ...] = ()  # national: the socialtilsyn of the risk run (``top_tier_pool_authorities``)
    #: how many of the group each socialtilsyn planned has (national: a riskier tilsyn has more of them)
    top_by_authority: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OverdueFacility:
    """A deadline the plan does not keep. In ``PlanAnalysis.overdue``: one that could not be kept any more at the
    plan's start (the rules allow it: the visit comes as early as possible). In ``PlanAnalysis.late`` (a
    best-effort plan only): a visit placed after its deadline for lack of capacity, ``weeks_late`` calendar weeks
    after the deadline's week, or, with ``planned_date`` None, no visit in the horizon at all."""

    facility_id: str
    authority: str
    deadline: dt.date
    planned_date: dt.date | None
    weeks_late: int | None = None  # ``late`` only: None when no visit is planned

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "facility_id": self.facility_id,
            "authority": self.authority,
            "deadline": self.deadline.isoformat(),
            "planned_date": None if self.planned_date is None else self.planned_date.isoformat(),
        }
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> OverdueFacility:
        planned = raw.get("planned_date")
        weeks = raw.get("weeks_late")
        return cls(
            str(raw["facility_id"]),
            str(raw["authority"]),
            dt.date.fromisoformat(raw["deadline"]),
            None if planned is None else dt.date.fromisoformat(planned),
            None if weeks is None else int(weeks),
        )


@dataclass(frozen=True)
class CapacityShortfall:
    """What a best-effort plan lacks (``planner.infeasibility``): the inspector-days (tilsynsdage) one authority
    would need in ``quarter`` to keep the deadlines of ``facility_ids`` that fall in it (None: it has no inspector
    with capacity to count them by)."""

    authority: str
    quarter: str
    inspector_days: int | None
    facility_ids: tuple[str, ...]
    message: str
    note: str = ""  # who alone may visit them, and when they are away (``planner.infeasibility.who_may_visit``)
    first_visit: int = 0  # how many of facility_ids miss a new tilbud's first-visit deadline (the rest: two-year rule)


@dataclass(frozen=True)
class PlanAnalysis:
    status: str  # optimal / feasible (worst over the authorities)
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    first_solution_seconds: float | None  # sum over authorities of build + time to first solution
    authorities: tuple[AuthoritySolve, ...]
    rule_costs: dict[str, int]  # soft rule -> cost of the final (day-level) plan
    overdue: tuple[OverdueFacility, ...]
    baseline: BaselineComparison
    check_ok: bool
    violations: tuple[str, ...]
    visits_first_quarter_by_inspector: dict[str, int]
    capacity_first_quarter_by_inspector: dict[str, int]
    notes: tuple[str, ...] = ()
    #: notes that name when locked (agreed) visits lie, unannounced ones included: for planners only
    confidential_notes: tuple[str, ...] = ()
    weights: dict[str, int] = field(default_factory=dict)
    #: facility -> the legal due date of its next unannounced visit (first visit for new ones), ISO
    deadlines: dict[str, str] = field(default_factory=dict)
    utilisation_spread_first_quarter: float = 0.0  # percentage points, worst authority
    #: a best-effort plan (``BEST_EFFORT``): the visits after their deadline and the deadlines with no visit
    late: tuple[OverdueFacility, ...] = ()
    #: a best-effort plan: the inspector-days missing per authority and quarter (the infeasibility diagnosis)
    shortfall: tuple[CapacityShortfall, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["overdue"] = [o.as_dict() for o in self.overdue]
        raw["late"] = [{**o.as_dict(), "weeks_late": o.weeks_late} for o in self.late]
        raw["shortfall"] = [{**asdict(s), "facility_ids": list(s.facility_ids)} for s in self.shortfall]
        raw["authorities"] = [asdict(a) for a in self.authorities]
        raw["violations"] = list(self.violations)
        raw["notes"] = list(self.notes)
        raw["confidential_notes"] = list(self.confidential_notes)
        return raw

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PlanAnalysis:
        return cls(
            status=str(raw["status"]),
            objective=float(raw["objective"]),
            bound=float(raw["bound"]),
            gap=float(raw["gap"]),
            solve_seconds=float(raw["solve_seconds"]),
            first_solution_seconds=raw.get("first_solution_seconds"),
            authorities=tuple(AuthoritySolve(**a) for a in raw.get("authorities", [])),
            rule_costs={str(k): int(v) for k, v in raw.get("rule_costs", {}).items()},
            overdue=tuple(OverdueFacility.from_dict(o) for o in raw.get("overdue", [])),
            baseline=BaselineComparison(**{**raw["baseline"], "top_pool": tuple(raw["baseline"].get("top_pool", ()))}),
            check_ok=bool(raw["check_ok"]),
            violations=tuple(raw.get("violations", [])),
            visits_first_quarter_by_inspector=dict(raw.get("visits_first_quarter_by_inspector", {})),
            capacity_first_quarter_by_inspector=dict(raw.get("capacity_first_quarter_by_inspector", {})),
            notes=tuple(raw.get("notes", [])),
            confidential_notes=tuple(raw.get("confidential_notes", [])),
            weights=dict(raw.get("weights", {})),
            deadlines=dict(raw.get("deadlines", {})),
            utilisation_spread_first_quarter=float(raw.get("utilisation_spread_first_quarter", 0.0)),
            late=tuple(OverdueFacility.from_dict(o) for o in raw.get("late", [])),
            shortfall=tuple(
                CapacityShortfall(
                    str(s["authority"]),
                    str(s["quarter"]),
                    None if s.get("inspector_days") is None else int(s["inspector_days"]),
                    tuple(str(f) for f in s.get("facility_ids", [])),
                    str(s.get("message", "")),
                    str(s.get("note", "")),
                    int(s.get("first_visit", 0)),
                )
                for s in raw.get("shortfall", [])
            ),
        )


VISIT_COLUMNS = (
    "facility_id", "date", "inspector_ids", "announced", "kind", "reason", "locked", "role", "authority", "reason_code",
)  # fmt: skip


@dataclass(frozen=True)
class Plan:
    quarter: str
    as_of: dt.date
    start: dt.date
    end: dt.date
    authority: str | None
    status: str
    visits: tuple[PlannedVisit, ...]
    analysis: PlanAnalysis
    parent_plan_id: int | None = None

    def visits_frame(self) -> pd.DataFrame:
        """One row a visit (whole horizon, locked visits included), sorted by date and facility."""
        rows = [
            {
                "facility_id": v.facility_id,
                "date": v.date,
                "inspector_ids": ";".join(v.inspector_ids),
                "announced": v.announced,
                "kind": v.kind.value,
                "reason": v.reason,
                "locked": v.locked,
                "role": v.role.value,
                "authority": v.authority,
                "reason_code": v.reason_code.value,
            }
            for v in sorted(self.visits, key=lambda v: (v.date, v.facility_id, v.slot_id))
        ]
        return pd.DataFrame(rows, columns=list(VISIT_COLUMNS))

    def analysis_dict(self) -> dict[str, Any]:
        """The analysis as JSON, with the horizon (``start``, ``end``) so a stored plan can be rebuilt."""
        return {**self.analysis.to_dict(), "start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def first_quarter_end(self) -> dt.date:
        return quarter_bounds(self.quarter)[1]

    @property
    def best_effort(self) -> bool:
        """Planned with ``allow_late`` because the deadlines could not all be kept (``analysis.late`` lists them)."""
        return self.status == BEST_EFFORT


# --- errors ------------------------------------------------------------------------------------


class PlanInfeasibleError(TilsynsplanError):
    """The hard rules cannot all be met: names the facilities and the capacity that would fix it."""

    code = "plan_infeasible"
    http_status = 409


class PlanTimeoutError(TilsynsplanError):
    """The solver found no plan within its time limit (nothing proved infeasible either)."""

    code = "plan_timeout"
    http_status = 503


class PlanCheckError(TilsynsplanError):
    """The independent checker rejected a solver plan: a defect in the planner, never a data problem."""

    code = "plan_check_failed"
    http_status = 500

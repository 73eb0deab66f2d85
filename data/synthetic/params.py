"""Every number of the generator, in one frozen dataclass, with where it comes from.

``DOMAIN.md`` gives the public figures the world must reproduce (about 2,000 tilbud, Socialtilsyn Midt
about 360, about 59 % non-public, about 30 % of visits unannounced, about 80 påbud a year, about 11,700
magtanvendelser from adult tilbud in 2021 with over half from one region, theme means ≥ 4). Everything
else is an assumption, marked as such, chosen to be plausible and to give the risk model a signal that
is real but noisy. ``bench/world_stats.py`` prints the generated figures beside the public ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from data.enums import Authority, FacilityType, Theme

A = Authority
T = FacilityType
TH = Theme

#: Adult residential types: DOMAIN's "11,700 magtanvendelser from adult tilbud" is counted over these.
ADULT_HOUSING: frozenset[FacilityType] = frozenset({T.SEL107, T.SEL108, T.BOTILBUDSLIGNENDE})
AMBULANT: frozenset[FacilityType] = frozenset({T.SEL101, T.SUL141})
CHILDREN_RESIDENTIAL: frozenset[FacilityType] = frozenset(
    {T.OPHOLDSSTED, T.DOEGNINSTITUTION, T.SIKRET_DOEGNINSTITUTION}
)


@dataclass(frozen=True)
class Parameters:
    # ----------------------------------------------------------------------------------------------
    # Size and mix
    # ----------------------------------------------------------------------------------------------
    #: Share of the nation's tilbud per socialtilsyn. Only Midt's "about 360 of about 2,000" (18 %) is
    #: public (DOMAIN.md); the others follow the regions' populations and their many small tilbud
    #: (assumption): Syd and Hovedstaden largest, Nord smallest.
    authority_share: dict[Authority, float] = field(
        default_factory=lambda: {A.NORD: 0.15, A.MIDT: 0.18, A.SYD: 0.25, A.HOVEDSTADEN: 0.24, A.OEST: 0.18}
    )
    #: Facility-type mix, from the rough counts on Tilbudsportalen (assumption, rounded): many § 107/108
    #: and botilbudslignende, many opholdssteder and døgninstitutioner, about 65 krisecentre, 70
    #: forsorgshjem, 150 ambulant treatment units, about 40-50 kostskoler, and only about 8 sikrede.
    type_share: dict[FacilityType, float] = field(
        default_factory=lambda: {
            T.SEL107: 0.209,
            T.SEL108: 0.19,
            T.BOTILBUDSLIGNENDE: 0.175,
            T.SEL109: 0.032,
            T.SEL110: 0.035,
            T.SEL101: 0.045,
            T.SUL141: 0.030,
            T.OPHOLDSSTED: 0.150,
            T.DOEGNINSTITUTION: 0.070,
            T.SIKRET_DOEGNINSTITUTION: 0.004,
            T.KOSTSKOLE: 0.025,
        }
    )
    #: Ownership (kommunal, regional, privat, selvejende) per type. Calibrated so the national
    #: non-public share is about 59 % (DOMAIN.md); opholdssteder are almost all private, kostskoler
    #: self-governing, krisecentre mostly self-governing, § 108 and the sikrede mostly public.
    ownership_probs: dict[FacilityType, tuple[float, float, float, float]] = field(
        default_factory=lambda: {
            T.SEL107: (0.40, 0.05, 0.33, 0.22),
            T.SEL108: (0.52, 0.12, 0.15, 0.21),
            T.BOTILBUDSLIGNENDE: (0.38, 0.02, 0.38, 0.22),
            T.SEL109: (0.15, 0.00, 0.10, 0.75),
            T.SEL110: (0.35, 0.00, 0.05, 0.60),
            T.SEL101: (0.55, 0.00, 0.30, 0.15),
            T.SUL141: (0.55, 0.00, 0.30, 0.15),
            T.OPHOLDSSTED: (0.02, 0.00, 0.88, 0.10),
            T.DOEGNINSTITUTION: (0.45, 0.10, 0.10, 0.35),
            T.SIKRET_DOEGNINSTITUTION: (0.20, 0.70, 0.00, 0.10),
            T.KOSTSKOLE: (0.00, 0.00, 0.10, 0.90),
        }
    )
    #: Places per type: (median, log-sd, minimum, maximum) of a log-normal (assumption). Ambulant units'
    #: "places" are treatment slots, hence large.
    places: dict[FacilityType, tuple[float, float, int, int]] = field(
        default_factory=lambda: {
            T.SEL107: (14, 0.55, 3, 80),
            T.SEL108: (20, 0.60, 4, 150),
            T.BOTILBUDSLIGNENDE: (16, 0.60, 3, 100),
            T.SEL109: (10, 0.35, 4, 30),
            T.SEL110: (25, 0.50, 8, 120),
            T.SEL101: (60, 0.60, 15, 400),
            T.SUL141: (80, 0.60, 15, 400),
            T.OPHOLDSSTED: (7, 0.40, 2, 20),
            T.DOEGNINSTITUTION: (14, 0.45, 4, 50),
            T.SIKRET_DOEGNINSTITUTION: (12, 0.35, 6, 30),
            T.KOSTSKOLE: (12, 0.55, 2, 60),
        }
    )
    #: New approvals a year, as a share of the stock (assumption: the number of tilbud is roughly
    #: stable, about 5 % new and 4 % closing a year), so about 10 % of tilbud are under two years old.
    new_per_year: float = 0.05
    closures_per_year: float = 0.04
    #: The socialtilsyn re-approved every existing tilbud when they started (2014-2015).
    reapproval_wave: tuple[dt.date, dt.date] = (dt.date(2014, 1, 2), dt.date(2015, 12, 31))
    #: Share of approvals before the history that fell in the re-approval wave (the rest came later).
    reapproval_share: float = 0.65
    #: Boards: every self-governing institution has one; most private companies do (8.c applies).
    board_share: dict[str, float] = field(default_factory=lambda: {"privat": 0.8, "selvejende": 1.0})
    #: Opholdssteder and døgninstitutioner approved for respite care only (aflastning), assumption.
    respite_share: float = 0.06
    #: Significant changes (væsentlige ændringer) re-assessed at an approval visit, per tilbud-year.
    significant_change_per_year: float = 0.03

    # ----------------------------------------------------------------------------------------------
    # Latent quality (scale of the indicator scores, 1-5). Theme k of facility i in month t:
    #   base + type + ownership + mu_i + tau_k + tau_ik + x_i(t) + xi_ik(t)
    #   + L^crisis_k * crisis_i(t) + L^leader_k * leader_i(t) - new_i(t)
    # quality = mean of the seven themes; "seriously bad" = quality < bad_threshold.
    # ----------------------------------------------------------------------------------------------
    base_quality: float = 4.40
    type_effect: dict[FacilityType, float] = field(
        default_factory=lambda: {
            T.SEL110: -0.08,  # forsorgshjem: hard conditions
            T.OPHOLDSSTED: -0.03,
            T.SIKRET_DOEGNINSTITUTION: -0.05,
            T.KOSTSKOLE: 0.08,
            T.SUL141: 0.05,
            T.SEL101: 0.03,
        }
    )
    #: Seed 000: non-public tilbud score slightly higher on average. Kept small (≈ 0.15 sd of the
    #: facility effect) and recorded in ``truth.parameters``.
    ownership_effect_non_public: float = 0.04
    #: Persistent facility level (sd): the part of risk that the last theme values reveal.
    facility_sd: float = 0.19
    #: Tilbud that close during the history are this much weaker on average (weak places close more).
    closing_penalty: float = 0.10
    #: National theme levels (all theme means stay ≥ 4, DOMAIN.md); physical settings score highest.
    theme_offset: dict[Theme, float] = field(
        default_factory=lambda: {
            TH.EDUCATION_EMPLOYMENT: -0.03,
            TH.INDEPENDENCE_RELATIONS: 0.00,
            TH.TARGET_METHODS_RESULTS: -0.02,
            TH.HEALTH_WELLBEING: 0.02,
            TH.ORGANISATION_MANAGEMENT: 0.06,  # leader changes hit it hardest (loading 1.8)
            TH.COMPETENCES: 0.00,
            TH.PHYSICAL_SETTING: 0.10,
        }
    )
    theme_facility_sd: float = 0.15
    #: Monthly AR(1) of the common state: persistence and stationary sd.
    ar_phi: float = 0.93
    ar_sd: float = 0.14
    #: Monthly AR(1) of each theme's own wobble.
    theme_ar_phi: float = 0.85
    theme_ar_sd: float = 0.08
    #: New tilbud are shakier (seed 000): an initial dip decaying over ``new_months``, a larger AR
    #: innovation and more crises in the first two years.
    new_dip: float = 0.5
    new_months: float = 18.0
    new_sd_mult: float = 1.8
    new_crisis_mult: float = 2.5
    #: Leader changes: leaders stay about 7 years; bad places lose leaders faster. A change is a shock
    #: (usually destabilising, mean -0.35, sometimes a relief) that fades at ``leader_decay`` a month.
    leader_hazard_year: float = 0.14
    leader_bad_mult: float = 3.0
    leader_jump_mean: float = -0.40
    leader_jump_sd: float = 0.35
    leader_decay: float = 0.92
    #: Staff crises (key staff leave, violence, conflict): start hazard a year, more likely when the
    #: place is already weak or just got a new leader; the drop lasts while the crisis lasts
    #: (``crisis_stay`` a month: a mean of about 8 months) and fades at ``crisis_decay`` after.
    crisis_hazard_year: float = 0.045
    crisis_weak_mult: float = 2.5
    crisis_weak_margin: float = 0.45  # "weak": quality below base_quality minus this
    crisis_after_leader_mult: float = 3.0
    crisis_after_leader_months: int = 6
    crisis_jump: tuple[float, float] = (0.9, 1.9)
    crisis_stay: float = 0.88
    crisis_decay: float = 0.85
    #: How strongly each theme moves with a crisis / a leader change (mean ≈ 1).
    crisis_loading: dict[Theme, float] = field(
        default_factory=lambda: {
            TH.EDUCATION_EMPLOYMENT: 0.7,
            TH.INDEPENDENCE_RELATIONS: 0.8,
            TH.TARGET_METHODS_RESULTS: 1.0,
            TH.HEALTH_WELLBEING: 1.25,
            TH.ORGANISATION_MANAGEMENT: 1.35,
            TH.COMPETENCES: 1.25,
            TH.PHYSICAL_SETTING: 0.5,
        }
    )
    leader_loading: dict[Theme, float] = field(
        default_factory=lambda: {
            TH.EDUCATION_EMPLOYMENT: 0.8,
            TH.INDEPENDENCE_RELATIONS: 0.8,
            TH.TARGET_METHODS_RESULTS: 1.1,
            TH.HEALTH_WELLBEING: 0.9,
            TH.ORGANISATION_MANAGEMENT: 1.8,
            TH.COMPETENCES: 1.0,
            TH.PHYSICAL_SETTING: 0.4,
        }
    )
    #: "Seriously bad": latent quality below this (about 4-5 % of tilbud at any time).
    bad_threshold: float = 3.10
    #: Months simulated before the history so the state at its start is stationary.
    burn_in_months: int = 36

    # ----------------------------------------------------------------------------------------------
    # What a visit finds (observe.py)
    # ----------------------------------------------------------------------------------------------
    #: Calibration offset per socialtilsyn on the indicator scale (seed 001: "særligt ét tilsyn skiller
    #: sig ud"): Øst is clearly harsher. Added to every score it gives; not related to quality.
    authority_offset: dict[Authority, float] = field(
        default_factory=lambda: {A.NORD: 0.08, A.MIDT: 0.0, A.SYD: 0.05, A.HOVEDSTADEN: -0.04, A.OEST: -0.38}
    )
    visit_sd: float = 0.20  # one visit's shared noise (the day, the inspectors)
    indicator_sd: float = 0.55  # each indicator's own noise
    #: Probability that a visit to a seriously bad tilbud sees it: announced visits see a prepared
    #: place; unannounced ones see the everyday; follow-up and enhanced visits know what to look for.
    p_detect_announced: float = 0.45
    p_detect_unannounced: float = 0.80
    p_detect_targeted: float = 0.90
    #: An undetected bad place looks like this much above the threshold (prepared, polished), give or
    #: take ``mask_sd``.
    mask_lift: float = 0.45
    mask_sd: float = 0.15
    #: A detected problem: the failing themes are documented, scores drop by this much more.
    detect_push: float = 0.55
    #: Themes scored at an operational visit (a themed subset): between these many, plus any theme
    #: that was weak at the last visit and any theme where a problem is found.
    themes_per_visit: tuple[int, int] = (3, 5)
    indicator_keep: float = 0.75  # share of a chosen theme's indicators scored
    weak_theme_value: float = 3.0  # a theme at or below this is in focus at the next visit
    #: Probability of a påbud when a problem is seen: sanctions "vary a lot between the five tilsyn".
    p_paabud: dict[Authority, float] = field(
        default_factory=lambda: {A.NORD: 0.40, A.MIDT: 0.55, A.SYD: 0.72, A.HOVEDSTADEN: 0.50, A.OEST: 0.63}
    )
    #: A påbud for a lesser matter at a tilbud that is not seriously bad (labels are noisy).
    p_paabud_not_bad: float = 0.005
    #: Deeper problems bring skærpet tilsyn; the deepest, rarely, revocation.
    skaerpet_depth: float = 0.45
    p_skaerpet: float = 0.35
    ophoer_depth: float = 1.0
    p_ophoer: float = 0.12
    p_vilkaar_approval: float = 0.15
    #: Days from the visit to the decision (partshøring first): (low, high).
    paabud_lag_days: tuple[int, int] = (14, 56)
    skaerpet_lag_days: tuple[int, int] = (7, 28)
    ophoer_lag_days: tuple[int, int] = (30, 90)

    # ----------------------------------------------------------------------------------------------
    # Magtanvendelser (monthly counts; rows only for months with count > 0)
    # ----------------------------------------------------------------------------------------------
    #: Reports per place per year at an average tilbud of the type under a neutral reporting culture
    #: (assumption; adult rate calibrated to DOMAIN's ~11,700 reports from adult tilbud a year).
    force_rate: dict[FacilityType, float] = field(
        default_factory=lambda: {
            T.SEL107: 0.174,
            T.SEL108: 0.234,
            T.BOTILBUDSLIGNENDE: 0.144,
            T.SEL109: 0.005,
            T.SEL110: 0.01,
            T.SEL101: 0.0,  # ambulant: the rules on force do not apply
            T.SUL141: 0.0,
            T.OPHOLDSSTED: 1.2,
            T.DOEGNINSTITUTION: 1.8,
            T.SIKRET_DOEGNINSTITUTION: 5.0,
            T.KOSTSKOLE: 0.04,
        }
    )
    #: Reporting culture per authority (NOT risk): adult reports are very skewed, over half from one
    #: region (DOMAIN.md). Syd's adult tilbud report about 3.5 times as much for the same practice.
    force_culture_adult: dict[Authority, float] = field(
        default_factory=lambda: {A.NORD: 0.9, A.MIDT: 1.0, A.SYD: 3.5, A.HOVEDSTADEN: 0.8, A.OEST: 1.1}
    )
    force_culture_children: dict[Authority, float] = field(
        default_factory=lambda: {A.NORD: 1.0, A.MIDT: 1.2, A.SYD: 1.3, A.HOVEDSTADEN: 0.8, A.OEST: 0.9}
    )
    #: Persistent facility factor (target group, residents), log-sd: most places report little, a
    #: few a lot. The target group text adds its own factor (names.py).
    force_facility_sd: float = 0.8
    #: Real link to latent quality: rate × exp(beta × (quality_ref - quality)).
    force_quality_beta: float = 1.4
    force_quality_ref: float = 4.3
    force_quality_cap: float = 1.2  # the link saturates: at most exp(beta × cap) times the rate
    #: Gamma-Poisson overdispersion (shape) of a month's count.
    force_shape: float = 0.8
    force_kinds_adult: dict[str, float] = field(
        default_factory=lambda: {"fastholdelse": 0.55, "foere_til_andet_rum": 0.25, "personlig_alarm": 0.20}
    )
    force_kinds_children: dict[str, float] = field(
        default_factory=lambda: {"fastholdelse": 0.70, "tilbageholdelse": 0.20, "visitation": 0.10}
    )

    # ----------------------------------------------------------------------------------------------
    # Staff figures (yearly; reported for the previous year)
    # ----------------------------------------------------------------------------------------------
    #: Type norms: staff turnover % and sickness absence % (assumption: Danish care-sector levels).
    turnover_norm: dict[FacilityType, float] = field(
        default_factory=lambda: {
            T.SEL107: 18.0,
            T.SEL108: 16.0,
            T.BOTILBUDSLIGNENDE: 17.0,
            T.SEL109: 15.0,
            T.SEL110: 17.0,
            T.SEL101: 13.0,
            T.SUL141: 12.0,
            T.OPHOLDSSTED: 22.0,
            T.DOEGNINSTITUTION: 19.0,
            T.SIKRET_DOEGNINSTITUTION: 18.0,
            T.KOSTSKOLE: 14.0,
        }
    )
    sickness_norm: dict[FacilityType, float] = field(
        default_factory=lambda: {
            T.SEL107: 6.5,
            T.SEL108: 7.0,
            T.BOTILBUDSLIGNENDE: 6.5,
            T.SEL109: 5.5,
            T.SEL110: 6.5,
            T.SEL101: 4.5,
            T.SUL141: 4.5,
            T.OPHOLDSSTED: 5.5,
            T.DOEGNINSTITUTION: 6.5,
            T.SIKRET_DOEGNINSTITUTION: 7.0,
            T.KOSTSKOLE: 4.0,
        }
    )
    staff_facility_sd: float = 0.20  # persistent log-factor per facility
    staff_year_sd: float = 0.22  # yearly log-noise (larger for small places)
    turnover_crisis: float = 0.55  # log-increase for a year spent in crisis
    turnover_deficit: float = 0.35  # log-increase per point of quality below the reference
    turnover_leader: float = 0.15  # log-increase in a year with a leader change
    staff_small_noise: float = 2.0  # small places' figures are noisier: sd × (1 + this / sqrt(places))
    sickness_crisis: float = 0.35
    sickness_deficit: float = 0.25
    staff_missing_share: float = 0.05  # key figures not reported

    # ----------------------------------------------------------------------------------------------
    # Concern reports (bekymringshenvendelser)
    # ----------------------------------------------------------------------------------------------
    concern_base_month: float = 0.02  # at 15 places, a good month (≈ 0.25 a year)
    concern_quality_beta: float = 1.3
    concern_bad_extra_month: float = 0.12
    concern_severity_bad: tuple[float, float, float] = (0.20, 0.45, 0.35)  # low, medium, high
    concern_severity_ok: tuple[float, float, float] = (0.55, 0.35, 0.10)

    # ----------------------------------------------------------------------------------------------
    # Visit practice (history.py)
    # ----------------------------------------------------------------------------------------------
    #: The 2025 reform (DOMAIN.md): before it one operational visit a year, about 30 % unannounced;
    #: from it the tilsyn move towards a 2-3 year rhythm, unannounced by default. Our history applies
    #: the product's own rule from the reform on: an unannounced visit at least every 24 months, a
    #: regular visit every 18-23 months for stable tilbud and yearly for weak ones, and a catch-up
    #: unannounced visit in the first year for tilbud whose last one is older.
    reform_date: dt.date = dt.date(2025, 7, 1)
    pre_interval_days: tuple[float, float] = (365.0, 30.0)  # mean, sd
    post_interval_days: tuple[int, int] = (545, 690)
    weak_interval_days: tuple[int, int] = (300, 400)
    unannounced_deadline_days: int = 700
    catch_up_days: int = 360
    p_unannounced_pre: float = 0.27
    p_unannounced_pre_concern: float = 0.60
    p_unannounced_post: float = 0.85
    first_visit_days: tuple[int, int] = (90, 180)
    #: Concerns trigger an unplanned (mostly unannounced) visit with these probabilities by severity.
    p_concern_visit: tuple[float, float, float] = (0.02, 0.15, 0.55)
    concern_visit_days: tuple[int, int] = (7, 42)
    #: After a påbud or a serious finding: a follow-up visit; after skærpet tilsyn: enhanced visits.
    follow_up_days: tuple[int, int] = (60, 120)
    p_follow_up_serious: float = 0.7
    enhanced_offsets_days: tuple[int, ...] = (30, 75, 120, 165)
    p_unannounced_follow_up: float = 0.4
    p_unannounced_enhanced: float = 0.6
    p_unannounced_concern_visit: float = 0.85
    enhanced_jitter_days: int = 7
    #: A revocation closes the tilbud this many days after the decision (low, high). A closure that
    #: would fall on or after the as-of date is not applied (appeal pending): the tilbud stays active
    #: in the truth, so every tilbud active on the as-of date can be visited in the future.
    ophoer_closure_days: tuple[int, int] = (30, 90)
    #: Current leaders of tilbud older than the simulation took over this long before it, on average.
    leader_tenure_days: float = 5 * 365.25
    two_inspector_share: float = 0.15  # operational visits with two inspectors (approval/enhanced: all)

    # ----------------------------------------------------------------------------------------------
    # Inspectors (staff.py)
    # ----------------------------------------------------------------------------------------------
    #: Weekly capacity of the current staff, in inspector-visits per active tilbud per year (at
    #: ``working_weeks_per_year``; with holidays as generated the real figure is about 1.15). The
    #: product's two-year rule needs about 0.5, plus first visits to new tilbud and follow-ups; the
    #: rest (about half) is room for risk-based extra visits, not enough for everyone every year:
    #: the planner must prioritise. Before the reform more staff visited tilbud: those who since
    #: moved to other work are kept with ``visits_per_week = 0`` so the history's inspector ids resolve.
    capacity_per_facility_year: float = 0.95
    #: Former staff did tilbud visits until the end of the reform's catch-up year.
    former_staff_days_after_reform: int = 365
    working_weeks_per_year: float = 42.0
    visits_per_week_probs: dict[int, float] = field(default_factory=lambda: {1: 0.25, 2: 0.45, 3: 0.30})
    all_competence_share: float = 0.55
    min_inspectors: int = 3
    #: Absences a year: three weeks of summer holiday starting in ISO week 27-30; the autumn (week 42)
    #: and winter (week 7-8) school-holiday weeks and Christmas with these probabilities; courses of
    #: 1-3 days; sickness spells of 1-5 days; rarely a long sick leave of 4-12 weeks.
    summer_start_weeks: tuple[int, int] = (27, 30)
    p_autumn_week: float = 0.5
    p_winter_week: float = 0.4
    p_christmas: float = 0.7
    sick_spells_per_year: float = 3.0
    sick_days: tuple[int, int] = (1, 5)
    courses_per_year: float = 2.0
    course_days: tuple[int, int] = (1, 3)
    long_sick_per_year: float = 0.03
    long_sick_days: tuple[int, int] = (28, 84)
    #: Visits already agreed for the weeks after the as-of date (locked_visits.csv), share of tilbud.
    locked_share: float = 0.015
    p_locked_announced: float = 0.8

    def as_json(self) -> dict[str, Any]:
        """The parameters as JSON-friendly values (enum keys as their codes, dates ISO)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {(k.value if isinstance(k, Enum) else str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


DEFAULT_PARAMETERS = Parameters()

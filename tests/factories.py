"""Test factories, in one place. Small hand-built datasets whose every value is known.

Add new factories here (append; keep the existing ones stable: other tests depend on them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from data.contract import FILE_BY_NAME
from data.dataset import Dataset
from data.enums import VisitKind

if TYPE_CHECKING:
    from api.services.backtest import BacktestResult
    from planner.domain import Plan, PlannedVisit

AS_OF = dt.date(2026, 10, 1)


def facilities_frame() -> pd.DataFrame:
    """Six facilities in two authorities, covering adult, children's, ambulant and boarding-school types."""
    return pd.DataFrame(
        [
            # id, name, authority, municipality, postcode, type, ownership, places, approved, board, respite
            ("F1", "Bostedet Egebakken", "midt", "Silkeborg", "8600", "sel108", "kommunal", 24, "2015-03-01", False, False),
            ("F2", "Opholdsstedet Solsikken", "midt", "Aarhus", "8000", "opholdssted", "privat", 8, "2019-06-15", True, False),
            ("F3", "Krisecenter Havbrisen", "midt", "Randers", "8900", "sel109", "selvejende", 12, "2012-01-10", True, False),
            ("F4", "Rusmiddelcenter Nord", "nord", "Aalborg", "9000", "sel101", "kommunal", 40, "2014-09-01", False, False),
            ("F5", "Efterskolen Vesterhavet", "nord", "Hjørring", "9800", "kostskole", "selvejende", 60, "2018-08-01", True, False),
            ("F6", "Døgninstitutionen Lærken", "nord", "Thisted", "7700", "doegninstitution", "regional", 16, "2026-05-01", False, False),
        ],
        columns=[
            "facility_id", "name", "authority", "municipality", "postcode", "facility_type", "ownership",
            "places", "approved_on", "has_board", "respite_only",
        ],
    )  # fmt: skip


def inspectors_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("I1", "Anne Holm", "midt", "all", 3, "8600"),
            ("I2", "Bo Jensen", "midt", "sel108;sel109;opholdssted", 2, "8000"),
            ("I3", "Camilla Søndergaard", "nord", "all", 3, "9000"),
        ],
        columns=["inspector_id", "name", "authority", "competences", "visits_per_week", "postcode"],
    )


def visits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("V1", "F1", "2024-03-12", False, "operational", "I1"),
            ("V2", "F1", "2025-04-08", True, "operational", "I1"),
            ("V3", "F2", "2025-01-20", False, "operational", "I2"),
            ("V4", "F3", "2023-11-02", True, "operational", "I1;I2"),
            ("V5", "F4", "2025-09-15", False, "operational", "I3"),
            ("V6", "F5", "2024-10-01", True, "operational", "I3"),
        ],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    )


def indicator_scores_frame() -> pd.DataFrame:
    rows = [
        ("V1", "4.a", 4), ("V1", "4.b", 4), ("V1", "5.a", 3), ("V1", "9.b", 2),
        ("V2", "4.a", 2), ("V2", "4.b", 1), ("V2", "5.a", 2), ("V2", "9.b", 1),
        ("V3", "1.d", 5), ("V3", "2.f", 4), ("V3", "14.c", 5),
        ("V5", "3.a", 4), ("V5", "8.a", 3),
        ("V6", "1.d", 5), ("V6", "10.a", 4),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["visit_id", "indicator", "score"])


def small_dataset() -> Dataset:
    """A tiny national dataset: six facilities, three inspectors, six visits with indicator scores,
    a little use of force, staff figures, one concern and one sanction. Everything dated before AS_OF."""
    return Dataset.from_frames(
        {
            "facilities": facilities_frame(),
            "inspectors": inspectors_frame(),
            "visits": visits_frame(),
            "indicator_scores": indicator_scores_frame(),
            "theme_scores": pd.DataFrame(
                [("V4", "health_wellbeing", 3.5), ("V4", "physical_setting", 4.0)],
                columns=["visit_id", "theme", "score"],
            ),
            "use_of_force": pd.DataFrame(
                [("F2", "2026-06", 3, "fastholdelse"), ("F2", "2026-07", 5, "fastholdelse"), ("F1", "2026-07", 1, "")],
                columns=["facility_id", "month", "count", "kind"],
            ),
            "staff_figures": pd.DataFrame(
                [("F1", 2024, 18.0, 6.5), ("F1", 2025, 31.0, 9.0), ("F2", 2025, 12.0, 4.0)],
                columns=["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"],
            ),
            "concerns": pd.DataFrame([("F1", "2026-02-03", "high")], columns=["facility_id", "date", "severity"]),
            "sanctions": pd.DataFrame([("F1", "2025-04-20", "paabud")], columns=["facility_id", "date", "kind"]),
            "absences": pd.DataFrame([("I1", "2026-12-21", "2027-01-03")], columns=["inspector_id", "start", "end"]),
        }
    )


# --- reports (issue 7) ------------------------------------------------------------------------------


def sorted_by_key(ds: Dataset) -> Dataset:
    """``ds`` with every table's rows sorted by its file's key: the order ``data.store.load_dataset`` returns."""
    return ds.with_tables(
        **{
            name: frame.sort_values(list(FILE_BY_NAME[name].key), kind="stable", ignore_index=True)
            for name, frame in ds.tables().items()
        }
    )


def peer_dataset() -> Dataset:
    """``small_dataset()`` plus two more længerevarende botilbud (§ 108) as F1's peers, with known values:
    F7 (10 places): health 4.0, organisation 3.0, turnover 20 % in 2025, 2 magtanvendelser in Aug 2026;
    F8 (20 places): health 5.0, turnover 30 % in 2025, no magtanvendelser."""
    ds = small_dataset()
    fac = pd.concat(
        [
            ds.facilities,
            pd.DataFrame(
                [
                    ("F7", "Bostedet Bøgely", "syd", "Odense", "5000", "sel108", "privat", 10, "2016-01-01"),
                    ("F8", "Botilbuddet Åløkke", "oest", "Roskilde", "4000", "sel108", "kommunal", 20, "2017-01-01"),
                ],
                columns=["facility_id", "name", "authority", "municipality", "postcode", "facility_type",
                         "ownership", "places", "approved_on"],
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    visits = pd.concat(
        [
            ds.visits,
            pd.DataFrame(
                [
                    ("V7", "F7", "2025-06-02", False, "operational", ""),
                    ("V8", "F8", "2025-09-01", True, "operational", ""),
                ],
                columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
            ),
        ],
        ignore_index=True,
    )
    themes = pd.concat(
        [
            ds.theme_scores,
            pd.DataFrame(
                [
                    ("V7", "health_wellbeing", 4.0),
                    ("V7", "organisation_management", 3.0),
                    ("V8", "health_wellbeing", 5.0),
                ],
                columns=["visit_id", "theme", "score"],
            ),
        ],
        ignore_index=True,
    )
    force = pd.concat(
        [ds.use_of_force, pd.DataFrame([("F7", "2026-08", 2, "")], columns=["facility_id", "month", "count", "kind"])],
        ignore_index=True,
    )
    staff = pd.concat(
        [
            ds.staff_figures,
            pd.DataFrame(
                [("F7", 2025, 20.0, 5.0), ("F8", 2025, 30.0, 7.0)],
                columns=["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"],
            ),
        ],
        ignore_index=True,
    )
    return ds.with_tables(facilities=fac, visits=visits, theme_scores=themes, use_of_force=force, staff_figures=staff)


def risk_scores_frame() -> pd.DataFrame:
    """National scores of ten facilities as ``api.services.risk.score_facilities`` returns them (riskiest
    first; tiers: 1 "høj", 2 "forhøjet", 7 "normal"), with Danish reasons."""
    rows = [
        # id, name, authority, type, ownership, risk, tier
        ("R01", "Opholdsstedet Skovbrynet", "midt", "opholdssted", "privat", 0.62, "høj"),
        ("R02", "Bostedet Fjordglimt", "syd", "sel108", "kommunal", 0.41, "forhøjet"),
        ("R03", "Døgninstitutionen Æblehaven", "midt", "doegninstitution", "regional", 0.33, "forhøjet"),
        ("R04", "Krisecentret Løvspring", "nord", "sel109", "selvejende", 0.20, "normal"),
        ("R05", "Opholdsstedet Møllegården", "midt", "opholdssted", "privat", 0.15, "normal"),
        ("R06", "Bostedet Ørnereden", "oest", "sel108", "kommunal", 0.11, "normal"),
        ("R07", "Forsorgshjemmet Havnen", "hovedstaden", "sel110", "selvejende", 0.08, "normal"),
        ("R08", "Opholdsstedet Kløvermarken", "syd", "opholdssted", "privat", 0.05, "normal"),
        ("R09", "Bostedet Søbakken", "midt", "sel108", "kommunal", 0.03, "normal"),
        ("R10", "Efterskolen Åbrinken", "nord", "kostskole", "selvejende", 0.02, "normal"),
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["facility_id", "name", "authority", "facility_type", "ownership", "risk", "tier"]
    )
    frame["national_rank"] = range(1, len(frame) + 1)
    frame["rank"] = frame["national_rank"]
    frame["top_factors"] = [
        [
            {"feature": "force_ratio_12m", "value": 1.2, "comparison": 0.4, "shap": 0.9,
             "text": f"Magtanvendelser: {i} pr. plads de seneste 12 måneder — 3,0 × det forventede for opholdssteder"},
            {"feature": "theme_min", "value": 2.0, "comparison": 3.8, "shap": 0.5,
             "text": "Laveste temaværdi: 2,0 — medianen for opholdssteder er 3,8"},
            {"feature": "sickness_ratio", "value": 9.0, "comparison": 6.0, "shap": 0.2,
             "text": "Sygefravær: 9,0 % i 2025 — 1,5 × medianen for opholdssteder (6,0 %)"},
            {"feature": "places", "value": 8, "comparison": 8, "shap": 0.01, "text": "Pladser: 8"},
        ]
        for i in range(1, len(frame) + 1)
    ]  # fmt: skip
    return frame


def _plan_visit(
    fid: str, authority: str, day: dt.date, inspectors: tuple[str, ...], announced: bool, code: str, reason: str
) -> PlannedVisit:
    from planner.domain import PlannedVisit, ReasonCode, VisitRole  # planner types only where a plan is built

    role = VisitRole.OVERDUE if code == ReasonCode.OVERDUE else VisitRole.DEADLINE
    return PlannedVisit(
        fid, authority, day, inspectors, announced, VisitKind.OPERATIONAL, role, ReasonCode(code), reason
    )


def hand_plan() -> Plan:
    """2026Q4 for the small dataset: F1 (unannounced, deadline) and F2 (announced, I1 with I2) in week 41,
    F3 overdue (week 47), F4 (nord, week 49); F5 next quarter. Nord's one inspector is at 100 %."""
    from planner.domain import BaselineComparison, OverdueFacility, Plan, PlanAnalysis

    visits = (
        _plan_visit("F1", "midt", dt.date(2026, 10, 6), ("I1",), False, "deadline", "Lovkrav: uanmeldt besøg senest 20. december 2026"),
        _plan_visit("F2", "midt", dt.date(2026, 10, 7), ("I1", "I2"), True, "risk", "Risiko: nr. 2 af 3 i socialtilsynet"),
        _plan_visit("F3", "midt", dt.date(2026, 11, 17), ("I2",), False, "overdue", "Fristen kunne ikke nås ved planens start"),
        _plan_visit("F4", "nord", dt.date(2026, 12, 1), ("I3",), False, "risk", "Risiko: nr. 1 af 3 i socialtilsynet"),
        _plan_visit("F5", "nord", dt.date(2027, 3, 1), ("I3",), False, "deadline", "Lovkrav: uanmeldt besøg senest 1. marts 2027"),
    )  # fmt: skip
    analysis = PlanAnalysis(
        status="optimal",
        objective=50.0,
        bound=50.0,
        gap=0.0,
        solve_seconds=0.1,
        first_solution_seconds=0.05,
        authorities=(),
        rule_costs={"risk_lateness": 12, "travel": 30, "stability": 0},
        overdue=(OverdueFacility("F3", "midt", dt.date(2025, 11, 2), dt.date(2026, 11, 17)),),
        baseline=BaselineComparison(10, 40, 1, 1.0, 0.0, None, 2),
        check_ok=True,
        violations=(),
        visits_first_quarter_by_inspector={"I1": 2, "I2": 2, "I3": 1},
        capacity_first_quarter_by_inspector={"I1": 2, "I2": 20, "I3": 1},
    )
    return Plan(
        quarter="2026Q4",
        as_of=dt.date(2026, 10, 1),
        start=dt.date(2026, 10, 1),
        end=dt.date(2027, 12, 31),
        authority=None,
        status="optimal",
        visits=visits,
        analysis=analysis,
    )


#: Legal due dates (for ``hand_plan``) of the next unannounced visit (F1's falls in the quarter; F3 is overdue).
HAND_PLAN_DEADLINES = {
    "F1": dt.date(2026, 12, 20),
    "F2": dt.date(2027, 1, 20),
    "F4": dt.date(2027, 9, 15),
    "F5": dt.date(2027, 3, 1),
}


# --- one socialtilsyn's own data ---------------------------------------------------------------------


def midt_dataset() -> Dataset:
    """``small_dataset()`` as Socialtilsyn Midt imports it (the common case for a customer): only its own
    tilbud F1-F3, inspectors I1-I2 and their visits, scores and signals."""
    ds = small_dataset()
    keep = {
        "facility_id": set(ds.facilities.loc[ds.facilities["authority"] == "midt", "facility_id"]),
        "inspector_id": set(ds.inspectors.loc[ds.inspectors["authority"] == "midt", "inspector_id"]),
    }
    keep["visit_id"] = set(ds.visits.loc[ds.visits["facility_id"].isin(keep["facility_id"]), "visit_id"])
    tables = {}
    for name, frame in ds.tables().items():
        rows = pd.Series(True, index=frame.index)
        for column, ids in keep.items():
            if column in frame.columns:
                rows &= frame[column].isin(ids)
        tables[name] = frame[rows]
    return ds.with_tables(**tables)


def midt_plan() -> Plan:
    """``hand_plan`` made without an authority filter over ``midt_dataset()``: Midt's visits, one authority
    solved."""
    from dataclasses import replace

    from planner.domain import AuthoritySolve

    plan = hand_plan()
    solve = AuthoritySolve("midt", "optimal", "cp-sat", 50.0, 50.0, 0.0, 0.1, 0.0, 0.05, 3, 10, 12)
    return replace(
        plan,
        visits=tuple(v for v in plan.visits if v.authority == "midt"),
        analysis=replace(plan.analysis, authorities=(solve,)),
    )


# --- backtest ---------------------------------------------------------------------------------------


def backtest_result(days_unseen: dict[str, float], deadlines: dict[str, tuple[int, int]]) -> BacktestResult:
    """A backtest of one quarter built by hand, without a replay: per policy the mean days a problem went
    unseen (each of its four problems the same) and its two-year deadlines as (checked, met)."""
    from api.services.backtest import BacktestResult, Compliance, PolicyMetrics, ReplayWindow

    def metrics(policy: str) -> PolicyMetrics:
        checked, met = deadlines[policy]
        days = days_unseen[policy]
        return PolicyMetrics(
            policy=policy,
            visits=10,
            visits_unannounced=5,
            visits_by_authority={"midt": 6, "nord": 4},
            visits_by_ownership={"kommunal": 0.5, "privat": 0.5},
            serious_findings=2,
            findings_in_bad_state=1,
            spells=4,
            spells_found=2,
            found_share=0.5,
            mean_days_found=days,
            mean_days_censored=days,
            median_days_censored=days,
            found_within_90_share=None,
            spells_90_eligible=0,
            two_year_compliance=Compliance(checked, met, 0).share,
            deadlines_checked=checked,
            deadlines_missed=checked - met,
            overdue_at_start=0,
            seconds=1.0,
            quarters=(),
            days_censored=(days,) * 4,
        )

    return BacktestResult(
        seed=1,
        facilities=20,
        as_of=dt.date(2026, 10, 1),
        window=ReplayWindow(dt.date(2026, 7, 1), dt.date(2026, 10, 1), ("2026Q3",)),
        time_limit_s=1.0,
        spells=4,
        problems_by_ownership={"kommunal": 0.5, "privat": 0.5},
        facilities_by_ownership={"kommunal": 0.5, "privat": 0.5},
        policies={policy: metrics(policy) for policy in days_unseen},
        seconds=2.0,
        generate_seconds=0.5,
    )


T = TypeVar("T")


def at_once(action: Callable[[], T], threads: int, times: int) -> tuple[list[T], list[BaseException]]:
    """Run ``action`` ``times`` times in each of ``threads`` threads started together (two planners' requests at
    once); returns what the calls gave and every error they raised (for concurrency tests: any error is the
    defect)."""
    import threading

    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        for _ in range(times):
            try:
                results.append(action())
            except Exception as error:
                errors.append(error)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    return results, errors


# --- a best-effort plan (capacity too short for the two-year rule) ------------------------------------


def short_capacity_dataset() -> Dataset:
    """Three tilbud of Socialtilsyn Midt whose two-year deadline is Friday 2026-10-09 (last unannounced visit
    2024-10-09) and one inspector with one visit a week: planned from AS_OF (Thursday 1 October), the first
    week's two days give no visit and the week of the deadline one, so two deadlines are missed (by one and by
    two weeks at best)."""
    facilities = facilities_frame()
    facilities = facilities[facilities["authority"] == "midt"].assign(facility_type="sel108")
    inspectors = inspectors_frame().iloc[[0]].assign(visits_per_week=1)
    visits = pd.DataFrame(
        [(f"V{k}", fid, "2024-10-09", False, "operational", "I1") for k, fid in enumerate(facilities["facility_id"])],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    )
    return Dataset.from_frames({"facilities": facilities, "inspectors": inspectors, "visits": visits})


# --- a stored plan and the data it was made from (plan staleness) --------------------------------------


def small_stored_plan(visits: list[tuple[str, str, str, bool, bool]], plan_id: int = 1, authority: str | None = None):  # type: ignore[no-untyped-def]
    """A stored plan for 2026Q4 made as of AS_OF from :func:`small_dataset` (its ``data_basis`` after import batch
    1), with ``visits`` as ``(facility_id, date, inspector_ids, announced, locked)``: no solve, every value known."""
    from data.plan_store import VISIT_COLUMNS, StoredPlan
    from planner.staleness import data_basis

    ds = small_dataset()
    authority_of = dict(zip(ds.facilities["facility_id"], ds.facilities["authority"], strict=True))
    frame = pd.DataFrame(
        [
            (fid, dt.date.fromisoformat(day), ids, announced, "operational", "frist", locked, "deadline",
             authority_of[fid], "deadline")
            for fid, day, ids, announced, locked in visits
        ],
        columns=list(VISIT_COLUMNS),
    )  # fmt: skip
    known = (
        ds if authority is None else ds.with_tables(facilities=ds.facilities[ds.facilities["authority"] == authority])
    )
    return StoredPlan(
        id=plan_id,
        created_at=dt.datetime(2026, 10, 1, 9, 0),
        quarter="2026Q4",
        as_of=AS_OF,
        authority=authority,
        status="optimal",
        parent_id=None,
        risk_run_id=None,
        settings={"days_off": ["12-24", "12-31"]},
        analysis={
            "start": "2026-10-01",
            "end": "2028-09-30",
            "deadlines": {str(f): "2027-01-01" for f in known.facilities["facility_id"]},
        },
        visits=frame.sort_values(["date", "facility_id"]).reset_index(drop=True),
        data_basis=data_basis(known, 1),
    )

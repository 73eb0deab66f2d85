"""A short export: visits.csv begins after a tilbud's last unannounced visit.

``facilities.last_unannounced_visit`` (an extension of the contract) carries that visit; the deadline,
the rotation and the model's ``days_since_unannounced`` count from the later of it and the file's
unannounced visits. Without it such a tilbud looks overdue, and the plan says why. It is not a new
tilbud: only one approved since the data begin is known never to have been visited.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.dataset import Dataset
from models.calibration import AuthorityOffsets
from models.features import compute_features
from planner.checker import check_plan
from planner.domain import ReasonCode, VisitRole
from planner.problem import build_problem, short_export_note
from planner.solver import solve_plan
from tests.planner.cases import AS_OF, QUARTER, Case, case_settings


def short_case() -> Case:
    # The visits file begins 2026-06-01 (interval 6 months, plan from 2026-10-01). A and B were approved in
    # 2015; B has an unannounced visit in the file, A has none; C was approved after the file began.
    case = Case().inspector("I1", per_week=5)
    case.facility("A").facility("B", last_unannounced="2026-06-01").facility("C", approved="2026-07-01")
    return case


def with_given(ds: Dataset, given: dict[str, str]) -> Dataset:
    fac = ds.facilities.copy()
    fac["last_unannounced_visit"] = pd.to_datetime(fac["facility_id"].map(given))
    return ds.with_tables(facilities=fac)


def test_without_the_date_a_tilbud_approved_before_the_file_looks_overdue_and_the_plan_says_why() -> None:
    problem = short_case().problem()
    a = problem.facility_by_id["A"]
    assert a.overdue and a.last_unannounced is None and a.deadline == dt.date(2015, 7, 1)
    [note] = [n for n in problem.notes if "last_unannounced_visit" in n]
    assert note.startswith(
        "1 tilbud står som forfaldne ved planens start 2026-10-01 alene fordi besøgsdata først begynder 2026-06-01"
    )
    assert "(A)" in note
    assert not problem.facility_by_id["B"].overdue


def test_a_tilbud_approved_before_the_file_and_not_in_it_is_not_a_new_tilbud() -> None:
    # A was approved in 2015 and the file begins 2026-06-01: that it has no visit there does not make it
    # new (the sweep's plan said "Nyt tilbud godkendt 16. marts 2015: første besøg senest ..."). It is an
    # ordinary tilbud with no known unannounced visit: deadline approval + interval, overdue, in the note.
    problem = short_case().problem()
    a = problem.facility_by_id["A"]
    assert not a.is_new and a.first_visit_due is None and not a.history_known
    assert a.overdue and a.deadline == dt.date(2015, 7, 1) and a.first_due == a.overdue_due
    # C was approved after the file began and has no visit in it: known to be new, first visit in 3 months
    c = problem.facility_by_id["C"]
    assert c.is_new and c.history_known and c.first_visit_due == dt.date(2026, 10, 1)
    plan = solve_plan(problem)
    assert check_plan(problem, plan.visits).ok
    [first] = sorted((v for v in plan.visits if v.facility_id == "A"), key=lambda v: v.date)[:1]
    assert first.role == VisitRole.OVERDUE and first.reason_code == ReasonCode.OVERDUE
    assert first.reason.startswith(
        "Fristen for uanmeldt besøg (1. juli 2015; godkendt 1. januar 2015, intet uanmeldt besøg kendt i data) "
        "kunne ikke nås ved planens start"
    )
    assert "Nyt tilbud" not in first.reason
    assert [o.deadline for o in plan.analysis.overdue if o.facility_id == "A"] == [dt.date(2015, 7, 1)]


def test_without_any_visit_data_only_a_recent_approval_makes_a_new_tilbud() -> None:
    # No visits at all: a tilbud approved within first_visit_months (3) before the plan start is new, an
    # older one is not known to be unvisited; with a longer interval its deadline is approval + 24 months
    case = (
        Case()
        .inspector("I1", per_week=5)
        .facility("OLD", approved="2025-01-06")
        .facility("RECENT", approved="2026-08-03")
    )
    problem = case.problem(settings={"visit_interval_default_months": 24})
    old, recent = problem.facility_by_id["OLD"], problem.facility_by_id["RECENT"]
    assert not old.is_new and old.first_visit_due is None and not old.overdue
    assert old.deadline == dt.date(2027, 1, 6)
    assert recent.is_new and recent.first_visit_due == dt.date(2026, 11, 3)
    assert short_export_note(problem.facilities, None, problem.start) == ""


def test_a_given_last_unannounced_visit_makes_it_known_and_not_new() -> None:
    # approved before the file, no visit in it, but its last unannounced visit is given
    case = short_case()
    ds = with_given(case.dataset(), {"A": "2026-01-12"})
    risk = pd.DataFrame({"facility_id": list(case.risk), "risk": list(case.risk.values())})
    a = build_problem(ds, risk, case_settings(), QUARTER, as_of=AS_OF).facility_by_id["A"]
    assert not a.is_new and a.last_unannounced == dt.date(2026, 1, 12) and a.deadline == dt.date(2026, 7, 12)


def test_the_given_date_sets_the_deadline_and_the_note_goes() -> None:
    case = short_case()
    ds = with_given(case.dataset(), {"A": "2026-05-10"})
    risk = pd.DataFrame({"facility_id": list(case.risk), "risk": list(case.risk.values())})
    problem = build_problem(ds, risk, case_settings(), QUARTER, as_of=AS_OF)
    a = problem.facility_by_id["A"]
    assert not a.overdue and not a.is_new
    assert a.last_unannounced == dt.date(2026, 5, 10) and a.deadline == dt.date(2026, 11, 10)
    assert not [n for n in problem.notes if "last_unannounced_visit" in n]


def test_a_later_visit_in_the_file_wins_over_the_given_date() -> None:
    ds = with_given(short_case().dataset(), {"B": "2026-01-15"})
    assert ds.last_unannounced()["B"] == pd.Timestamp("2026-06-01")
    ds = with_given(short_case().dataset(), {"B": "2026-08-20"})
    assert ds.last_unannounced()["B"] == pd.Timestamp("2026-08-20")


def test_the_given_date_is_not_known_before_it_happened() -> None:
    ds = with_given(short_case().dataset(), {"A": "2026-05-10"})
    assert "A" not in ds.known_at(dt.date(2026, 5, 10)).last_unannounced()
    assert ds.known_at(dt.date(2026, 5, 11)).last_unannounced()["A"] == pd.Timestamp("2026-05-10")


def test_the_model_counts_days_since_the_given_visit() -> None:
    ds = with_given(short_case().dataset(), {"A": "2026-05-10"})
    feats = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert feats.loc["A", "days_since_unannounced"] == (AS_OF - dt.date(2026, 5, 10)).days
    assert feats.loc["A", "days_since_visit"] == (AS_OF - dt.date(2026, 5, 10)).days
    plain = compute_features(short_case().dataset(), AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert plain.loc["A", "days_since_unannounced"] == (AS_OF - dt.date(2015, 1, 1)).days


def test_no_note_when_the_history_is_long_enough_to_have_shown_a_visit() -> None:
    # the file begins 2025-01-01, more than the six-month interval before the plan: A is really overdue
    case = short_case().visit("B", "2025-01-01", announced=True)
    problem = case.problem()
    assert problem.facility_by_id["A"].overdue
    assert not [n for n in problem.notes if "last_unannounced_visit" in n]
    assert short_export_note(problem.facilities, None, problem.start) == ""

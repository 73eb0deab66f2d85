"""A short export: visits.csv begins after a tilbud's last unannounced visit.

``facilities.last_unannounced_visit`` (an extension of the contract) carries that visit; the deadline,
the rotation and the model's ``days_since_unannounced`` count from the later of it and the file's
unannounced visits. Without it such a tilbud looks overdue, and the plan says why.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.dataset import Dataset
from models.calibration import AuthorityOffsets
from models.features import compute_features
from planner.problem import build_problem, short_export_note
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
    assert note.startswith("1 tilbud står som forfaldne alene fordi besøgsdata først begynder 2026-06-01")
    assert "(A)" in note
    assert not problem.facility_by_id["B"].overdue


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

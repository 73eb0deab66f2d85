"""A lock the planner could not keep is refused when it is made (CLI and HTTP), with the planner's own rules
for locks, instead of being stored and failing every later plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.services import imports
from api.services.locks import lock_visit, locked_visits
from api.services.plans import create_plan
from api.services.risk import plan_risk_run
from data.errors import InvalidArgumentError
from data.settings import Settings
from planner.domain import PlanInfeasibleError
from planner.problem import build_problem
from tests.api.conftest import AUTH, make_settings
from tests.factories import small_dataset

TUESDAY = dt.date(2026, 10, 6)  # the tests' today is Thursday 1 October 2026
ABSENT_DAY = dt.date(2026, 12, 22)  # I1 is absent 21 December 2026 - 3 January 2027
#: I4: an inspector of Socialtilsyn Midt (F1's) without the competence for F1's type (sel108)
I4 = ("I4", "Dorthe Krog", "midt", "sel109", 2, "8000")
INSPECTOR_COLUMNS = ["inspector_id", "name", "authority", "competences", "visits_per_week", "postcode"]

#: (facility, day, inspector, the rule as the refusal names it)
BROKEN = [
    pytest.param("F1", TUESDAY, "I3", "I3 er tilsynskonsulent i Socialtilsyn Nord, men F1 hører til Socialtilsyn Midt", id="authority"),
    pytest.param("F1", TUESDAY, "I4", "I4 har ikke kompetence til længerevarende botilbud (SEL § 108)", id="competence"),
    pytest.param("F1", ABSENT_DAY, "I1", "I1 er fraværende den dag (fravær 2026-12-21–2027-01-03)", id="absence"),
]  # fmt: skip


@pytest.fixture
def with_i4(loaded: Settings, tmp_path: Path) -> Settings:
    """The small dataset plus I4 (imported on its own, as a month's new inspector would be)."""
    folder = tmp_path / "i4"
    folder.mkdir()
    pd.DataFrame([I4], columns=INSPECTOR_COLUMNS).to_csv(folder / "inspectors.csv", index=False)
    imports.import_upload(loaded, folder, label="I4")
    return loaded


@pytest.mark.parametrize(("facility", "day", "inspector", "rule"), BROKEN)
def test_a_lock_the_planner_refuses_is_refused_at_once(
    with_i4: Settings, facility: str, day: dt.date, inspector: str, rule: str
) -> None:
    with pytest.raises(InvalidArgumentError) as refused:
        lock_visit(with_i4, facility, day, inspector, announced=True)
    where = f"Besøget hos {facility} den {day.isoformat()} med {inspector} kan ikke låses"
    assert refused.value.message == f"{where}: {rule}."
    assert refused.value.details == [{"message": rule}]
    assert locked_visits(with_i4).empty


@pytest.mark.parametrize(("facility", "day", "inspector", "rule"), BROKEN)
def test_the_planner_refuses_the_same_locks(
    tmp_path: Path, facility: str, day: dt.date, inspector: str, rule: str
) -> None:
    """The lock rules are the planner's: each lock refused above makes the planner refuse to plan."""
    ds = small_dataset()
    ds = ds.with_tables(
        inspectors=pd.concat([ds.inspectors, pd.DataFrame([I4], columns=INSPECTOR_COLUMNS)], ignore_index=True),
        locked_visits=pd.DataFrame(
            [(facility, pd.Timestamp(day), inspector, True)],
            columns=["facility_id", "date", "inspector_id", "announced"],
        ),
    )
    risk = pd.DataFrame({"facility_id": ds.facilities["facility_id"], "risk": 0.5})
    settings = make_settings(tmp_path / "home")
    with pytest.raises(PlanInfeasibleError, match="låste besøg strider mod reglerne") as refused:
        build_problem(ds, risk, settings, "2026Q4", as_of=dt.date(2026, 10, 1))
    [detail] = refused.value.details
    assert str(detail["message"]).startswith(f"Låst besøg i {facility} den {day.isoformat()}: {inspector} ")


def test_a_lock_that_keeps_the_rules_is_stored(with_i4: Settings) -> None:
    assert lock_visit(with_i4, "F3", TUESDAY, "I4", announced=False).summary.inserted == 1  # sel109: competent
    assert lock_visit(with_i4, "F1", dt.date(2027, 1, 4), "I1", announced=True).summary.inserted == 1  # back
    assert len(locked_visits(with_i4)) == 2


def test_cli_and_http_refuse_a_lock_of_another_socialtilsyn(
    loaded: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_TODAY", "2026-10-01")
    with pytest.raises(SystemExit) as exit_info:
        main(["--home", str(loaded.home), "lock", "F1", "2026-10-06", "--inspector", "I3"])
    assert exit_info.value.code == 2  # as a holiday is refused
    err = " ".join(capsys.readouterr().err.split())  # the message once (the rule was printed again as a bullet)
    assert err.count("I3 er tilsynskonsulent i Socialtilsyn Nord") == 1
    body = {"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I3", "announced": True}
    refused = client.post("/api/v1/locked-visits", json=body, headers=AUTH)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_argument"
    assert "men F1 hører til Socialtilsyn Midt" in refused.json()["error"]["message"]
    assert locked_visits(loaded).empty


@pytest.mark.parametrize("closed_on", ["2026-09-01", "2026-10-06"])
def test_a_lock_of_a_closed_facility_is_refused(loaded: Settings, tmp_path: Path, closed_on: str) -> None:
    """A plan plans only open facilities and would drop the lock without a word; closed on the day counts."""
    folder = tmp_path / "closed"
    folder.mkdir()
    f3 = small_dataset().facilities.query("facility_id == 'F3'").assign(closed_on=closed_on)
    f3.to_csv(folder / "facilities.csv", index=False, date_format="%Y-%m-%d")
    imports.import_upload(loaded, folder, label="F3 lukket")
    with pytest.raises(InvalidArgumentError) as refused:
        lock_visit(loaded, "F3", TUESDAY, "I1", announced=True)
    assert refused.value.message == (
        f"Besøget hos F3 den 2026-10-06 med I1 kan ikke låses: F3 er lukket pr. {closed_on}."
    )
    assert locked_visits(loaded).empty


def test_a_facility_closing_later_may_be_locked_before_it_closes(loaded: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "closing"
    folder.mkdir()
    f3 = small_dataset().facilities.query("facility_id == 'F3'").assign(closed_on="2026-10-07")
    f3.to_csv(folder / "facilities.csv", index=False, date_format="%Y-%m-%d")
    imports.import_upload(loaded, folder, label="F3 lukker")
    assert lock_visit(loaded, "F3", TUESDAY, "I1", announced=True).summary.inserted == 1


def test_a_lock_may_be_today_not_before(loaded: Settings) -> None:
    """Today is allowed (README: "a working day from today on"): a plan made today starts today and keeps it."""
    today = loaded.effective_today()
    with pytest.raises(InvalidArgumentError) as refused:
        lock_visit(loaded, "F1", today - dt.timedelta(days=1), "I1", announced=True)
    assert refused.value.message == (
        "Datoen 2026-09-30 ligger før i dag (2026-10-01); et aftalt besøg kan tidligst ligge i dag."
    )
    assert lock_visit(loaded, "F1", today, "I1", announced=True).summary.inserted == 1
    plan_risk_run(loaded, loaded.as_of_or_today(None))
    plan = create_plan(loaded, "2026Q4", time_limit_s=5)
    locked = plan.visits[plan.visits["locked"]]
    assert [(r.facility_id, r.date, r.inspector_ids) for r in locked.itertuples()] == [("F1", today, "I1")]


def test_a_lock_near_another_visit_is_kept_with_a_warning(loaded: Settings, client: TestClient) -> None:
    """Inside TILSYNSPLAN_MIN_VISIT_GAP_DAYS (30) of another lock: stored, for the planner keeps both (it keeps
    the gap only between the visits it places), but the planner is told."""
    lock_visit(loaded, "F1", TUESDAY, "I1", announced=True)
    outcome = lock_visit(loaded, "F1", dt.date(2026, 10, 8), "I2", announced=False)
    assert outcome.summary.inserted == 1
    assert [(w.rule, w.message) for w in outcome.summary.warnings] == [
        (
            "lock",
            "F1 har låst besøg den 2026-10-06, kun 2 dage fra 2026-10-08; planen lægger ellers mindst 30 dage "
            "mellem besøg i samme tilbud, men begge bliver liggende",
        )
    ]
    body = {"facility_id": "F1", "date": "2026-11-04", "inspector_id": "I1", "announced": True}
    created = client.post("/api/v1/locked-visits", json=body, headers=AUTH)
    assert created.status_code == 201
    assert [w["message"][:40] for w in created.json()["warnings"]] == [
        "F1 har låst besøg den 2026-10-06, kun 29",
        "F1 har låst besøg den 2026-10-08, kun 27",
    ]
    assert lock_visit(loaded, "F1", dt.date(2026, 12, 4), "I1", announced=True).summary.warnings == []  # 30 days
    plan_risk_run(loaded, loaded.as_of_or_today(None))
    plan = create_plan(loaded, "2026Q4", time_limit_s=5)  # the plan keeps every lock
    f1 = plan.visits[(plan.visits["facility_id"] == "F1") & plan.visits["locked"]]
    assert list(f1["date"]) == [TUESDAY, dt.date(2026, 10, 8), dt.date(2026, 11, 4), dt.date(2026, 12, 4)]


def test_a_lock_near_a_past_visit_warns(loaded: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "visit"
    folder.mkdir()
    pd.DataFrame(
        [("V9", "F2", "2026-09-28", True, "operational", "I2")],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    ).to_csv(folder / "visits.csv", index=False)
    imports.import_upload(loaded, folder, label="V9")
    [warning] = lock_visit(loaded, "F2", dt.date(2026, 10, 5), "I2", announced=True).summary.warnings
    assert warning.message.startswith("F2 har besøg den 2026-09-28, kun 7 dage fra 2026-10-05;")


def test_locking_the_same_day_with_another_inspector_replaces_the_lock_and_says_so(
    loaded: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One lock a facility and day (the key of locked_visits.csv): a second inspector replaces the first."""
    monkeypatch.setenv("TILSYNSPLAN_TODAY", "2026-10-01")

    def run(*args: str) -> int:
        with pytest.raises(SystemExit) as exit_info:
            main(["--home", str(loaded.home), *args])
        return int(exit_info.value.code or 0)

    assert run("lock", "F1", "2026-10-06", "--inspector", "I1") == 0
    assert "Advarsel" not in capsys.readouterr().out
    assert run("lock", "F1", "2026-10-06", "--inspector", "I2") == 0
    assert " ".join(capsys.readouterr().out.split()) == (  # the console wraps at its width
        "Besøg hos F1 den 2026-10-06 (anmeldt, I2) opdateret. "
        "Advarsel: Låsen erstatter det låste besøg hos F1 den 2026-10-06 med I1: et tilbud har højst ét låst "
        "besøg om dagen, med én tilsynskonsulent"
    )
    assert run("lock", "F1", "2026-10-06", "--inspector", "I2", "--unannounced") == 0  # same inspector
    assert "Advarsel" not in capsys.readouterr().out
    assert [tuple(r) for r in locked_visits(loaded)[["inspector_id", "announced"]].itertuples(index=False)] == [
        ("I2", False)
    ]

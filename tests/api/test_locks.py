"""Locked (agreed) visits: a planner locks and unlocks them from the CLI and over HTTP, the rules of
locked_visits.csv apply, and a plan keeps a locked visit where it is."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.services.imports import import_log, source_kind
from api.services.locks import lock_visit, locked_visits, unlock_visit
from api.services.plans import create_plan
from api.services.risk import plan_risk_run
from data.errors import InvalidArgumentError, NotFoundError, ValidationFailed
from data.settings import Settings
from tests.api.conftest import AUTH
from tests.api.html_parse import Page

TUESDAY = dt.date(2026, 10, 6)  # the tests' today is Thursday 1 October 2026


def test_lock_rules(loaded: Settings) -> None:
    with pytest.raises(InvalidArgumentError, match="Juledag"):
        lock_visit(loaded, "F1", dt.date(2026, 12, 25), "I1", announced=True)
    with pytest.raises(InvalidArgumentError, match="lørdag"):
        lock_visit(loaded, "F1", dt.date(2026, 10, 10), "I1", announced=True)
    with pytest.raises(InvalidArgumentError, match="før i dag"):
        lock_visit(loaded, "F1", dt.date(2026, 9, 30), "I1", announced=True)
    with pytest.raises(ValidationFailed) as refused:
        lock_visit(loaded, "F1", TUESDAY, "I99", announced=True)
    [violation] = refused.value.violations
    assert (violation.file, violation.row, violation.column, violation.value) == (
        "locked_visits",
        1,
        "inspector_id",
        "I99",
    )
    assert locked_visits(loaded).empty  # nothing stored by a refused lock


def test_lock_list_relock_unlock(loaded: Settings) -> None:
    first = lock_visit(loaded, "F1", TUESDAY, "I1", announced=True)
    assert first.summary.inserted == 1
    again = lock_visit(loaded, "F1", TUESDAY, "I2", announced=False)  # same facility and day: an update
    assert again.summary.updated == 1
    rows = locked_visits(loaded)
    assert [(r.facility_id, r.date.date(), r.inspector_id, bool(r.announced)) for r in rows.itertuples()] == [
        ("F1", TUESDAY, "I2", False)
    ]
    unlock_visit(loaded, "F1", TUESDAY)
    assert locked_visits(loaded).empty
    with pytest.raises(NotFoundError, match="intet låst besøg"):
        unlock_visit(loaded, "F1", TUESDAY)


def test_an_unlock_is_logged_as_an_import_batch(loaded: Settings) -> None:
    """An unlock changes what the next plan may do, as a lock does: the import log (the integrator's sync and the
    plans' "data changed since" check) lists it, with the unlocked row for planners and only its kind for readers."""
    lock_visit(loaded, "F1", TUESDAY, "I2", announced=False)
    _, before = import_log(loaded)
    unlock_visit(loaded, "F1", TUESDAY)
    total, batches = import_log(loaded, since=str(before[0].id))
    assert total == 1
    [batch] = batches
    assert source_kind(batch.source) == "unlock"
    assert batch.source == f"oplåst: F1 {TUESDAY.isoformat()}"
    assert batch.tables == {"locked_visits": {"rows": 1, "inserted": 0, "updated": 0, "unchanged": 0}}
    with pytest.raises(NotFoundError):
        unlock_visit(loaded, "F1", TUESDAY)  # nothing to unlock: nothing logged
    assert import_log(loaded, since=str(batch.id))[0] == 0


def test_a_plan_keeps_a_locked_visit(loaded: Settings) -> None:
    lock_visit(loaded, "F2", TUESDAY, "I2", announced=True)
    plan_risk_run(loaded, loaded.as_of_or_today(None))
    plan = create_plan(loaded, "2026Q4", time_limit_s=5)
    f2 = plan.visits[plan.visits["facility_id"] == "F2"]
    locked = f2[f2["locked"]]
    assert [(r.date, r.inspector_ids, bool(r.announced)) for r in locked.itertuples()] == [(TUESDAY, "I2", True)]


def test_cli_lock_locks_unlock(
    loaded: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_TODAY", "2026-10-01")

    def run(*args: str) -> int:
        with pytest.raises(SystemExit) as exit_info:
            main(["--home", str(loaded.home), *args])
        return int(exit_info.value.code or 0)

    assert run("lock", "F1", "2026-10-06", "--inspector", "I1", "--unannounced") == 0
    assert "Besøg hos F1 den 2026-10-06 (uanmeldt, I1) låst." in capsys.readouterr().out
    assert run("locks", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I1", "announced": False}
    ]
    assert run("lock", "F1", "2026-12-25", "--inspector", "I1") == 2
    assert "ikke en arbejdsdag (Juledag)" in capsys.readouterr().err
    assert run("unlock", "F1", "2026-10-06") == 0
    assert run("unlock", "F1", "2026-10-06") == 3
    assert "intet låst besøg den 2026-10-06" in capsys.readouterr().err


def test_http_locks_are_for_planners(client: TestClient, loaded: Settings) -> None:
    body = {"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I1", "announced": False}
    refused = client.post("/api/v1/locked-visits", json=body)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/locked-visits").status_code == 401  # the dates are confidential
    created = client.post("/api/v1/locked-visits", json=body, headers=AUTH)
    assert created.status_code == 201 and created.json()["inserted"] == 1
    listed = client.get("/api/v1/locked-visits", headers=AUTH)
    assert listed.json() == [body]
    holiday = client.post("/api/v1/locked-visits", json={**body, "date": "2026-12-25"}, headers=AUTH)
    assert holiday.status_code == 422 and "Juledag" in holiday.json()["error"]["message"]
    assert client.delete("/api/v1/locked-visits/F1/2026-10-06", headers=AUTH).status_code == 204
    missing = client.delete("/api/v1/locked-visits/F1/2026-10-06", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_profile_shows_an_agreed_visit_before_the_plans_next_one(client: TestClient, loaded: Settings) -> None:
    """A lock before the plan's quarter is no visit of the plan: the profile showed the plan's visit months later
    as the next one and never mentioned the agreed visit."""
    plan_risk_run(loaded, loaded.as_of_or_today(None))
    plan = create_plan(loaded, "2027Q1", time_limit_s=5)
    planned = plan.visits[plan.visits["facility_id"] == "F1"]
    assert not planned.empty and min(planned["date"]) > TUESDAY
    lock_visit(loaded, "F1", TUESDAY, "I1", announced=False)
    page = Page(client.get("/tilbud/F1", headers=AUTH).text)
    shown = " ".join(n.text() for n in page.root.iter() if "next-visit" in str(n.attrs.get("class", "")).split())
    assert shown.startswith("6. oktober 2026 · uanmeldt driftsorienteret tilsyn · aftalt (låst) · Anne Holm"), shown
    reader = client.get("/tilbud/F1").text  # an unannounced date only for planners
    assert "6. oktober 2026" not in reader and "6. okt. 2026" not in reader
    unlock_visit(loaded, "F1", TUESDAY)  # without the lock: the plan's visit
    page = Page(client.get("/tilbud/F1", headers=AUTH).text)
    shown = " ".join(n.text() for n in page.root.iter() if "next-visit" in str(n.attrs.get("class", "")).split())
    assert f"plan {plan.id}" in shown and "aftalt" not in shown

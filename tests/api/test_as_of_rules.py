"""The date a score, model, explanation, report or plan is made as of: never after today, never a day with no
active tilbud, and a model trained afterwards as of an earlier date does not become today's model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.pages import latest_model
from api.services.risk_lists import stored_run
from data.risk_store import latest_risk_run, save_risk_run
from data.settings import Settings
from data.store import open_database
from models.store import latest_version, list_models
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape
from tests.factories import AS_OF

TOMORROW = (AS_OF + dt.timedelta(days=1)).isoformat()


def test_a_future_or_prehistoric_as_of_is_refused_over_http_and_nothing_is_stored(loaded: Settings) -> None:
    with TestClient(create_app(loaded)) as client:
        for path in ("/api/v1/risk", "/api/v1/facilities/F1/explanation", "/api/v1/reports/risk"):
            response = client.get(path, params={"as_of": TOMORROW}, headers=AUTH)
            assert response.status_code == 422, (path, response.text)
            error = assert_error_shape(response.json(), "invalid_argument")
            assert f"as_of {TOMORROW} ligger efter i dag ({AS_OF.isoformat()})" in error["message"]
            assert error["details"] == [{"field": "as_of", "value": TOMORROW, "rule": "future_date"}]
        for body in ({"as_of": TOMORROW}, {"as_of": "0001-01-01"}):
            response = client.post("/api/v1/model/train", json=body, headers=AUTH)
            assert response.status_code == 422, response.text
        response = client.get("/api/v1/risk", params={"as_of": "0001-01-01"}, headers=AUTH)
        assert response.status_code == 422 and "er før 1900-01-01" in response.json()["error"]["message"]
        response = client.post("/api/v1/plans", json={"quarter": "2026Q4", "as_of": TOMORROW}, headers=AUTH)
        assert response.status_code == 422, response.text
    assert list_models(loaded) == []
    assert latest_risk_run(open_database(loaded)) is None


def test_a_date_with_no_active_tilbud_trains_and_stores_no_model(loaded: Settings) -> None:
    with TestClient(create_app(loaded)) as client:
        response = client.post("/api/v1/model/train", json={"as_of": "1990-01-01"}, headers=AUTH)
        assert response.status_code == 409, response.text
        message = assert_error_shape(response.json(), "no_data")["message"]
        assert message.startswith("Ingen aktive tilbud pr. 1990-01-01 (det første tilbud er godkendt ")
        response = client.get("/api/v1/risk", params={"as_of": "1990-01-01"}, headers=AUTH)  # would train first
        assert response.status_code == 409, response.text
    assert list_models(loaded) == []


def test_the_cli_refuses_a_future_as_of(
    loaded: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    for args in (["score", "--as-of", TOMORROW], ["train", "--as-of", TOMORROW], ["plan", "--quarter", "2026Q4"]):
        if args[0] == "plan":
            args = [*args, "--as-of", TOMORROW]
        with pytest.raises(SystemExit) as info:
            main(["--home", str(loaded.home), *args])
        _, err = capsys.readouterr()
        assert info.value.code == 2, (args, err)
        assert "ligger efter i dag" in err and "Traceback" not in err
    assert list_models(loaded) == []


def test_a_date_before_the_first_visit_trains_and_stores_nothing(loaded: Settings, tmp_path: Path) -> None:
    """Tilbud were active, but no visit is known yet (the small data's visits begin 2023-11-02): every tilbud would
    look never visited; a report for such a date had stored a cold-start model and a list with nearly every tilbud
    in the top tier."""
    with TestClient(create_app(loaded)) as client:
        for day in ("2019-01-01", "2023-11-02"):
            response = client.get("/api/v1/risk", params={"as_of": day}, headers=AUTH)
            assert response.status_code == 409, response.text
            message = assert_error_shape(response.json(), "no_data")["message"]
            assert message.startswith(f"Besøgsdata begynder 2023-11-02; pr. {day} er intet besøg kendt")
        response = client.get("/api/v1/reports/risk", params={"as_of": "2019-01-01"}, headers=AUTH)
        assert response.status_code == 409, response.text
    with pytest.raises(SystemExit) as info:
        main(["--home", str(loaded.home), "report", "risk", "--as-of", "2019-01-01", "--out", str(tmp_path / "r.html")])
    assert info.value.code != 0
    assert list_models(loaded) == []
    assert latest_risk_run(open_database(loaded)) is None
    assert not (tmp_path / "r.html").exists()


def test_scoring_uses_the_model_of_the_latest_date_not_the_newest_what_if(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    root = settings.model_dir
    for version, as_of, created in (
        ("20261001T080000-aaaaaaaa", "2026-10-01", "2026-10-01T08:00:00"),
        ("20261002T080000-bbbbbbbb", "2025-01-01", "2026-10-02T08:00:00"),  # trained later, as of an earlier day
    ):
        (root / version).mkdir(parents=True)
        meta = {"version": version, "as_of": as_of, "created_at": created}
        (root / version / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert latest_version(settings, as_of_on_or_before=dt.date(2026, 10, 1)) == "20261001T080000-aaaaaaaa"
    assert latest_version(settings, as_of_on_or_before=dt.date(2026, 9, 30)) == "20261002T080000-bbbbbbbb"
    # without a date, too, the current model is the one of the latest date: the overview, the model card and
    # 'report model' showed the what-if (a past-date report had trained it) as the latest model
    assert latest_version(settings) == "20261001T080000-aaaaaaaa"
    summary = latest_model(settings)
    assert summary is not None and (summary.version, summary.as_of) == ("20261001T080000-aaaaaaaa", "2026-10-01")


def test_the_newest_list_is_never_a_run_stored_for_a_later_day_than_today(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    engine = open_database(settings)
    scores = pd.DataFrame({"facility_id": ["F1"], "risk": [0.5], "rank": [1], "tier": ["høj"], "top_factors": [""]})
    today_run = save_risk_run(engine, AS_OF, "m1", scores)
    save_risk_run(engine, dt.date(2099, 1, 1), "m1", scores)  # stored by a version that accepted future dates
    run = stored_run(settings)
    assert run is not None and run.id == today_run and run.as_of == AS_OF


def test_a_bad_quarter_is_refused_before_a_model_is_trained_for_the_plan(loaded: Settings) -> None:
    with TestClient(create_app(loaded)) as client:
        response = client.post("/api/v1/plans", json={"quarter": "2026Q9"}, headers=AUTH)
        assert response.status_code == 422, response.text
        response = client.post("/api/v1/plans", json={"quarter": "2026Q4", "authority": "fyn"}, headers=AUTH)
        assert response.status_code == 422, response.text
    assert list_models(loaded) == []  # no risk run existed: scoring would have trained one first

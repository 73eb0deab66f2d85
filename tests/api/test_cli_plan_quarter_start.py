"""A plan of the current quarter made on its first day, a holiday (1 January 2027, Friday): a deadline on the
weekend after it (Sunday 3 January) cannot be kept, and there is no "current quarter" left before the plan to visit
it in. The CLI said "Frist før første arbejdsdag i 2027Q1 — besøg dem i indeværende kvartal" (edge world
today_new_year), which the plan report did not (it says so only when the plan is made before its quarter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from api.cli_app import console, err_console
from api.services import imports
from data.risk_store import save_risk_run
from data.store import open_database
from tests.api.conftest import run_cli as run
from tests.api.test_cli_plan import settings
from tests.factories import short_capacity_dataset
from tests.fixtures.uploads import write_csv_folder

NEW_YEAR = dt.date(2027, 1, 1)


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("TILSYNSPLAN_TODAY", today.isoformat())
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(home))
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", "")
    monkeypatch.setenv("TILSYNSPLAN_SOLVER_TIME_LIMIT_S", "5")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    ds = short_capacity_dataset()
    # one tilbud due Sunday 3 January 2027, the others later; three visits a week
    visits = ds.visits.assign(date=pd.to_datetime(["2025-01-03", "2025-06-02", "2025-06-03"]))
    ds = ds.with_tables(visits=visits, inspectors=ds.inspectors.assign(visits_per_week=3))
    s = settings(home)
    imports.import_upload(s, write_csv_folder(ds, tmp_path / "data"), label="test")
    engine = open_database(s)
    scores = pd.DataFrame({"facility_id": ["F1", "F2", "F3"], "risk": [0.8, 0.3, 0.5]})
    scores["rank"] = scores["risk"].rank(ascending=False).astype(int)
    scores["tier"] = "middel"
    scores["top_factors"] = [[] for _ in range(len(scores))]
    save_risk_run(engine, today, "test-model", scores)
    engine.dispose()
    return home


def test_planned_on_the_quarters_first_day_it_does_not_send_the_planner_to_the_current_quarter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _home(tmp_path, monkeypatch, NEW_YEAR)
    code, out, err = run(capsys, "plan", "--quarter", "2027Q1")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "F1 (frist 2027-01-03)" in flat
    assert "indeværende kvartal" not in flat
    assert "Frist før planens første arbejdsdag (4. januar 2027): 1 tilbud: F1 (frist 2027-01-03)." in flat


def test_planned_before_the_quarter_it_still_says_visit_them_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _home(tmp_path, monkeypatch, dt.date(2026, 12, 1))
    code, out, err = run(capsys, "plan", "--quarter", "2027Q1")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Frist før første arbejdsdag i 2027Q1 — besøg dem i indeværende kvartal: 1 tilbud: F1" in flat

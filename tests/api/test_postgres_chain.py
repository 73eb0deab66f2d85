"""The whole chain on PostgreSQL — import, train, score, plan, the stored run and plan read back, the web
login and a form sent twice — with the same results as on SQLite.

Until now only the import had run against PostgreSQL; its rows came back in heap order, so the same data
trained another model there. A small synthetic world keeps this module to about half a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.services import imports, plans, risk
from data.db import FormSubmissionRow, PlanRow, WebSessionRow
from data.plan_store import StoredPlan
from data.risk_store import RiskRun, latest_risk_run
from data.settings import Settings
from data.store import database, load_dataset
from data.synthetic import WorldConfig, generate_world
from tests.api.conftest import TOKEN
from tests.api.html_parse import Page
from tests.fixtures.uploads import write_csv_folder
from tests.postgres import new_database

AS_OF = dt.date(2026, 10, 1)
QUARTER = "2027Q1"


@dataclass(frozen=True)
class Chain:
    settings: Settings
    version: str
    cold_start: bool
    scores: pd.DataFrame
    run: RiskRun
    plan: StoredPlan
    plan_again: StoredPlan


def _settings(home: Path, database_url: str) -> Settings:
    return Settings(
        home=home,
        database_url=database_url,
        today=AS_OF,
        seed=3,
        api_tokens=[TOKEN],
        solver_time_limit_s=10.0,
        risk_min_positive_labels=10,
    )


def _run_chain(settings: Settings, first: Path, newer: Path) -> Chain:
    imports.import_upload(settings, first, label="første")
    imports.import_upload(settings, newer, label="nyere")  # updates rows: PostgreSQL moves them in its heap
    report = risk.train_model(settings)
    scored = risk.score_facilities(settings)
    plan = plans.create_plan(settings, QUARTER)
    with database(settings) as engine:
        run = latest_risk_run(engine)
    assert run is not None
    return Chain(
        settings=settings,
        version=report.version,
        cold_start=scored.cold_start,
        scores=scored.scores,
        run=run,
        plan=plan,
        plan_again=plans.show_plan(settings, plan.id),
    )


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> Iterator[tuple[Chain, Chain]]:
    root = tmp_path_factory.mktemp("chain")
    # seed 6: a world whose LightGBM model earns its place over the expert score (seed 4's no longer did once the
    # trees learnt the severity; whether a 100-tilbud world's model does is chance, and this test needs one)
    world = generate_world(WorldConfig(seed=6, facilities=100, years=3, as_of=AS_OF))
    first = write_csv_folder(world.dataset, root / "first")
    fac = world.dataset.facilities.copy()
    every_other = fac.index % 2 == 0
    fac.loc[every_other, "places"] = fac.loc[every_other, "places"] + 1
    newer = write_csv_folder(world.dataset.with_tables(facilities=fac), root / "newer", tables=["facilities"])
    pg_url = new_database(postgres_url, "chain")
    on_postgres = _run_chain(_settings(root / "pg", pg_url), first, newer)
    on_sqlite = _run_chain(_settings(root / "sqlite", ""), first, newer)
    yield on_postgres, on_sqlite


def test_postgres_trains_scores_and_plans_as_sqlite_does(chains: tuple[Chain, Chain]) -> None:
    pg, lite = chains
    assert pg.settings.resolved_database_url.startswith("postgresql")
    assert lite.settings.resolved_database_url.startswith("sqlite")
    with database(pg.settings) as engine, database(lite.settings) as other:
        assert engine.dialect.name == "postgresql"
        ids = load_dataset(engine).facilities["facility_id"].tolist()
        assert ids == sorted(ids) == load_dataset(other).facilities["facility_id"].tolist()
    assert not pg.cold_start  # a LightGBM model, whose fit follows the rows' order
    # the model's version ends in a hash of its card (metrics, sizes): the same model was trained
    assert pg.version.split("-")[1] == lite.version.split("-")[1]
    assert len(pg.scores) > 50
    columns = ["facility_id", "risk", "rank", "tier"]
    pd.testing.assert_frame_equal(pg.scores[columns], lite.scores[columns])
    assert pg.plan.visit_count == lite.plan.visit_count > 0
    assert pg.plan.status == lite.plan.status
    pd.testing.assert_frame_equal(
        pg.plan.visits[["facility_id", "date", "inspector_ids", "announced", "kind"]],
        lite.plan.visits[["facility_id", "date", "inspector_ids", "announced", "kind"]],
    )


def test_the_stored_run_and_plan_read_back_from_postgres(chains: tuple[Chain, Chain]) -> None:
    pg, _ = chains
    assert pg.run.model_version == pg.version and pg.run.as_of == AS_OF
    stored = pg.run.scores.set_index("facility_id")
    scored = pg.scores.set_index("facility_id")
    assert set(stored.index) == set(scored.index)
    assert (stored.loc[scored.index, "rank"] == scored["rank"]).all()
    assert (stored.loc[scored.index, "risk"] - scored["risk"]).abs().max() < 1e-12
    top = stored.loc[stored["rank"] == 1, "top_factors"].iloc[0]
    assert top and all({"feature", "text"} <= set(f) for f in top)  # the JSON column came back as dicts
    assert pg.plan_again.id == pg.plan.id and pg.plan_again.risk_run_id == pg.run.id
    assert pg.plan_again.quarter == QUARTER and pg.plan_again.analysis == pg.plan.analysis
    pd.testing.assert_frame_equal(pg.plan_again.visits, pg.plan.visits)
    assert [p.id for p in plans.plans(pg.settings)] == [pg.plan.id]


def test_login_and_a_form_sent_twice_keep_their_state_in_postgres(chains: tuple[Chain, Chain]) -> None:
    """``web_sessions`` and ``form_submissions`` on PostgreSQL: one session a login, gone at logout; the plan
    form sent twice with its one-time token makes one plan."""
    settings = chains[0].settings

    def count(row: type) -> int:
        with database(settings) as engine, engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(row)).scalar_one())

    plans_before = count(PlanRow)
    with TestClient(create_app(settings)) as client:
        assert client.post("/login", data={"token": TOKEN}, follow_redirects=False).status_code == 303
        assert count(WebSessionRow) == 1
        page = Page(client.get("/planer").text)
        token = next(n.attrs["value"] for n in page.root.iter() if n.attrs.get("name") == "form_token")
        fields = {"quarter": "2027K1", "authority": "nord", "time_limit_s": "5", "form_token": token}
        first = client.post("/planer", data=fields, follow_redirects=False)
        second = client.post("/planer", data=fields, follow_redirects=False)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        assert count(PlanRow) == plans_before + 1 and count(FormSubmissionRow) == 1
        assert client.get(first.headers["location"]).status_code == 200
        assert client.post("/logout", follow_redirects=False).status_code == 303
        assert count(WebSessionRow) == 0

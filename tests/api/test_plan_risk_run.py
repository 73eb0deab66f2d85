"""Which risk run a plan ranks by (``api.services.risk.plan_risk_run``): the stored one while it is current, else a
scoring for the plan with a note that says why. Before, the CLI refused without a run and every plan used the newest
stored run whatever had happened since: a month's magtanvendelser imported, or a model trained, after the last
``tilsynsplan score`` did not reach the plan, and nothing said so."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd

from api.services import imports
from api.services import plans as plan_service
from api.services.risk import plan_risk_run, score_facilities, train_model
from data.dataset import Dataset
from data.risk_store import latest_risk_run_header, save_risk_run
from data.settings import Settings
from data.store import database
from tests.api.conftest import make_settings
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder


def _hand_run(settings: Settings, as_of: dt.date = AS_OF) -> int:
    scores = pd.DataFrame({"facility_id": ["F1", "F2", "F3", "F4", "F5", "F6"], "risk": [0.8, 0.3, 0.5, 0.1, 0.2, 0.6]})
    scores["rank"] = scores["risk"].rank(ascending=False).astype(int)
    scores["tier"] = "normal"
    scores["top_factors"] = [[] for _ in range(len(scores))]
    with database(settings) as engine:
        return save_risk_run(engine, as_of, "håndlavet", scores)


def _loaded(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "first"), label="første")
    return settings


def _runs(settings: Settings) -> int:
    with database(settings) as engine:
        header = latest_risk_run_header(engine)
    return 0 if header is None else header.id


def test_a_current_run_is_kept(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    run_id = _hand_run(settings)
    risk = plan_risk_run(settings, AS_OF)
    assert (risk.run_id, risk.note) == (run_id, None)
    assert _runs(settings) == run_id  # nothing scored


def test_no_run_is_scored(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    risk = plan_risk_run(settings, AS_OF)
    assert risk.run_id == 1
    assert risk.note is not None and risk.note.endswith("fordi der er ingen gemt risikokørsel.")


def test_a_run_of_an_earlier_day_is_scored_again(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    old = _hand_run(settings, AS_OF - dt.timedelta(days=30))
    risk = plan_risk_run(settings, AS_OF)
    assert risk.run_id != old
    assert risk.note == (
        f"Risikoen er beregnet til planen pr. {AS_OF.isoformat()} (risikokørsel {risk.run_id}, model "
        f"{_model_of(settings, risk.run_id)}), fordi den seneste gemte risikokørsel (kørsel {old} pr. "
        f"{(AS_OF - dt.timedelta(days=30)).isoformat()}) er fra før planens opgørelsesdato."
    )


def _model_of(settings: Settings, run_id: int) -> str:
    with database(settings) as engine:
        header = latest_risk_run_header(engine)
    assert header is not None and header.id == run_id
    return header.model_version


def _changed(ds: Dataset) -> Dataset:
    facilities = ds.facilities.copy()
    facilities.loc[facilities["facility_id"] == "F1", "places"] = facilities["places"].max() + 5
    return Dataset.from_frames({**ds.tables(), "facilities": facilities})


def test_data_imported_after_the_run_are_scored(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    old = _hand_run(settings)
    time.sleep(1.1)  # imports are stored to the second: this one in a later second than the run
    imports.import_upload(settings, write_csv_folder(_changed(small_dataset()), tmp_path / "second"), label="anden")
    risk = plan_risk_run(settings, AS_OF)
    assert risk.run_id != old
    assert risk.note is not None
    assert f"fordi der er importeret data efter den seneste risikokørsel (kørsel {old} pr. {AS_OF}" in risk.note


def test_an_import_that_changes_nothing_the_model_reads_keeps_the_run(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    old = _hand_run(settings)
    time.sleep(1.1)
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "same"), label="samme igen")
    assert plan_risk_run(settings, AS_OF).run_id == old


def test_a_model_trained_after_the_run_scores_again_but_an_older_model_chosen_after_it_is_kept(
    tmp_path: Path,
) -> None:
    settings = _loaded(tmp_path)
    old = _hand_run(settings)
    version = train_model(settings, AS_OF).version
    risk = plan_risk_run(settings, AS_OF)
    assert risk.run_id != old
    assert risk.note is not None and f"fordi model {version} er trænet efter den seneste risikokørsel" in risk.note
    # scored on purpose with the older model after the newest was trained: that choice stands
    first = train_model(settings, AS_OF).version
    train_model(settings, AS_OF)
    chosen = score_facilities(settings, as_of=AS_OF, model_version=first).run_id
    assert plan_risk_run(settings, AS_OF) == type(risk)(chosen)


def test_the_plan_says_it_scored_and_keeps_the_run_it_ranked_by(tmp_path: Path) -> None:
    settings = _loaded(tmp_path)
    old = _hand_run(settings, AS_OF - dt.timedelta(days=1))
    stored = plan_service.create_plan(settings, "2026Q4", as_of=AS_OF, time_limit_s=5)
    assert stored.risk_run_id is not None and stored.risk_run_id != old
    assert any("fra før planens opgørelsesdato" in n for n in stored.analysis["notes"])

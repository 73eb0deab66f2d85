"""One facility's page and explanation: an unknown id reads no data, and what every facility is compared
with (the stored data, the scoring of every facility) is made once and made again after an import."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

import models.risk_model
from api.app import create_app
from api.services import imports
from api.services.national import drop_kept
from api.services.risk import explain_facility, warm_up
from data.settings import Settings
from models.store import list_models
from tests.api.conftest import AUTH, make_settings
from tests.api.html_parse import Page
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

#: Contract tables only a full load reads (a page for one facility reads the facilities table by key).
BULK_TABLES = ("indicator_scores", "use_of_force", "staff_figures", "concerns")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[tuple[Settings, TestClient]]:
    """The small dataset loaded and a model trained (a planner's first GET /risk); nothing kept yet."""
    settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/risk", headers=AUTH).status_code == 200
        drop_kept()
        yield settings, client
    drop_kept()


@pytest.fixture
def table_reads() -> Iterator[list[str]]:
    """The contract tables read by SQL from now on (every engine), in order."""
    reads: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        reads.extend(t for t in BULK_TABLES if re.search(rf"\bFROM {t}\b", statement))

    event.listen(Engine, "before_cursor_execute", note)
    yield reads
    event.remove(Engine, "before_cursor_execute", note)


@pytest.fixture
def feature_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per ``compute_features`` call of the risk model: every facility's features."""
    runs: list[int] = []
    compute: Callable[..., Any] = models.risk_model.compute_features

    def counted(*args: Any, **kwargs: Any) -> Any:
        frame = compute(*args, **kwargs)
        runs.append(len(frame))
        return frame

    monkeypatch.setattr(models.risk_model, "compute_features", counted)
    return runs


def test_an_unknown_facility_is_refused_before_any_data_is_loaded(
    home: tuple[Settings, TestClient], table_reads: list[str], feature_runs: list[int]
) -> None:
    _, client = home
    assert client.get("/tilbud/F99").status_code == 404
    assert client.get("/api/v1/facilities/F99/explanation").status_code == 404
    assert client.get("/api/v1/reports/facility/F99").status_code == 404
    assert table_reads == [] and feature_runs == []


def test_every_facility_is_loaded_and_scored_once_for_many_pages(
    home: tuple[Settings, TestClient], table_reads: list[str], feature_runs: list[int]
) -> None:
    _, client = home
    for path in ("/tilbud/F1", "/tilbud/F2", "/api/v1/facilities/F3/explanation", "/api/v1/reports/facility/F4"):
        assert client.get(path).status_code == 200, path
    assert sorted(table_reads) == sorted(BULK_TABLES)  # one load of the stored data for four pages
    assert feature_runs == [6]  # one scoring of the six facilities


def test_an_import_replaces_what_is_kept(home: tuple[Settings, TestClient], tmp_path: Path) -> None:
    settings, client = home
    assert "Bostedet Egebakken" in Page(client.get("/tilbud/F1").text).text()
    ds = small_dataset()
    renamed = ds.facilities.assign(name=ds.facilities["name"].where(ds.facilities["facility_id"] != "F1", "Egely"))
    imports.import_upload(settings, write_csv_folder(ds.with_tables(facilities=renamed), tmp_path / "renamed"))
    text = Page(client.get("/tilbud/F1").text).text()
    assert "Egely" in text and "Bostedet Egebakken" not in text
    assert client.get("/api/v1/facilities/F1/explanation").json()["name"] == "Egely"


def test_the_kept_scoring_explains_as_a_fresh_one(home: tuple[Settings, TestClient]) -> None:
    settings, _ = home
    first = explain_facility(settings, "F2").as_dict()
    explain_facility(settings, "F5")  # another facility from the kept scoring
    again = explain_facility(settings, "F2").as_dict()
    drop_kept()
    fresh = explain_facility(settings, "F2").as_dict()
    assert first == again == fresh


def test_a_warm_up_loads_and_scores_before_the_first_page(
    home: tuple[Settings, TestClient], table_reads: list[str], feature_runs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, client = home
    from models.engine import RiskEngine

    prepared: list[RiskEngine] = []
    monkeypatch.setattr(RiskEngine, "prepare_explanations", lambda self: prepared.append(self))
    warm_up(settings)  # what ``tilsynsplan serve`` starts in a background thread
    assert sorted(table_reads) == sorted(BULK_TABLES) and feature_runs == [6]
    # the SHAP explainer (shap's import, the booster's trees) before the first explanation, when LightGBM is used
    from models.store import load_model

    assert len(prepared) == (load_model(settings).model.engine_ is not None)
    for path in ("/tilbud/F1", "/api/v1/facilities/F3/explanation", "/api/v1/reports/facility/F4?format=pdf"):
        assert client.get(path).status_code == 200, path
    assert sorted(table_reads) == sorted(BULK_TABLES) and feature_runs == [6]  # the first pages load nothing more


def test_a_warm_up_without_data_or_model_makes_nothing(tmp_path: Path, feature_runs: list[int]) -> None:
    settings = make_settings(tmp_path / "home")
    warm_up(settings)
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.db"))  # no database made
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    warm_up(settings)  # data, no model: a warm-up never trains
    assert feature_runs == [] and list_models(settings) == []

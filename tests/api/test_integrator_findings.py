"""What building a case-system integration against the API found (only the OpenAPI document, /docs and the README's
API section in hand): each test is one thing a nightly sync could not do, or did not learn from the answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

# --- one inspector's quarter of a plan ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded and plan 1 (2026Q4, eight quarters) made through the API, with an announced visit of
    I3 agreed in 2027Q1 (the small world's plan has unannounced visits in 2026Q4 only)."""
    root = tmp_path_factory.mktemp("integrator-plans")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        lock = {"facility_id": "F5", "date": "2027-02-09", "inspector_id": "I3", "announced": True}
        assert client.post("/api/v1/locked-visits", json=lock, headers=AUTH).status_code == 201
        assert client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH).status_code == 201
        yield client


def test_a_plans_visits_of_one_quarter_and_one_inspector(plan_client: TestClient) -> None:
    """A case system shows an inspector's visits of the quarter: the plan answered every visit of its eight quarters
    (680 kB at 2,000 tilbud) and ignored ``quarter`` and ``inspector_id``; only the calendar took an inspector."""
    whole = plan_client.get("/api/v1/plans/1", headers=AUTH).json()
    assert len({v["quarter"] for v in whole["visits"]}) > 1
    quarter = plan_client.get("/api/v1/plans/1", params={"quarter": "2026K4"}, headers=AUTH).json()
    assert quarter["visits"] == [v for v in whole["visits"] if v["quarter"] == "2026Q4"]
    assert quarter["visit_count"] == whole["visit_count"]  # the plan's, as in the list of plans
    mine = plan_client.get("/api/v1/plans/1", params={"quarter": "2026Q4", "inspector_id": "I3"}, headers=AUTH)
    expected = [v for v in quarter["visits"] if "I3" in v["inspector_ids"]]
    assert expected and mine.json()["visits"] == expected


def test_a_reader_filtering_by_inspector_learns_nothing_of_unannounced_visits(plan_client: TestClient) -> None:
    whole = plan_client.get("/api/v1/plans/1", headers=AUTH).json()
    mine = [v for v in whole["visits"] if "I3" in v["inspector_ids"]]
    assert any(not v["announced"] for v in mine)
    read = plan_client.get("/api/v1/plans/1", params={"inspector_id": "I3"}).json()["visits"]
    assert all(v["announced"] for v in read)  # an unannounced visit of I3 is not listed as I3's
    assert len(read) == sum(v["announced"] for v in mine)


def test_plan_filters_refuse_what_names_nothing(plan_client: TestClient) -> None:
    unknown = plan_client.get("/api/v1/plans/1", params={"inspector_id": "I9"})
    assert unknown.status_code == 404
    assert (
        assert_error_shape(unknown.json(), "not_found")["message"] == "Tilsynskonsulent 'I9' findes ikke i databasen."
    )
    bad = plan_client.get("/api/v1/plans/1", params={"quarter": "2026-4"})
    assert bad.status_code == 422
    assert "kvartal" in assert_error_shape(bad.json(), "invalid_argument")["message"]
    names = {
        p["name"]
        for p in plan_client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/plans/{plan_id}"]["get"]["parameters"]
    }
    assert {"quarter", "inspector_id"} <= names

"""Edges of the HTTP layer: out-of-range ids, bodies that are not JSON, untranslated validation messages,
content negotiation by q-values, 405 with every method of the path, HEAD, crashes answered once and cleanly,
blank pushed records and record numbers in pushes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from data.settings import Settings
from tests.api.conftest import AUTH
from tests.api.test_app_errors import assert_error_shape

TOO_BIG = 99999999999999999999  # above the largest SQLite / PostgreSQL integer (2**63 - 1)


def detail_of(response_json: dict, field: str) -> dict:
    details = {d["field"]: d for d in response_json["error"]["details"]}
    assert field in details, response_json
    return details[field]


# --- 1. ids beyond the database's integers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/plans/{TOO_BIG}",
        f"/api/v1/plans/{TOO_BIG}/analysis",
        f"/api/v1/plans/{TOO_BIG}/export.csv",
        f"/api/v1/plans/{TOO_BIG}/calendar.ics",
        f"/api/v1/reports/plan/{TOO_BIG}",
    ],
)
def test_a_plan_id_beyond_the_database_integers_is_422_naming_it(
    client: TestClient, loaded: Settings, path: str
) -> None:
    response = client.get(path, headers=AUTH)
    assert response.status_code == 422, response.text
    assert_error_shape(response.json(), "invalid_request")
    detail = detail_of(response.json(), "plan_id")
    assert detail["location"] == "path"
    assert detail["message"] == (
        f"'plan_id' må højst være 9223372036854775807, det største heltal databasen kan gemme (et id), ikke {TOO_BIG}"
    )


def test_plan_id_zero_is_422_naming_the_least_id(client: TestClient, loaded: Settings) -> None:
    response = client.get("/api/v1/plans/0")
    assert response.status_code == 422
    assert detail_of(response.json(), "plan_id")["message"] == "'plan_id' skal være mindst 1"


def test_the_plan_page_of_a_huge_id_is_a_422_page(client: TestClient, loaded: Settings) -> None:
    response = client.get(f"/planer/{TOO_BIG}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "plan_id" in response.text and "9223372036854775807" in response.text


def test_a_huge_parent_plan_id_is_422(client: TestClient, loaded: Settings) -> None:
    body = {"quarter": "2027Q1", "parent_plan_id": TOO_BIG}
    response = client.post("/api/v1/plans", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    detail = detail_of(response.json(), "parent_plan_id")
    assert detail["message"].startswith("'parent_plan_id' må højst være 9223372036854775807")
    assert detail["message"].endswith(f"ikke {TOO_BIG}")


# --- 2. quarters of impossible years ------------------------------------------------------------------------


def test_a_plan_for_year_9999_is_refused_in_danish(client: TestClient, loaded: Settings) -> None:
    response = client.post("/api/v1/plans", json={"quarter": "9999Q4"}, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_argument")
    assert error["message"].startswith("'9999Q4' ligger uden for de år, der kan planlægges; året skal ligge fra 1900")

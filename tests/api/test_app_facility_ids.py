"""Facility ids are text: one holding a '/' (decoded by the server before routing) must still reach its
profile, master data, explanation, report and lock routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from data.settings import Settings
from tests.api.conftest import make_settings
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

ODD_ID = "F/2"


@pytest.fixture
def odd_client(tmp_path: Path) -> Iterator[TestClient]:
    ds = small_dataset()
    renamed = {
        name: frame.assign(facility_id=frame["facility_id"].replace({"F2": ODD_ID}))
        for name, frame in ds.tables().items()
        if "facility_id" in frame.columns
    }
    settings: Settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(ds.with_tables(**renamed), tmp_path / "odd"), label="test")
    with TestClient(create_app(settings)) as c:
        yield c


def test_an_id_with_a_slash_reaches_its_routes(odd_client: TestClient) -> None:
    path = quote(ODD_ID, safe="")
    facility = odd_client.get(f"/api/v1/facilities/{path}")
    assert facility.status_code == 200, facility.text
    assert facility.json()["facility_id"] == ODD_ID
    # a reader without a trained model: 409 not_computed from the explanation route, not 404 from routing
    explanation = odd_client.get(f"/api/v1/facilities/{path}/explanation")
    assert explanation.status_code == 409 and explanation.json()["error"]["code"] == "not_computed"
    assert odd_client.get(f"/tilbud/{path}").status_code != 404
    assert odd_client.get("/api/v1/facilities/F9").status_code == 404  # an unknown id is still 404

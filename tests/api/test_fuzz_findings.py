"""What fuzzing the API against its own OpenAPI document found (schemathesis, and requests by hand): each test
is one request that answered a 500, a status or body the document does not declare, or a message in English."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from data.lock_store import lock_context
from data.settings import Settings
from data.store import database
from tests.api.conftest import AUTH
from tests.api.test_app_errors import assert_error_shape

JSON = {**AUTH, "Content-Type": "application/json"}


def detail(body: dict) -> dict:
    details = body["error"]["details"]
    assert len(details) == 1, body
    return details[0]


# --- a locked visit at the end of the calendar --------------------------------------------------------------


def test_a_lock_on_9999_12_31_is_refused_not_a_crash(client: TestClient, loaded: Settings) -> None:
    """The visits near the day were looked up 30 days on either side: past 9999-12-31, OverflowError (500)."""
    body = {"facility_id": "F1", "date": "9999-12-31", "inspector_id": "I1", "announced": True}
    response = client.post("/api/v1/locked-visits", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    error = assert_error_shape(response.json(), "validation_failed")
    assert [d["rule"] for d in error["details"]] == ["date_range"]
    assert client.get("/api/v1/locked-visits", headers=AUTH).json() == []


def test_the_lock_context_of_the_first_and_last_days_does_not_overflow(loaded: Settings) -> None:
    with database(loaded) as engine:
        for day in (dt.date.max, dt.date.min, dt.date(9999, 12, 10)):
            context = lock_context(engine, "F1", day, "I1", near_days=30)
            assert context.near == () and context.same_day is None


# --- the model card's version is a folder name in the model store --------------------------------------------


def test_a_model_version_outside_the_store_is_never_loaded(client: TestClient, settings: Settings) -> None:
    """``version=../x`` unpickled any ``x/model.pkl`` on the server, for anyone; here a file that is no pickle
    answered 500."""
    outside = settings.home / "elsewhere"
    outside.mkdir(parents=True)
    (outside / "model.pkl").write_bytes(b"not a pickle")
    (outside / "meta.json").write_text("{}", encoding="utf-8")
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    for version in ("../elsewhere", str(outside)):
        response = client.get("/api/v1/reports/model", params={"version": version})
        assert response.status_code == 404, (version, response.text)
        assert_error_shape(response.json(), "not_found")


def test_a_model_version_longer_than_a_file_name_is_404_cut_short(client: TestClient, settings: Settings) -> None:
    """The file system refused the name (ENAMETOOLONG): 500; and the message echoed all 3,000 characters."""
    response = client.get("/api/v1/reports/model", params={"version": "x" * 3000})
    assert response.status_code == 404, response.text
    message = assert_error_shape(response.json(), "not_found")["message"]
    assert "x" * 60 + "…'" in message and "x" * 61 not in message

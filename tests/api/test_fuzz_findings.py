"""What fuzzing the API against its own OpenAPI document found (schemathesis, and requests by hand): each test
is one request that answered a 500, a status or body the document does not declare, or a message in English."""

from __future__ import annotations

from fastapi.testclient import TestClient

from data.settings import Settings
from tests.api.conftest import AUTH
from tests.api.test_app_errors import assert_error_shape

JSON = {**AUTH, "Content-Type": "application/json"}


def detail(body: dict) -> dict:
    details = body["error"]["details"]
    assert len(details) == 1, body
    return details[0]


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

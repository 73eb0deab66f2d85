"""What fuzzing the API against its own OpenAPI document found (schemathesis, and requests by hand): each test
is one request that answered a 500, a status or body the document does not declare, or a message in English."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import ApiError
from api.schemas import PlanSummaryPublic
from data.errors import NotFoundError
from data.lock_store import lock_context
from data.plan_store import PlanInfo
from data.settings import Settings
from data.store import database
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape

JSON = {**AUTH, "Content-Type": "application/json"}


def detail(body: dict) -> dict:
    details = body["error"]["details"]
    assert len(details) == 1, body
    return details[0]


# --- the document says what the server does: created_at is an RFC 3339 date-time, an upload needs a file ----


def test_a_plans_created_at_carries_the_servers_utc_offset() -> None:
    naive = dt.datetime(2026, 11, 23, 14, 28, 29)  # as stored: the server's local time
    info = PlanInfo(1, naive, "2027Q1", dt.date(2026, 11, 23), None, "optimal", None, 12)
    sent = json.loads(PlanSummaryPublic.from_info(info).model_dump_json())["created_at"]
    moment = dt.datetime.fromisoformat(sent.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, sent  # "2026-11-23T14:28:29" is no date-time: a client cannot place it
    assert moment == naive.astimezone()  # the same instant, the server's local time
    assert sent.startswith("2026-11-23T14:28:29")


def test_the_document_says_an_upload_needs_a_file(client: TestClient) -> None:
    """An empty ``files`` list was valid by the document and refused by the server (422)."""
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["Body_upload_api_v1_uploads_post"]["properties"]["files"]["minItems"] == 1


# --- a lone UTF-16 surrogate in a JSON text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/use-of-force", b'{"records": [{"facility_id": "F1\\ud800", "month": "2026-09", "count": 1}]}',
         "records[0].facility_id"),
        ("/api/v1/use-of-force", b'{"records": [{"facility_id": "F1", "month": "2026-09", "count": 1, '
         b'"kind": "x\\udc00"}]}', "records[0].kind"),
        ("/api/v1/concerns", b'{"records": [{"facility_id": "F1", "date": "2026-09-01", "severity": "\\ud800"}]}',
         "records[0].severity"),
        ("/api/v1/locked-visits", b'{"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I\\udfff", '
         b'"announced": true}', "inspector_id"),
        ("/api/v1/plans", b'{"quarter": "2027Q1\\ud800"}', "quarter"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_in_a_text_is_422_naming_the_field(
    client: TestClient, loaded: Settings, path: str, body: bytes, field: str
) -> None:
    """JSON may escape half a surrogate pair; it is no character. It reached the database or an error message
    that echoed it, which UTF-8 cannot encode: 500."""
    before = client.get("/api/v1/status").json()["rows"]
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 422, response.text
    error = assert_error_shape(response.json(), "invalid_request")
    found = detail(response.json())
    assert found["field"] == field and found["type"] == "string_unicode"
    assert "UTF-8" in found["message"] and "surrogat" in found["message"]
    assert error["message"] == "Forespørgslen er ugyldig: 1 fejl."
    assert client.get("/api/v1/status").json()["rows"] == before  # nothing stored


def test_an_error_that_echoes_a_lone_surrogate_is_still_answered() -> None:
    """Whatever a message echoes, the answer is encoded: the surrogate becomes U+FFFD, never a 500."""
    app = create_app(Settings(home=Path("/nonexistent"), api_tokens=[]))

    @app.get("/api/v1/echo")
    def echo() -> None:
        raise NotFoundError("Tilbud 'F\udc001' findes ikke.", details=[{"value": "\ud800", "k\udfff": ["\udc00"]}])

    with TestClient(app) as client:
        for accept in ("application/json", "text/html"):
            response = client.get("/api/v1/echo", headers={"Accept": accept})
            assert response.status_code == 404, response.text
            assert "F\ufffd1" in response.text
    printable = ApiError(404, "not_found", "a\ud800", [{"v": "\udc00"}]).printable()
    assert printable.body()["error"] == {"code": "not_found", "message": "a\ufffd", "details": [{"v": "\ufffd"}]}


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


# --- a multipart body that cannot be parsed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("multipart/form-data; boundary=zzz", "ikke gyldig multipart/form-data"),
        ("multipart/form-data", "mangler sin boundary"),
    ],
)
def test_an_unreadable_multipart_upload_is_422_in_danish(client: TestClient, content_type: str, reason: str) -> None:
    """Starlette answered 400 ``bad_request`` 'Invalid multipart data.': English, and a status the document
    does not declare for uploads."""
    response = client.post(
        "/api/v1/uploads?dry_run=true", content=b"garbage", headers={**AUTH, "Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    error = assert_error_shape(response.json(), "invalid_request")
    assert error["message"] == "Forespørgslen er ugyldig: kroppen kan ikke læses som multipart/form-data."
    assert reason in detail(response.json())["message"]
    assert "422" in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/uploads"]["post"]["responses"]


# --- a body without a declared length -----------------------------------------------------------------------


def _chunked(head: bytes, part: bytes, times: int, tail: bytes) -> Iterator[bytes]:
    """A body sent in pieces (the test client then sends ``Transfer-Encoding: chunked``, no Content-Length)."""
    yield head
    for _ in range(times):
        yield part
    yield tail


RECORD = b'{"facility_id": "F1", "month": "2026-09", "count": 1}'


@pytest.fixture
def small_limit(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path / "home", max_upload_mb=1))) as client:
        yield client


def test_a_chunked_json_body_past_the_limit_is_413(small_limit: TestClient) -> None:
    """Only a declared Content-Length was checked: 3 MB of pushed records sent in chunks were read whole (and
    validated) under a 1 MB limit, so any size reached memory."""
    body = _chunked(b'{"records": [', (RECORD + b",") * 1000, 60, RECORD + b"]}")
    response = small_limit.post("/api/v1/use-of-force", content=body, headers=JSON)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text[:300]
    message = assert_error_shape(response.json(), "upload_too_large")["message"]
    assert "1 MB" in message
    assert "portioner" in message and "zip" not in message  # records pushed as JSON, not files to zip


def test_a_json_body_declared_past_the_limit_speaks_of_records_not_files(small_limit: TestClient) -> None:
    body = b'{"records": [' + (RECORD + b",") * 30_000 + RECORD + b"]}"
    response = small_limit.post("/api/v1/use-of-force", content=body, headers=JSON)
    assert response.request.headers.get("content-length") == str(len(body))
    assert response.status_code == 413, response.text[:300]
    message = assert_error_shape(response.json(), "upload_too_large")["message"]
    assert "Send posterne i flere mindre portioner" in message and "zip" not in message


def test_a_chunked_upload_past_the_limit_is_413(small_limit: TestClient) -> None:
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="visits.csv"\r\n\r\nvisit_id\r\n'
    body = _chunked(head, b"V1\r\n" * 100_000, 5, b"--b--\r\n")
    headers = {**AUTH, "Content-Type": "multipart/form-data; boundary=b"}
    response = small_limit.post("/api/v1/uploads?dry_run=true", content=body, headers=headers)
    assert response.status_code == 413, response.text[:300]
    assert "zip CSV-filerne" in assert_error_shape(response.json(), "upload_too_large")["message"]


def test_a_chunked_json_body_within_the_limit_is_stored(client: TestClient, loaded: Settings) -> None:
    body = _chunked(b'{"records": [', b"", 0, RECORD + b"]}")
    response = client.post("/api/v1/use-of-force", content=body, headers=JSON)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 201, response.text
    assert response.json()["records"] == 1

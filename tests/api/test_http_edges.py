"""Edges of the HTTP layer: out-of-range ids, bodies that are not JSON, untranslated validation messages,
content negotiation by q-values, 405 with every method of the path, HEAD, crashes answered once and cleanly,
blank pushed records and record numbers in pushes."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
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
        f"'plan_id' må højst være 9.223.372.036.854.775.807, det største heltal databasen kan gemme (et id), ikke {TOO_BIG}"
    )


def test_plan_id_zero_is_422_naming_the_least_id(client: TestClient, loaded: Settings) -> None:
    response = client.get("/api/v1/plans/0")
    assert response.status_code == 422
    assert detail_of(response.json(), "plan_id")["message"] == "'plan_id' skal være mindst 1, ikke '0'"


def test_the_plan_page_of_a_huge_id_is_a_422_page(client: TestClient, loaded: Settings) -> None:
    response = client.get(f"/planer/{TOO_BIG}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "plan_id" in response.text and "9.223.372.036.854.775.807" in response.text


def test_a_huge_parent_plan_id_is_422(client: TestClient, loaded: Settings) -> None:
    body = {"quarter": "2027Q1", "parent_plan_id": TOO_BIG}
    response = client.post("/api/v1/plans", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    detail = detail_of(response.json(), "parent_plan_id")
    assert detail["message"].startswith("'parent_plan_id' må højst være 9.223.372.036.854.775.807")
    assert detail["message"].endswith(f"ikke {TOO_BIG}")


# --- 2. quarters of impossible years ------------------------------------------------------------------------


def test_a_plan_for_year_9999_is_refused_in_danish(client: TestClient, loaded: Settings) -> None:
    response = client.post("/api/v1/plans", json={"quarter": "9999Q4"}, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_argument")
    assert error["message"].startswith("'9999Q4' ligger uden for de år, der kan planlægges; året skal ligge fra 1900")


# --- 3. framework messages in Danish -------------------------------------------------------------------------

JSON_TYPE = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '{"quarter": "2027Q1", "authority": "øst"}'.encode("latin-1"),
            "Forespørgslens krop er ikke UTF-8: byte 37 er 0xf8; send JSON i UTF-8",
        ),
        (
            b"[" * 5000 + b"]" * 5000,
            "Forespørgslens JSON er indlejret for dybt (for mange lister eller objekter inden i hinanden)",
        ),
    ],
)
def test_a_body_that_cannot_be_read_as_json_is_422_in_danish(client: TestClient, body: bytes, reason: str) -> None:
    response = client.post("/api/v1/plans", content=body, headers={**AUTH, **JSON_TYPE})
    assert response.status_code == 422, response.text
    error = assert_error_shape(response.json(), "invalid_request")
    assert (
        error["message"] == "Forespørgslen er ugyldig: kroppen skal være JSON i UTF-8 (Content-Type: application/json)."
    )
    assert error["details"][0]["location"] == "body"
    assert error["details"][0]["message"] == reason
    assert "parsing" not in response.text


@pytest.mark.parametrize(
    ("path", "body", "field", "value"),
    [
        ("/api/v1/plans", {"quarter": "2027Q1", "as_of": "2026-11-01T10:00:00"}, "as_of", "2026-11-01T10:00:00"),
        ("/api/v1/plans", {"quarter": "2027Q1", "as_of": 20270101}, "as_of", "20270101"),
        ("/api/v1/plans", {"quarter": "2027Q1", "as_of": "20261101"}, "as_of", "20261101"),
        (
            "/api/v1/locked-visits",
            {"facility_id": "F1", "date": 1800000000, "inspector_id": "I1", "announced": True},
            "date",
            "1800000000",
        ),
        ("/api/v1/model/train", {"as_of": "2026-11-01T00:00:01"}, "as_of", "2026-11-01T00:00:01"),
    ],
)
def test_a_date_with_a_time_or_a_number_is_refused_in_danish(
    client: TestClient, path: str, body: dict, field: str, value: str
) -> None:
    response = client.post(path, json=body, headers=AUTH)
    assert response.status_code == 422
    detail = detail_of(response.json(), field)
    assert detail["message"] == (
        f"'{field}' skal være en dato på formen ÅÅÅÅ-MM-DD uden klokkeslæt, fx 2026-11-01, ikke '{value}'"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "as_of=2026-11-01T10:00:00",
            "'as_of' skal være en dato på formen ÅÅÅÅ-MM-DD uden klokkeslæt, fx 2026-11-01, ikke '2026-11-01T10:00:00'",
        ),
        ("as_of=1.11.2026", "'as_of' skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-11-01, ikke '1.11.2026'"),
        ("as_of=2026-02-30", "'as_of' skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-11-01, ikke '2026-02-30'"),
        ("top=" + "9" * 5000, "'top' skal være et heltal, og '" + "9" * 40 + "…' er for stort"),
    ],
)
def test_query_dates_and_numbers_are_refused_in_danish(client: TestClient, query: str, message: str) -> None:
    response = client.get(f"/api/v1/risk?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == message


def test_malformed_json_names_the_character_not_a_field(client: TestClient) -> None:
    response = client.post("/api/v1/plans", content=b'{"quarter": "2027Q1",,}', headers={**AUTH, **JSON_TYPE})
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert (detail["location"], detail["field"]) == ("body", "")
    assert detail["message"] == (
        "Forespørgslens JSON er ugyldig ved tegn 22 (linje 1, kolonne 22): forventede et feltnavn i dobbelte anførselstegn"
    )
    multi = client.post("/api/v1/plans", content=b'{\n  "quarter": 2027Q1\n}', headers={**AUTH, **JSON_TYPE})
    assert multi.json()["error"]["details"][0]["message"] == (
        "Forespørgslens JSON er ugyldig ved tegn 20 (linje 2, kolonne 18): forventede et komma"
    )


@pytest.mark.parametrize(
    ("headers", "sent"), [({"Content-Type": "text/plain"}, "med Content-Type 'text/plain'"), ({}, "uden Content-Type")]
)
def test_json_without_the_json_content_type_says_so(client: TestClient, headers: dict, sent: str) -> None:
    response = client.post("/api/v1/plans", content=b'{"quarter": "2027Q1"}', headers={**AUTH, **headers})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == (
        f"Forespørgslen skal være et JSON-objekt sendt med Content-Type: application/json (den kom {sent})"
    )


def test_a_json_body_that_is_not_an_object_says_what_it_must_be(client: TestClient) -> None:
    response = client.post("/api/v1/plans", json=["2027Q1"], headers=AUTH)
    assert response.json()["error"]["details"][0]["message"] == (
        'Forespørgslen skal være et JSON-objekt ({"felt": værdi, …}), ikke en liste'
    )


def test_an_empty_list_of_records_is_refused_in_correct_danish(client: TestClient) -> None:
    response = client.post("/api/v1/concerns", json={"records": []}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == "'records' skal have mindst 1 element"


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity"])
def test_a_time_limit_that_is_not_a_number_says_so(client: TestClient, number: bytes) -> None:
    body = b'{"quarter": "2027Q1", "time_limit_s": ' + number + b"}"
    response = client.post("/api/v1/plans", content=body, headers={**AUTH, **JSON_TYPE})
    assert response.status_code == 422
    shown = {b"NaN": "NaN", b"Infinity": "Infinity", b"-Infinity": "-Infinity"}[number]
    assert response.json()["error"]["details"][0]["message"] == (f"'time_limit_s' skal være et tal, ikke {shown}")


# --- 5. content negotiation by q-values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "html"),
    [
        ("/api/v1/findes-ikke", "application/json;q=1.0, text/html;q=0.1", False),
        ("/api/v1/findes-ikke", "application/json, text/html;q=0.5", False),
        ("/api/v1/findes-ikke", "text/html;q=0.5, application/json", False),
        ("/api/v1/findes-ikke", "text/html;q=0, */*", False),
        ("/api/v1/findes-ikke", "text/html, application/json", True),  # equal q: HTML, as before
        ("/api/v1/findes-ikke", "application/json;q=0.8, text/html;q=0.8", True),
        ("/api/v1/findes-ikke", "text/html;q=0.9, application/json;q=0.1", True),
        ("/api/v1/findes-ikke", "*/*", False),
        ("/planlaeg-alt", "application/json, text/html;q=0.5", False),
        ("/planlaeg-alt", "text/html;q=0.5, application/json;q=0.6", False),
        ("/planlaeg-alt", "*/*", True),
        ("/planlaeg-alt", "TEXT/HTML; Q=0.7, application/json; q=0.2", True),
    ],
)
def test_errors_follow_the_q_values_of_accept(client: TestClient, path: str, accept: str, html: bool) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    kind = response.headers["content-type"]
    assert kind.startswith("text/html") if html else kind.startswith("application/json"), (accept, kind)


# --- 6. 405 names every method of the path; HEAD wherever GET ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/locked-visits", "GET, HEAD, POST"),
        ("/api/v1/plans", "GET, HEAD, POST"),
        ("/api/v1/model/train", "POST"),
        ("/api/v1/locked-visits/F1/2026-10-06", "DELETE"),
        ("/planer", "GET, HEAD, POST"),
    ],
)
def test_405_lists_every_method_of_the_path(client: TestClient, path: str, allowed: str) -> None:
    response = client.put(path, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    if path.startswith("/api/"):
        error = assert_error_shape(response.json(), "method_not_allowed")
        assert error["message"] == f"Metoden PUT er ikke tilladt for '{path}'. Tilladt: {allowed}."


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/status", "/", "/login", "/api/v1/openapi.json"])
def test_head_answers_where_get_does_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_head_where_only_post_is_allowed_is_405(client: TestClient) -> None:
    response = client.head("/api/v1/model/train", headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.content == b""


def test_head_of_a_missing_plan_is_404_without_a_body(client: TestClient, loaded: Settings) -> None:
    response = client.head("/api/v1/plans/7", headers=AUTH)
    assert response.status_code == 404 and response.content == b""


# --- 7. a crash: one log record with the stack trace, a clean 500, the connection kept -------------------------


def _app_that_crashes(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/api/v1/crash")
    def crash() -> None:
        raise RuntimeError("hemmelig intern detalje")

    return app


def test_a_crash_is_answered_not_raised_to_the_server(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(_app_that_crashes(settings))  # raises what the app lets through to the server
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/crash")
    assert response.status_code == 500
    assert_error_shape(response.json(), "internal_error")
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info is not None, [r.getMessage() for r in logged]
    page = client.get("/api/v1/crash", headers={"Accept": "text/html"})
    assert page.status_code == 500 and "hemmelig" not in page.text


def test_after_a_crash_the_keep_alive_connection_still_works(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app_that_crashes(settings), log_level="info", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    with caplog.at_level(logging.INFO):
        thread.start()
        try:
            for _ in range(800):  # up to 20 s on a busy machine
                if server.started:
                    break
                time.sleep(0.025)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/api/v1/crash")
            crashed = connection.getresponse()
            body = json.loads(crashed.read())
            assert crashed.status == 500 and body["error"]["code"] == "internal_error"
            connection.request("GET", "/api/v1/health")  # the same connection
            health = connection.getresponse()
            assert health.status == 200 and json.loads(health.read())["status"] == "ok"
            connection.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [(r.name, r.getMessage()) for r in errors]
    assert errors[0].name == "api.errors" and errors[0].exc_info is not None


# --- 9. a lock says whether it is announced ---------------------------------------------------------------------


def test_a_lock_without_announced_is_refused(client: TestClient, loaded: Settings) -> None:
    body = {"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I1"}
    response = client.post("/api/v1/locked-visits", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    assert_error_shape(response.json(), "invalid_request")
    assert detail_of(response.json(), "announced")["message"] == "'announced' mangler"
    assert client.get("/api/v1/locked-visits", headers=AUTH).json() == []  # nothing locked


# --- 8. pushed records: blank records refused, record numbers everywhere ---------------------------------------


@pytest.mark.parametrize("blank", ["", " "])
def test_a_pushed_record_whose_every_field_is_blank_is_refused(
    client: TestClient, loaded: Settings, blank: str
) -> None:
    body = {"records": [{"facility_id": blank, "date": blank, "severity": blank}]}
    response = client.post("/api/v1/concerns", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    error = assert_error_shape(response.json(), "validation_failed")
    places = {(d["file"], d["row"], d["column"], d["message"]) for d in error["details"]}
    assert places == {
        ("concerns", 1, "facility_id", "facility_id må ikke være tom"),
        ("concerns", 1, "date", "date må ikke være tom"),
        ("concerns", 1, "severity", "severity må ikke være tom"),
    }


def test_a_blank_record_among_others_keeps_every_record_number(client: TestClient, loaded: Settings) -> None:
    body = {
        "records": [
            {"facility_id": "F2", "date": "2026-09-14", "severity": "low"},
            {"facility_id": "", "date": "", "severity": ""},
            {"facility_id": "F2", "date": "2026-09-15", "severity": "akut"},
        ]
    }
    response = client.post("/api/v1/concerns", json=body, headers=AUTH)
    assert response.status_code == 422
    places = {(d["row"], d["column"]) for d in response.json()["error"]["details"]}
    assert places == {(2, "facility_id"), (2, "date"), (2, "severity"), (3, "severity")}
    assert client.get("/api/v1/status").json()["rows"]["concerns"] == 1  # nothing stored


def test_a_duplicate_in_one_push_names_the_first_records_number(client: TestClient, loaded: Settings) -> None:
    record = {"facility_id": "F2", "date": "2026-09-14", "severity": "low"}
    other = {"facility_id": "F3", "date": "2026-09-14", "severity": "low"}
    response = client.post("/api/v1/concerns", json={"records": [record, other, record]}, headers=AUTH)
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert (detail["file"], detail["row"], detail["rule"]) == ("concerns", 3, "duplicate_key")
    assert "som række 1;" in detail["message"]


def test_warnings_of_a_push_name_the_table_and_the_record(client: TestClient, loaded: Settings) -> None:
    early = {"facility_id": "F6", "date": "2026-01-05", "severity": "low"}  # F6 was approved 2026-05-01
    good = {"facility_id": "F2", "date": "2026-09-14", "severity": "low"}
    response = client.post("/api/v1/concerns", json={"records": [good, early]}, headers=AUTH)
    assert response.status_code == 201, response.text
    [warning] = response.json()["warnings"]
    assert warning["file"] == "concerns" and warning["rule"] == "before_approval"
    assert "(række 2)" in warning["message"]
    assert response.json()["inserted"] == 2


# --- 4. OpenAPI documents the one error shape ------------------------------------------------------------------

ERROR_REF = "#/components/schemas/ErrorResponse"
#: Endpoints that never open the database (no 503 database_busy).
WITHOUT_DATABASE = {("get", "/api/v1/health")}


def _operations(client: TestClient) -> list[tuple[str, str, dict]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [(method, path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_openapi_documents_our_error_shape_and_never_fastapis(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert "HTTPValidationError" not in schema.text and '"ValidationError"' not in schema.text
    operations = _operations(client)
    assert len(operations) >= 20
    for method, path, op in operations:
        where = f"{method.upper()} {path}"
        for status, response in op["responses"].items():
            if int(status) >= 400:
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
                assert ref == ERROR_REF, (where, status, response)
                assert response.get("description"), (where, status)
        documented = {int(s) for s in op["responses"]}
        assert {401, 403, 500} <= documented, (where, documented)  # a bad token is refused on every request
        # If-None-Match is never refused (what is no entity-tag is ignored, api.conditional): it makes no 422
        refusable = [p for p in op.get("parameters", []) if p["name"] != "If-None-Match"]
        if refusable or op.get("requestBody"):
            assert 422 in documented, (where, documented)
        if (method, path) not in WITHOUT_DATABASE:
            assert 503 in documented, (where, documented)
            assert "Retry-After" in op["responses"]["503"].get("headers", {}), where
        if op.get("requestBody"):  # any body past TILSYNSPLAN_MAX_UPLOAD_MB is 413, a plan's or a lock's too
            assert 413 in documented, (where, documented)

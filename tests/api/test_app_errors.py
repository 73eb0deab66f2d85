"""The one error shape: domain errors, request validation, unknown routes, wrong methods, crashes."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from data.errors import NoDataError
from data.settings import Settings
from tests.api.conftest import AUTH
from tests.api.html_parse import Page


def assert_error_shape(body: dict, code: str) -> dict:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return body["error"]


def test_unknown_api_route_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/findes-ikke")
    assert response.status_code == 404
    error = assert_error_shape(response.json(), "not_found")
    assert error["message"] == "Siden eller ressourcen '/api/v1/findes-ikke' findes ikke."


def test_browser_gets_a_danish_error_page(client: TestClient) -> None:
    response = client.get("/api/v1/findes-ikke", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert page.text_of("error-message") == "Siden eller ressourcen '/api/v1/findes-ikke' findes ikke."
    assert "Findes ikke" in page.text()
    error = page.by_id("error-message")
    assert error is not None and error.attrs["data-error-code"] == "not_found"  # for programs, not shown
    assert "not_found" not in page.text() and "Fejlkode" not in page.text()


def test_unknown_web_page_is_html_without_accept_header(client: TestClient) -> None:
    response = client.get("/planlaeg-alt")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_wrong_method_is_405_and_names_the_allowed_ones(client: TestClient) -> None:
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    error = assert_error_shape(response.json(), "method_not_allowed")
    assert error["message"] == "Metoden DELETE er ikke tilladt for '/api/v1/health'. Tilladt: GET, HEAD."
    assert response.headers["allow"] == "GET, HEAD"


def test_request_validation_lists_each_field_in_danish(client: TestClient) -> None:
    body = {"records": [{"facility_id": "F1", "month": "2026-09", "count": "mange"}, {"facility_id": "F2"}]}
    response = client.post("/api/v1/use-of-force", json=body, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_request")
    assert error["message"] == "Forespørgslen er ugyldig: 3 fejl."
    by_field = {d["field"]: d for d in error["details"]}
    assert by_field["records[0].count"]["message"] == "'records[0].count' skal være et heltal, ikke 'mange'"
    assert by_field["records[0].count"]["location"] == "body"
    assert by_field["records[1].month"]["message"] == "'records[1].month' mangler"
    assert by_field["records[1].count"]["message"] == "'records[1].count' mangler"


def test_a_value_of_the_wrong_kind_is_named_by_what_it_is(client: TestClient) -> None:
    """Every message names what was sent (the import's rule): a text or number quoted and cut at 40 characters,
    a JSON object, list, null or true/false by its kind (not its whole text)."""
    records = [
        {"facility_id": "F1", "month": "2026-09", "count": {"a": 1}},
        {"facility_id": ["F1"], "month": "2026-09", "count": 1},
        {"facility_id": "F1", "month": "2026-09", "count": "x" * 80},
    ]
    response = client.post("/api/v1/use-of-force", json={"records": records}, headers=AUTH)
    messages = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert messages["records[0].count"] == "'records[0].count' skal være et heltal, ikke et objekt"
    assert messages["records[1].facility_id"] == "'records[1].facility_id' skal være en tekst, ikke en liste"
    assert messages["records[2].count"] == f"'records[2].count' skal være et heltal, ikke '{'x' * 40}…'"


def test_query_parameter_validation(client: TestClient) -> None:
    response = client.post("/api/v1/uploads?dry_run=kanske", headers=AUTH, files={"files": ("a.csv", b"x")})
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_request")
    assert error["details"][0]["location"] == "query"
    assert error["details"][0]["message"] == "'dry_run' skal være true eller false, ikke 'kanske'"


def _crashing_app(settings: Settings) -> TestClient:
    app = create_app(settings)

    @app.get("/api/v1/crash")
    def crash() -> None:
        raise RuntimeError("hemmelig intern detalje /srv/db.sqlite")

    @app.get("/api/v1/no-data")
    def no_data() -> None:
        raise NoDataError("Der er ingen tilbud i databasen.")

    return TestClient(app, raise_server_exceptions=False)


def test_unexpected_exception_is_500_logged_and_not_leaked(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client = _crashing_app(settings)
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        response = client.get("/api/v1/crash")
    assert response.status_code == 500
    error = assert_error_shape(response.json(), "internal_error")
    assert error["message"].startswith("Der opstod en uventet fejl på serveren.")
    assert "hemmelig" not in response.text and "Traceback" not in response.text
    assert any("GET /api/v1/crash failed" in r.getMessage() and r.exc_info for r in caplog.records)
    html = client.get("/api/v1/crash", headers={"Accept": "text/html"})
    assert html.status_code == 500 and "hemmelig" not in html.text
    assert Page(html.text).text_of("error-message").startswith("Der opstod en uventet fejl")


def test_domain_error_keeps_its_code_status_and_message(settings: Settings) -> None:
    response = _crashing_app(settings).get("/api/v1/no-data")
    assert response.status_code == 409
    error = assert_error_shape(response.json(), "no_data")
    assert error["message"] == "Der er ingen tilbud i databasen."


HTML = {"Accept": "text/html"}


def test_an_error_detail_without_a_message_is_shown_in_danish_words(client: TestClient, loaded: Settings) -> None:
    """The error page printed the detail as a Python dict: {'field': 'as_of', 'value': '1800-01-01', ...}."""
    response = client.get("/api/v1/reports/risk?as_of=1800-01-01&top=1", headers=HTML)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.table("error-details") == [["Opgørelsesdato (as_of)", "Værdien '1800-01-01' er for tidlig."]]
    assert "{'field'" not in response.text and "{&#39;field" not in response.text


def test_a_request_field_is_named_in_danish_on_the_error_page(client: TestClient) -> None:
    page = Page(client.get("/api/v1/risk?top=0", headers=HTML).text)
    assert page.table("error-details") == [["Antal rækker (top)", "Skal være mindst 1, ikke '0'"]]


def test_the_401_page_sends_a_person_to_log_in_and_back(client: TestClient) -> None:
    """A browser user was told to send an Authorization header, and "Log ind" lost the page they wanted."""
    response = client.get("/api/v1/plans/1/export.csv", headers=HTML)
    assert response.status_code == 401
    page = Page(response.text)
    assert page.text_of("error-message") == (
        "Kun autoriserede planlæggere har adgang. Log ind som planlægger for at fortsætte."
    )
    assert "Authorization" not in page.text()
    login = page.by_id("error-login")
    assert login is not None and login.attrs["href"] == "/login?next=%2Fapi%2Fv1%2Fplans%2F1%2Fexport.csv"
    api = client.get("/api/v1/plans/1/export.csv")  # a case system still gets the hint it needs
    assert "Authorization: Bearer" in api.json()["error"]["message"]


def test_a_long_value_is_cut_in_the_message(client: TestClient) -> None:
    """A 5,000-character value was echoed whole and widened the page to 3,347 px."""
    for field in ("authority", "quarter"):
        body = {"quarter": "2026K4", field: "x" * 5000}
        response = client.post("/api/v1/plans", json=body, headers={**AUTH, **HTML})
        assert response.status_code == 422, field
        message = Page(response.text).text_of("error-message")
        assert f"'{'x' * 60}…'" in message and "x" * 61 not in message, field


def test_an_unknown_query_parameter_is_refused_naming_the_allowed_ones(client: TestClient) -> None:
    """A misspelt filter was ignored in silence: ``/risk?autority=midt`` answered the national list, which a case
    system would take for Midt's. A name starting with ``_`` (a cache-buster) and the web pages are left alone."""
    response = client.get("/api/v1/risk?autority=midt&top=5")
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_request")
    assert error["details"] == [
        {
            "location": "query",
            "field": "autority",
            "message": "'autority' er ikke en parameter her; tilladte: as_of, authority, facility_type, format, "
            "offset, top",
            "type": "query_unknown",
        }
    ]
    assert client.get("/api/v1/health?_=1700000000").status_code == 200
    assert client.get("/api/v1/health?x=1").json()["error"]["details"][0]["message"].endswith("tilladte: ingen")
    assert client.get("/?utm_source=nyhedsbrev").status_code == 200
    documented = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/health"]["get"]["responses"]
    assert "422" in documented


def test_a_record_that_is_no_object_and_a_list_too_long_name_what_was_sent(client: TestClient) -> None:
    """A push whose record is a CSV line as a string ("F1,2026-09,3") is named with the value sent, as every other
    kind's message is; a limit is a number in Danish form (100.000, as the import's counts)."""
    body = {"records": ["F1,2026-09,3", None]}
    response = client.post("/api/v1/use-of-force", json=body, headers=AUTH)
    assert response.status_code == 422
    messages = {d["field"]: d["message"] for d in assert_error_shape(response.json(), "invalid_request")["details"]}
    assert messages == {
        "records[0]": "'records[0]' skal være et objekt, ikke 'F1,2026-09,3'",
        "records[1]": "'records[1]' skal være et objekt, ikke null",
    }
    records = [{"facility_id": "F1", "month": "2026-09", "count": 1}] * 100_001
    response = client.post("/api/v1/use-of-force?dry_run=true", json={"records": records}, headers=AUTH)
    [detail] = assert_error_shape(response.json(), "invalid_request")["details"]
    assert detail["message"] == "'records' må højst have 100.000 elementer"

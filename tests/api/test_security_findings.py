"""Findings of a security and integrator audit of the HTTP app (helper "sec"): what another site's page could make a
planner's browser cost the server, and what a careless case system is answered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.services import national
from api.services import risk as risk_service
from api.services.risk_lists import stored_run
from data.settings import Settings
from data.store import load_dataset
from models.store import list_models
from tests.api.conftest import AUTH, TOKEN
from tests.api.html_parse import Page

OTHER_SITE = ("cross-site", "same-site")
PLANNER = "Logget ind som planlægger"


def test_a_get_another_site_sends_with_the_planners_cookie_scores_and_trains_nothing(
    client: TestClient, loaded: Settings
) -> None:
    """A planner's GET of a date with no stored run scores every tilbud (training a model first when there is none)
    and stores the run: a write and up to a minute of CPU. A page on a sibling host (``same-site``: SameSite=Lax sends
    the cookie with its ``<img src=".../api/v1/risk?as_of=...">``) or another site's page sending the browser from date
    to date could so burn the server's CPU and fill the database with runs and models. Such a GET reads as the planner but computes nothing; the message says why and
    how to compute it."""
    assert client.post("/login", data={"token": TOKEN}).status_code == 200
    for site in OTHER_SITE:
        headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
        for url in (
            "/api/v1/risk?as_of=2026-06-01",
            "/api/v1/reports/risk?as_of=2026-06-01",
            "/api/v1/facilities/F1/explanation?as_of=2026-06-01",
        ):
            answer = client.get(url, headers=headers)
            assert answer.status_code == 409, (site, url, answer.text)
            error = answer.json()["error"]
            assert error["code"] == "not_computed"
            assert "åbnet fra en side på et andet websted" in error["message"], error["message"]
            assert "adresselinjen" in error["message"]
        assert stored_run(loaded) is None and list_models(loaded) == []  # nothing scored, nothing trained
    # a person's own request computes as before: from the app's pages, typed in the address bar, or a client
    # that sends no Sec-Fetch-Site (curl, a case system)
    for as_of, headers in (
        ("2026-06-01", {"Sec-Fetch-Site": "same-origin"}),
        ("2026-07-01", {"Sec-Fetch-Site": "none"}),
        ("2026-08-03", {}),
    ):
        answer = client.get(f"/api/v1/risk?as_of={as_of}", headers=headers)
        assert answer.status_code == 200, (headers, answer.text)
        assert answer.json()["as_of"] == as_of
    # a bearer token is no ambient credential: the header does not change what it may do
    answer = client.get("/api/v1/risk?as_of=2026-09-01", headers={**AUTH, "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 200 and answer.json()["as_of"] == "2026-09-01"


def test_a_page_another_site_links_to_offers_to_compute_from_the_apps_own_page(
    client: TestClient, loaded: Settings
) -> None:
    """The risk page opened from another site's link (or an ``<img>``) with no stored run: the planner, still logged
    in, is told the list was not computed because another site sent the browser, with a link to compute it from
    here; the link is same-origin, so following it computes the list."""
    assert client.post("/login", data={"token": TOKEN}).status_code == 200
    answer = client.get(
        "/risiko?authority=midt", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    )
    assert answer.status_code == 409
    page = Page(answer.text)
    assert "åbnet fra en side på et andet websted" in page.text_of("error-message")
    assert PLANNER in page.text()  # the planner still reads as a planner
    assert "/risiko?authority=midt" in page.links()
    assert "Beregn her" in page.text()
    assert stored_run(loaded) is None
    # a tilbud's profile is shown without its risk, and says why to the planner (it told a reader's advice: "a
    # planner trains it by logging in and opening the page again")
    profile = client.get("/tilbud/F1", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert profile.status_code == 200
    text = Page(profile.text).text()
    assert "Tilbuddet har ingen risikoscore" in text
    assert "Siden blev åbnet fra en side på et andet websted" in text and "logge ind" not in text
    assert list_models(loaded) == []
    # following the link (from the app's own page) computes it
    own = client.get("/risiko?authority=midt", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200 and stored_run(loaded) is not None


def test_a_query_parameter_sent_twice_is_refused_not_read_as_the_last(client: TestClient, loaded: Settings) -> None:
    """A client that adds a parameter to an address that already has it (``?dry_run=true`` appended to a URL holding
    ``dry_run=false``) got the last value in silence: the check-only push was stored. A parameter sent twice is 422
    naming it and both values; nothing is stored."""
    push = {"records": [{"facility_id": "F1", "date": "2026-09-01", "severity": "high"}]}
    answer = client.post("/api/v1/concerns?dry_run=true&dry_run=false", json=push, headers=AUTH)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"] == [
        {
            "location": "query",
            "field": "dry_run",
            "message": "'dry_run' er sendt 2 gange ('true', 'false'); send den én gang",
            "type": "query_repeated",
        }
    ]
    assert [b["kind"] for b in client.get("/api/v1/imports", headers=AUTH).json()["batches"]] == ["file"]
    answer = client.get("/api/v1/imports?top=1&offset=0&top=2", headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["message"] == "'top' er sendt 2 gange ('1', '2'); send den én gang"
    # a client's cache-buster may repeat, as it may be unknown
    assert client.get("/api/v1/imports?_=1&_=2", headers=AUTH).status_code == 200


def test_a_json_field_sent_twice_in_one_object_is_refused_not_read_as_the_last(
    client: TestClient, loaded: Settings
) -> None:
    """JSON built by pasting strings may hold a field twice (``"severity": "high", "severity": "low"``); the parser
    kept the last in silence and stored a report of low severity. A field sent twice in one object is 422 naming it
    and its values; nothing is stored."""
    body = b'{"records": [{"facility_id": "F1", "date": "2026-09-01", "severity": "high", "severity": "low"}]}'
    answer = client.post("/api/v1/concerns", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"] == "Forespørgslen er ugyldig: 1 fejl."
    assert error["details"] == [
        {
            "location": "body",
            "field": "severity",
            "message": "'severity' står 2 gange i samme JSON-objekt ('high', 'low'); send hvert felt én gang",
            "type": "json_duplicate_key",
        }
    ]
    assert [b["kind"] for b in client.get("/api/v1/imports", headers=AUTH).json()["batches"]] == ["file"]
    answer = client.post(
        "/api/v1/plans",
        content=b'{"quarter": "2026Q4", "quarter": "2027Q1"}',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "quarter"
    # the same name in two objects is no repetition
    two = b'{"records": [{"facility_id": "F1", "date": "2026-09-01", "severity": "high"}, {"facility_id": "F2", "date": "2026-09-01", "severity": "low"}]}'
    answer = client.post(
        "/api/v1/concerns?dry_run=true", content=two, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text


def _address(path: str) -> str:
    """An operation's path with its parameters filled in (a tilbud, a plan, a report id, a day)."""
    values = {"{facility_id}": "F1", "{plan_id}": "1", "{concern_id}": "x", "{day}": "2026-10-06"}
    for name, value in values.items():
        path = path.replace(name, value)
    return path


def test_every_operation_refuses_a_repeated_parameter_or_json_field(client: TestClient, loaded: Settings) -> None:
    """The two rules above hold for every operation of the document, also one added later: a router without the
    API's route class (``api.deps.ApiRoute``) would read a repeated JSON field as its last value again."""
    document = client.get("/api/v1/openapi.json").json()
    checked_query = checked_body = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            address = _address(path)
            where = f"{method.upper()} {path}"
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            if query:
                name = query[0]
                answer = client.request(method, f"{address}?{name}=1&{name}=2", headers=AUTH)
                assert answer.status_code == 422, (where, answer.text)
                details = answer.json()["error"]["details"]
                assert any(d["type"] == "query_repeated" and d["field"] == name for d in details), (where, details)
                checked_query += 1
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                answer = client.request(
                    method,
                    address,
                    content=b'{"as_of": "2026-06-01", "as_of": "2026-07-01"}',
                    headers={**AUTH, "Content-Type": "application/json"},
                )
                assert answer.status_code == 422, (where, answer.text)
                assert answer.json()["error"]["details"][0]["type"] == "json_duplicate_key", where
                checked_body += 1
    assert checked_query >= 14 and checked_body >= 6, (checked_query, checked_body)


def test_a_query_parameter_without_a_name_is_named_as_sent(client: TestClient) -> None:
    """``?=1`` (a client that joined an empty name) was told "Forespørgslen er ikke en parameter her": the request
    itself, not the parameter. It is named as sent, the empty name in quotes."""
    answer = client.get("/api/v1/imports?=1")
    assert answer.status_code == 422
    detail = answer.json()["error"]["details"][0]
    assert detail["message"] == "'' er ikke en parameter her; tilladte: offset, since, top"
    assert (detail["location"], detail["field"], detail["type"]) == ("query", "", "query_unknown")


def test_a_readers_refusal_of_a_date_without_a_run_loads_the_stored_data_once(
    client: TestClient, loaded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's (or another site's) ``GET /risk?as_of=<day>`` with no run for the day is refused (409), after
    checking that the day could be scored at all -- which loaded every stored table for each request (0.7 s of the
    1.3 s such a 409 took at 2,000 tilbud), a cost anyone could repeat. The check reads the data the server keeps
    (``api.services.national``), loaded once while the database is unchanged."""
    loads: list[object] = []

    def counted(engine: object) -> object:
        loads.append(engine)
        return load_dataset(engine)  # type: ignore[arg-type]

    monkeypatch.setattr(risk_service, "load_dataset", counted)
    monkeypatch.setattr(national, "load_dataset", counted)
    national.drop_kept()
    for day in ("2026-06-01", "2026-07-01", "2026-06-01"):
        answer = client.get(f"/api/v1/risk?as_of={day}")
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_computed", answer.text
    assert len(loads) == 1
    # a day no scoring accepts is still refused as such
    answer = client.get("/api/v1/risk?as_of=1970-01-01")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "no_data"
    assert "Ingen aktive tilbud pr. 1970-01-01" in answer.json()["error"]["message"]


def test_a_trailing_slash_redirect_stays_on_this_site_whatever_the_host_header_says(client: TestClient) -> None:
    """``GET /api/v1/plans/`` was redirected to ``http://<Host header>/api/v1/plans``: a forged ``Host`` sent the
    client (and any cache in front) to another site. The redirect now names the path only, query kept."""
    for path, target in (
        ("/api/v1/plans/", "/api/v1/plans"),
        ("/api/v1/risk/?authority=midt&top=5", "/api/v1/risk?authority=midt&top=5"),
    ):
        for host in ("evil.example", "testserver"):
            answer = client.get(path, headers={"Host": host}, follow_redirects=False)
            assert answer.status_code == 307, (path, host)
            assert answer.headers["location"] == target, (path, host)
    assert client.get("/api/v1/plans/", follow_redirects=True).status_code == 200

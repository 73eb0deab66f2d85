"""What a second look found, as a case system's developer (the OpenAPI document, the README and curl) and as a
planner and a leader on the web pages: each test is one answer that did not say what was wrong, said nothing where
it should have refused, or a page that needed JavaScript for what a link does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import web_words
from api.services import imports
from data.errors import InvalidArgumentError
from reports.render import environment
from tests.api.conftest import AUTH, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_errors import assert_error_shape
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

LONG = "Z" * 300


@pytest.fixture(scope="module")
def fresh_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded, a risk run stored and plan 1 (2026Q4, eight quarters) made through the API."""
    root = tmp_path_factory.mktemp("fresh-eyes")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/risk", headers=AUTH).status_code == 200
        assert client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH).status_code == 201
        yield client


# --- a leader on the web pages ---------------------------------------------------------------------------------


def test_the_risk_list_links_each_tilbud_to_its_profile_without_javascript(fresh_client: TestClient) -> None:
    """The links from the risk list and the plan to a tilbud's profile were made by a script in the browser: without
    JavaScript (a locked-down PC, a text browser, a link checker) the profiles could not be reached at all. The
    server writes them; the report files (HTML and PDF, kept and mailed) keep none."""
    page = Page(fresh_client.get("/risiko").text)
    ids = {s["facility_id"] for s in fresh_client.get("/api/v1/risk").json()["scores"]}
    assert {link for link in page.links() if link.startswith("/tilbud/")} == {f"/tilbud/{i}" for i in ids}
    assert "<script>" not in fresh_client.get("/risiko").text.split("</main>")[0].split("<main")[-1]
    for link in sorted(ids)[:2]:
        assert fresh_client.get(f"/tilbud/{link}").status_code == 200

    plan = Page(fresh_client.get("/planer/1").text)
    assert any(link.startswith("/tilbud/") for link in plan.links())

    report = Page(fresh_client.get("/api/v1/reports/risk").text)  # a report file: no links into the site
    assert not [link for link in report.links() if link.startswith("/tilbud/")]


def test_a_profile_link_of_an_id_with_odd_characters_is_escaped() -> None:
    """An id is the tilsyn's own text: a ``?``, ``#`` or space in it is written escaped in the link, so the link
    reaches that tilbud's profile; the name is escaped as text."""
    macros = environment().get_template("partials/macros.html").module
    link = str(macros.facility_link("A #1?x", "Bo & Co", True))  # type: ignore[attr-defined]
    assert link == '<a class="facility-link" href="/tilbud/A%20%231%3Fx">Bo &amp; Co</a>', link
    assert str(macros.facility_link("F1", "Bo & Co", False)) == "Bo &amp; Co"  # type: ignore[attr-defined]


def test_a_bad_quarter_on_the_plan_form_gives_its_example_once(fresh_client: TestClient) -> None:
    """The pages write quarters as 2026K4, so the core's "fx 2026K4 eller 2026Q4" read "fx 2026K4 eller 2026K4"."""
    assert web_words("brug formen ÅÅÅÅKn eller ÅÅÅÅQn, fx 2026K4 eller 2026Q4") == "brug formen ÅÅÅÅKn, fx 2026K4"
    form = Page(fresh_client.get("/planer", headers=AUTH).text).root.iter()
    token = str(next(n for n in form if n.attrs.get("name") == "form_token").attrs["value"])
    response = fresh_client.post("/planer", data={"quarter": "2026Q5", "form_token": token}, headers=AUTH)
    assert response.status_code == 422
    message = Page(response.text).text_of("quarter-error")
    assert "2026K4 eller 2026K4" not in message and "fx 2026K4" in message, message


# --- a case system's developer ---------------------------------------------------------------------------------


def test_an_unknown_inspectors_calendar_echoes_the_id_cut(fresh_client: TestClient) -> None:
    """Every other message cuts a value it echoes at 60 characters ("…"); the calendar's echoed the whole id."""
    response = fresh_client.get("/api/v1/plans/1/calendar.ics", params={"inspector_id": LONG}, headers=AUTH)
    assert response.status_code == 404
    message = assert_error_shape(response.json(), "not_found")["message"]
    assert LONG not in message and "…" in message and len(message) < 150, message


def test_unlocking_an_unknown_tilbud_echoes_the_id_cut(fresh_client: TestClient) -> None:
    response = fresh_client.delete(f"/api/v1/locked-visits/{LONG}/2027-01-04", headers=AUTH)
    assert response.status_code == 404
    message = assert_error_shape(response.json(), "not_found")["message"]
    assert LONG not in message and "…" in message and len(message) < 150, message


def test_the_locked_visits_of_an_unknown_tilbud_is_404_not_an_empty_list(fresh_client: TestClient) -> None:
    """A misspelt id answered ``[]``: "no agreed visits", which a case system would believe. Every other id the API
    takes (a tilbud, a plan, an inspector) is 404 naming it when it names nothing."""
    known = fresh_client.get("/api/v1/locked-visits", params={"facility_id": "F1"}, headers=AUTH)
    assert known.status_code == 200 and known.json() == []
    response = fresh_client.get("/api/v1/locked-visits", params={"facility_id": "F99"}, headers=AUTH)
    assert response.status_code == 404
    assert assert_error_shape(response.json(), "not_found")["message"] == "Tilbud 'F99' findes ikke i databasen."


def test_a_quarter_outside_the_plans_horizon_is_refused_naming_the_horizon(fresh_client: TestClient) -> None:
    """``?quarter=2030Q1`` of a plan that runs to 2028Q3 answered no visits: as if the plan had none that quarter,
    when it does not cover it. The answer names the quarters the plan covers."""
    inside = fresh_client.get("/api/v1/plans/1", params={"quarter": "2028Q3"}, headers=AUTH)
    assert inside.status_code == 200
    for quarter in ("2030Q1", "2026Q3"):
        response = fresh_client.get("/api/v1/plans/1", params={"quarter": quarter}, headers=AUTH)
        assert response.status_code == 422, quarter
        message = assert_error_shape(response.json(), "invalid_argument")["message"]
        assert message == (
            f"Planen 1 dækker kvartalerne 2026Q4 til 2028Q3; '{quarter}' ligger uden for planens horisont."
        ), message


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/use-of-force", {"records": [{"facility_id": "F1", "month": "2026-08", "count": True}]}, "count"),
        ("/api/v1/plans", {"quarter": "2026Q4", "parent_plan_id": True}, "parent_plan_id"),
        ("/api/v1/plans", {"quarter": "2026Q4", "time_limit_s": True}, "time_limit_s"),
    ],
)
def test_true_is_not_a_number(fresh_client: TestClient, path: str, body: dict, field: str) -> None:
    """JSON ``true`` where a number belongs was read as 1: a case system's wrong field stored one magtanvendelse, or
    re-planned plan 1."""
    response = fresh_client.post(path, json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    detail = assert_error_shape(response.json(), "invalid_request")["details"][0]
    assert detail["field"].endswith(field) and "ikke true/false" in detail["message"], detail
    assert fresh_client.get("/api/v1/imports", params={"top": 1}).json()["batches"][0]["kind"] != "push"


def test_json_sent_to_the_upload_says_it_must_be_multipart(fresh_client: TestClient) -> None:
    """A case system that sent its records as JSON to ``/uploads`` was told only "'files' mangler"."""
    response = fresh_client.post("/api/v1/uploads", json={"files": ["facilities.csv"]}, headers=AUTH)
    assert response.status_code == 422
    detail = assert_error_shape(response.json(), "invalid_request")["details"][0]
    assert detail["field"] == "files"
    assert "multipart/form-data" in detail["message"] and "application/json" in detail["message"], detail
    empty = fresh_client.post("/api/v1/uploads", files={"other": ("x.csv", b"a")}, headers=AUTH)
    assert assert_error_shape(empty.json(), "invalid_request")["details"][0]["message"] == "'files' mangler"


def test_every_parameter_is_described_in_the_document(fresh_client: TestClient) -> None:
    """A generated client showed ``facility_id``, ``as_of``, ``authority`` … of the reports and the locks with no
    word of what they take; every other operation's parameters say it."""
    spec = fresh_client.get("/api/v1/openapi.json").json()
    bare = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert bare == []


# --- a planner's browser ----------------------------------------------------------------------------------------


def test_no_page_or_answer_can_be_framed_or_sniffed(fresh_client: TestClient) -> None:
    """No answer said it may not be shown in another site's frame: a page could lay the plan form or the "Log ud"
    button under its own (clickjacking), and a browser could guess an uploaded CSV's echo to be HTML. Every answer, a
    page, an API answer, an error and a file, says both."""
    for path in ("/", "/planer/1", "/login", "/api/v1/risk", "/api/v1/plans/1/export.csv", "/nope", "/api/v1/nope"):
        headers = fresh_client.get(path, headers=AUTH).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Content-Security-Policy"] == "frame-ancestors 'none'", path
        assert headers["Referrer-Policy"] == "same-origin", path


def _login_next(client: TestClient, referer: str | None) -> str:
    headers = {} if referer is None else {"Referer": referer}
    form = Page(client.get("/login", headers=headers).text).root.iter()
    return str(next(n for n in form if n.attrs.get("name") == "next").attrs["value"])


def test_the_navigations_log_ind_returns_to_the_page_it_was_clicked_on(fresh_client: TestClient) -> None:
    """Every page's "Log ind" is ``/login``: a leader reading plan 1 who logged in to see its dates landed on the
    overview and had to find the plan again. Without a ``next`` the login returns to the page the link was on (the
    browser's ``Referer``, of this site only; never back to the login page)."""
    assert _login_next(fresh_client, "http://testserver/planer/1") == "/planer/1"
    assert _login_next(fresh_client, "http://testserver/risiko?authority=midt") == "/risiko?authority=midt"
    assert _login_next(fresh_client, "https://evil.example/planer/1") == "/"
    assert _login_next(fresh_client, "http://testserver/login?next=/planer") == "/"
    assert _login_next(fresh_client, None) == "/"
    assert Page(fresh_client.get("/login?next=/modelkort").text).by_id("token") is not None
    assert _login_next(fresh_client, "http://testserver/planer/1") == "/planer/1"
    form = Page(fresh_client.get("/login?next=/modelkort", headers={"Referer": "http://testserver/planer/1"}).text)
    assert str(next(n for n in form.root.iter() if n.attrs.get("name") == "next").attrs["value"]) == "/modelkort"


def test_a_page_size_beyond_the_database_integers_is_422_not_a_crash(fresh_client: TestClient) -> None:
    """``/imports?top=`` with 20 digits reached the database's LIMIT and failed there (500, OverflowError); ``offset``
    was already bounded. The largest page is the largest integer the database stores, as for every id."""
    response = fresh_client.get("/api/v1/imports", params={"top": "9" * 20})
    assert response.status_code == 422
    detail = assert_error_shape(response.json(), "invalid_request")["details"][0]
    assert detail["field"] == "top" and "det største heltal databasen kan gemme" in detail["message"], detail
    assert fresh_client.get("/api/v1/imports", params={"top": str(2**63 - 1)}).status_code == 200
    for path in ("/api/v1/risk", "/api/v1/reports/risk"):  # the same bound wherever a page size is taken
        assert fresh_client.get(path, params={"top": "9" * 20}).status_code == 422, path


def test_the_import_logs_service_bounds_its_page_as_the_database_does(tmp_path: Path) -> None:
    """The CLI (``tilsynsplan imports --top 99999999999999999999``) crashed with the same OverflowError: the service
    refuses it, naming the bound."""
    settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    for name in ("top", "offset"):
        with pytest.raises(InvalidArgumentError) as refused:
            imports.import_log(settings, **{name: 10**20})  # type: ignore[arg-type]
        assert refused.value.message == (
            f"{name} må højst være 9.223.372.036.854.775.807, det største heltal databasen kan gemme, ikke "
            "100000000000000000000."
        )


def test_an_unannounced_visit_in_an_inspectors_calendar_is_private() -> None:
    """The calendar's events carried no ``CLASS``, which is ``PUBLIC``: in a shared calendar (Outlook and Google show
    colleagues and delegates the title of a public event) "Uanmeldt tilsynsbesøg: Bostedet Egebakken" named the tilbud
    on its day. An unannounced visit's event is ``PRIVATE`` (shown to others as busy, without title or text), also
    when it is cancelled; an announced visit stays public."""
    from icalendar import Calendar

    from api.ics import CalendarVisit, plan_calendar

    unannounced = CalendarVisit(
        "F1", "Bostedet Egebakken", dt.date(2026, 10, 6), ("I1",), False, "operational", "", "u1"
    )
    announced = CalendarVisit("F2", "Solsikken", dt.date(2026, 11, 12), ("I1",), True, "operational", "", "u2")
    moved = CalendarVisit("F3", "Lyngholm", dt.date(2026, 11, 13), ("I1",), False, "operational", "", "u3")
    data = plan_calendar(2, [unannounced, announced], {}, title="Plan 2", quarter="2026Q4", cancelled=[moved])
    classes = {str(e["uid"]): str(e.get("class", "PUBLIC")) for e in Calendar.from_ical(data).walk("VEVENT")}
    assert classes == {"u1": "PRIVATE", "u2": "PUBLIC", "u3": "PRIVATE"}


def test_the_analysis_of_a_plan_is_documented_field_by_field(fresh_client: TestClient) -> None:
    """``GET /plans/{id}/analysis`` was documented as "an object": a case system could not know that ``deadlines``
    maps a tilbud to its legal due date, or that a reader's ``overdue`` has no ``planned_date``. Every field the
    answer holds, for a planner and for a reader, is in the document."""
    spec = fresh_client.get("/api/v1/openapi.json").json()
    ok = spec["paths"]["/api/v1/plans/{plan_id}/analysis"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PlanAnalysisPublic"}
    assert {"ETag", "Cache-Control"} <= set(ok["headers"])
    documented = spec["components"]["schemas"]["PlanAnalysisPublic"]["properties"]
    assert all(field.get("description") for field in documented.values())
    for headers in (AUTH, {}):
        answer = fresh_client.get("/api/v1/plans/1/analysis", headers=headers).json()
        assert set(answer) <= set(documented), set(answer) - set(documented)
        assert {"rule_costs", "overdue", "deadlines", "baseline", "start", "end"} <= set(answer)


def test_a_new_plan_answers_where_it_is(fresh_client: TestClient) -> None:
    """``201 Created`` named no ``Location``: a case system built the plan's address from the body's ``id`` by hand.
    The header, as documented, is the address of the plan's visits."""
    response = fresh_client.post("/api/v1/plans", json={"quarter": "2026Q4", "parent_plan_id": 1}, headers=AUTH)
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    assert location == f"/api/v1/plans/{response.json()['id']}"
    assert fresh_client.get(location, headers=AUTH).json()["id"] == response.json()["id"]
    created = fresh_client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/plans"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]

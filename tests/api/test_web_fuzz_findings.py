"""What probing the web pages (``api/routes/web.py``) with bad input and broken states found: each test is one
request that answered a 500, a server folder, a command a browser user cannot run, an echo of 10,000 characters,
a generic error page in place of the form, or a value the form's own words refuse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import FormError, web_words
from api.services import imports
from data.errors import InvalidArgumentError
from data.settings import Settings
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_forms import form_token
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

#: An inspector's name as a CSV may hold it: matplotlib read "$…$" as TeX, and "\frac" without its arguments
#: failed to parse.
TEX_NAME = r"Pia $\frac$ Hansen"


def no_commands(text: str) -> None:
    """A web page tells a person what to do on the pages, never a CLI command, an API call or a server folder."""
    for word in ("tilsynsplan ", "/api/v1", "Authorization", "MAPPE"):
        assert word not in text, text


# --- an inspector's name drawn in the plan's capacity chart -------------------------------------------------


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset with an inspector named with dollar signs, and plan 1 (2026Q4) made through the API."""
    root = tmp_path_factory.mktemp("odd_names")
    ds = small_dataset()
    inspectors = ds.inspectors.copy()
    inspectors.loc[0, "name"] = TEX_NAME
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(ds.with_tables(inspectors=inspectors), root / "in"))
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH)
        assert response.status_code == 201, response.text
        yield client


@pytest.mark.parametrize("headers", [{}, AUTH], ids=["reader", "planner"])
def test_an_inspector_named_with_dollar_signs_does_not_break_the_plan_page(
    odd_names: TestClient, headers: dict[str, str]
) -> None:
    """Before: every plan page (and the plan's PDF) answered 500 for everyone, from one name in inspectors.csv."""
    response = odd_names.get("/planer/1", headers=headers)
    assert response.status_code == 200, response.text[:500]
    assert TEX_NAME in Page(response.text).text()  # the name as written, not typeset


# --- a home with no model or no data: what to do, in the pages' words -----------------------------------------


@pytest.fixture
def no_model(settings: Settings, small_folder: Path) -> Settings:
    imports.import_upload(settings, small_folder, label="test")
    return settings


def test_the_model_card_without_a_model_names_no_server_folder(client: TestClient, no_model: Settings) -> None:
    """Before: 'Der er ingen trænet risikomodel i /srv/…/home/models. Kør 'tilsynsplan train'.' to any reader,
    on the page and in the API's answer."""
    page = client.get("/modelkort")
    assert page.status_code == 404
    message = Page(page.text).text_of("error-message")
    assert str(no_model.home) not in message and "models" not in message
    assert message == (
        "Der er ingen trænet risikomodel endnu. En planlægger træner den ved at logge ind og åbne risikolisten."
    )
    api = client.get("/api/v1/reports/model", headers={"Accept": "application/json"})
    assert api.status_code == 404 and str(no_model.home) not in api.text
    # an integrator is told the API's way to train too, not only the CLI's (it read "Kør 'tilsynsplan train'.")
    assert api.json()["error"]["message"] == (
        "Der er ingen trænet risikomodel endnu. Kør 'tilsynsplan train' eller POST /api/v1/model/train."
    )


def test_pages_of_an_empty_home_say_what_to_do_on_the_pages(client: TestClient) -> None:
    """Before: "Importér data først med 'tilsynsplan import MAPPE'." on the plan and profile pages of an empty home,
    and "se de gemte planer med 'tilsynsplan plan list' eller GET /api/v1/plans" for a plan's CSV."""
    for path in ("/planer/1", "/tilbud/F1"):
        response = client.get(path)
        assert response.status_code == 409
        message = Page(response.text).text_of("error-message")
        no_commands(message)
        assert message.endswith("En planlægger importerer data under Upload."), message
    client.post("/login", data={"token": TOKEN})
    risk = client.get("/risiko")
    assert risk.status_code == 409
    no_commands(Page(risk.text).text_of("error-message"))
    csv = client.get("/planer/7/plan.csv")
    assert csv.status_code == 404
    assert Page(csv.text).text_of("error-message") == "Planen 7 findes ikke. Se de gemte planer under Planer."


def test_a_reader_without_a_stored_risk_run_is_told_it_in_the_pages_words(
    client: TestClient, no_model: Settings
) -> None:
    response = client.get("/risiko")
    assert response.status_code == 409
    message = Page(response.text).text_of("error-message")
    no_commands(message)
    assert "ved at logge ind og åbne risikolisten" in message
    # the API's answer keeps the command and the header, for the case systems that read it
    api = client.get("/api/v1/risk", headers={"Accept": "application/json"})
    assert "'tilsynsplan score'" in api.json()["error"]["message"]


def test_form_errors_name_no_command() -> None:
    """The plan form showed 'først tilsynsplan plan --quarter 2027Q2' and '--authority midt (API: feltet authority)'."""
    error = InvalidArgumentError(
        "Planlæg kvartalerne i rækkefølge, først tilsynsplan plan --quarter 2027Q2: en plan for et senere kvartal. "
        "De øvrige socialtilsyn kan planlægges hver for sig, indtil det er rettet: tilsynsplan plan --authority "
        "midt (API: feltet authority)."
    )
    shown = FormError.of(error).message
    no_commands(shown)
    assert "først 2027K2:" in shown and shown.endswith("indtil det er rettet: vælg socialtilsynet i formularen.")
    assert web_words("Intet at oversætte.") == "Intet at oversætte."


def test_a_quarter_in_a_message_is_written_as_the_pages_write_it() -> None:
    """The planner's messages name quarters as the CLI takes them (2027Q1); the plan form and every page say 2027K1."""
    shown = web_words("Kvartalet 2030Q1 kan ikke planlægges endnu: 2027Q1 er ikke planlagt (tilbud T2027Q1).")
    assert shown == "Kvartalet 2030K1 kan ikke planlægges endnu: 2027K1 er ikke planlagt (tilbud T2027Q1)."


# --- a long id in the address ----------------------------------------------------------------------------------


def test_an_unknown_tilbud_of_10000_characters_is_echoed_cut(client: TestClient, loaded: Settings) -> None:
    """Before: the 404 page repeated all 10,000 characters (the README: a value echoed is cut at 60)."""
    response = client.get("/tilbud/" + "x" * 10_000)
    assert response.status_code == 404
    page = Page(response.text)
    assert page.text_of("error-message") == f"Tilbud '{'x' * 60}…' findes ikke i databasen."
    assert "/risiko" in page.links()  # on to the list the tilbud are found in
    api = client.get("/api/v1/facilities/" + "x" * 10_000)
    assert api.status_code == 404 and len(api.json()["error"]["message"]) < 100


def test_a_bad_risk_filter_links_back_to_the_whole_list(client: TestClient, loaded: Settings) -> None:
    response = client.get("/risiko", params={"authority": "atlantis"})
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("error-message").startswith("Ukendt socialtilsyn 'atlantis'. Tilladt: nord")
    assert "/risiko" in page.links()


# --- the login form --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"token": ""}, {"token": "", "next": "/planer"}], ids=["none", "empty", "next"])
def test_a_login_without_a_token_is_shown_on_the_login_form(client: TestClient, data: dict[str, str]) -> None:
    """Before: a generic 'Ugyldige data' page ('Forespørgslen er ugyldig: 1 fejl', Token (token): Mangler) without
    the form."""
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("login-error") == "Skriv det token, du har fået af administratoren."
    assert page.by_id("token") is not None  # the form, to type it in
    assert "tilsynsplan_session" not in response.headers.get("set-cookie", "")


# --- the plan form's time limit ---------------------------------------------------------------------------------


@pytest.fixture
def planner(client: TestClient, loaded: Settings) -> TestClient:
    client.post("/login", data={"token": TOKEN})
    return client


@pytest.mark.parametrize("limit", ["0.5", "0,001", "0.9999"])
def test_a_time_limit_under_one_second_is_refused_as_the_form_says(planner: TestClient, limit: str) -> None:
    """The form says 'mellem 1 og 3600 sekunder' (and its field min="1"), but 0.0001 s made a plan."""
    data = {"quarter": "2026K4", "time_limit_s": limit, "form_token": form_token(planner, "/planer")}
    response = planner.post("/planer", data=data, follow_redirects=False)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("time_limit_s-error") == f"Tidsgrænsen skal være mellem 1 og 3600 sekunder (fik {limit})."
    assert planner.get("/api/v1/plans").json() == []


def test_a_time_limit_of_10000_digits_is_echoed_cut(planner: TestClient) -> None:
    data = {"quarter": "2026K4", "time_limit_s": "1" * 10_000, "form_token": form_token(planner, "/planer")}
    response = planner.post("/planer", data=data)
    assert response.status_code == 422
    message = Page(response.text).text_of("time_limit_s-error")
    assert message == f"Tidsgrænsen skal være mellem 1 og 3600 sekunder (fik {'1' * 60}…)."


# --- the upload page's warnings ------------------------------------------------------------------------------


def test_an_upload_warning_names_no_command(client: TestClient, tmp_path: Path) -> None:
    """Before: 'de øvrige socialtilsyn kan planlægges hver for sig (tilsynsplan plan --authority)' on the upload page,
    where the plan is made with the form under Planer."""
    ds = small_dataset()
    inspectors = ds.inspectors.copy()
    inspectors.loc[inspectors["inspector_id"] == "I3", "competences"] = "sel101"  # Nord: no one for F5, F6
    folder = write_csv_folder(ds.with_tables(inspectors=inspectors), tmp_path / "gap")
    client.post("/login", data={"token": TOKEN})
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.iterdir())]
    response = client.post("/upload", files=files, data={"dry_run": "true"})
    assert response.status_code == 200
    gaps = [row[-1] for row in Page(response.text).table("warnings") if row[2] == "competences"]
    assert gaps
    for gap in gaps:
        no_commands(gap)
        assert gap.endswith("hver for sig (vælg socialtilsynet i planformularen under Planer)"), gap
    api = client.post("/api/v1/uploads?dry_run=true", files=files, headers=AUTH)
    assert any("(tilsynsplan plan --authority)" in w["message"] for w in api.json()["warnings"])

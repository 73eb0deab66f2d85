"""Risk routes: the list (stored run, filters, CSV), one facility, its explanation, training."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from data.risk_store import latest_risk_run
from data.store import open_database
from tests.api.conftest import AUTH, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_errors import assert_error_shape
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder


@pytest.fixture(scope="module")
def risk_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded; the first (planner's) GET /risk trains a model and stores a run (shared by the
    module)."""
    root = tmp_path_factory.mktemp("risk")
    settings = make_settings(root / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/risk", headers=AUTH).status_code == 200  # a planner scores; readers then read
        yield client


def test_risk_without_data_is_409(client: TestClient) -> None:
    response = client.get("/api/v1/risk")
    assert response.status_code == 409
    error = assert_error_shape(response.json(), "no_data")
    assert error["message"].startswith("Der er ingen tilbud i databasen.")


def test_a_reader_gets_409_not_computed_and_nothing_is_trained_or_stored(tmp_path: Path) -> None:
    """Scoring stores a run and may train a model (minutes of CPU for each new date asked for): a write, so
    a reader without a key gets only stored runs; a planner's GET computes."""
    settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    with TestClient(create_app(settings)) as reader:
        for path in ("/api/v1/risk", "/api/v1/risk?as_of=2025-06-02", "/api/v1/facilities/F1/explanation"):
            response = reader.get(path)
            assert response.status_code == 409, path
            error = assert_error_shape(response.json(), "not_computed")
            assert "planlægger" in error["message"], path
        assert reader.get("/api/v1/facilities/F1").json()["risk"] is None  # master data, no risk yet
        assert reader.get("/risiko").status_code == 409
        profile = reader.get("/tilbud/F1")
        assert profile.status_code == 200 and "ingen trænet risikomodel" in profile.text
        assert latest_risk_run(open_database(settings)) is None
        assert not (settings.home / "models").exists() or not any((settings.home / "models").iterdir())
        assert reader.get("/api/v1/risk", headers=AUTH).json()["count"] == 6  # a planner computes
        assert reader.get("/api/v1/risk").json()["count"] == 6  # then readers get the stored run


def test_risk_list_is_ranked_and_reuses_the_stored_run(risk_client: TestClient) -> None:
    first = risk_client.get("/api/v1/risk", headers=AUTH).json()
    assert first["count"] == 6
    ranks = [s["rank"] for s in first["scores"]]
    risks = [s["risk"] for s in first["scores"]]
    assert ranks == [1, 2, 3, 4, 5, 6]
    assert risks == sorted(risks, reverse=True)
    # F1: the worst indicator scores (1-2 at its last visit), a påbud and a serious concern.
    assert first["scores"][0]["facility_id"] == "F1" and first["scores"][0]["tier"] == "høj"
    assert first["scores"][0]["top_factors"][0]["text"]
    second = risk_client.get("/api/v1/risk").json()
    assert second["run_id"] == first["run_id"] and second["trained_now"] is False


def test_authority_filter_reranks_within_it(risk_client: TestClient) -> None:
    body = risk_client.get("/api/v1/risk?authority=nord").json()
    assert {s["facility_id"] for s in body["scores"]} == {"F4", "F5", "F6"}
    assert [s["rank"] for s in body["scores"]] == [1, 2, 3]
    assert all(s["national_rank"] > 1 for s in body["scores"])


def test_type_filter_top_and_bad_values(risk_client: TestClient) -> None:
    body = risk_client.get("/api/v1/risk?facility_type=kostskole").json()
    assert [s["facility_id"] for s in body["scores"]] == ["F5"]
    assert risk_client.get("/api/v1/risk?top=2").json()["count"] == 2
    response = risk_client.get("/api/v1/risk?facility_type=plejehjem")
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("Ukendt tilbudstype 'plejehjem'. Tilladt: sel107, sel108")
    response = risk_client.get("/api/v1/risk?top=0")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == "'top' skal være mindst 1, ikke '0'"


def test_risk_list_as_csv(risk_client: TestClient) -> None:
    response = risk_client.get("/api/v1/risk?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 6
    assert list(rows[0]) == [
        "facility_id",
        "name",
        "authority",
        "facility_type",
        "ownership",
        "risk",
        "rank",
        "national_rank",
        "tier",
        "top_factors",
    ]  # fmt: skip  (the CLI's CSV columns, README)
    assert rows[0]["facility_id"] == "F1" and rows[0]["rank"] == "1" and rows[0]["top_factors"]


def test_facility_master_data_and_risk(risk_client: TestClient) -> None:
    body = risk_client.get("/api/v1/facilities/F1").json()
    assert body["name"] == "Bostedet Egebakken" and body["approved_on"] == "2015-03-01" and body["places"] == 24
    assert body["closed_on"] is None and body["has_board"] is False
    assert body["risk"]["rank"] == 1 and body["risk"]["top_factors"]


def test_unknown_facility_is_404(risk_client: TestClient) -> None:
    response = risk_client.get("/api/v1/facilities/F99")
    assert response.status_code == 404
    assert assert_error_shape(response.json(), "not_found")["message"] == "Tilbud 'F99' findes ikke i databasen."
    assert risk_client.get("/api/v1/facilities/F99/explanation").status_code == 404


def test_explanation_adds_up_to_the_models_output(risk_client: TestClient) -> None:
    body = risk_client.get("/api/v1/facilities/F2/explanation").json()
    assert body["facility_id"] == "F2" and body["as_of"] == "2026-10-01"
    assert body["base_value"] + sum(f["shap"] for f in body["factors"]) == pytest.approx(body["margin"], abs=1e-6)
    assert all(f["text"] for f in body["factors"])


def test_training_needs_a_planner(risk_client: TestClient) -> None:
    response = risk_client.post("/api/v1/model/train", json={"as_of": "2026-09-01"})
    assert response.status_code == 401
    response = risk_client.post("/api/v1/model/train", json={"as_of": "2026-09-01"}, headers=AUTH)
    assert response.status_code == 201
    body = response.json()
    assert body["as_of"] == "2026-09-01" and body["version"]
    assert {"model", "random", "expert"} <= set(body["metrics"])


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/health", "/api/v1/status", "/api/v1/uploads", "/api/v1/risk", "/api/v1/model/train"):
        assert path in paths
    assert "/login" not in paths  # web pages are not part of the API


# --- reports and web pages over the same services ---------------------------------------------------


def test_risk_page_lists_the_riskiest_first_with_filters(risk_client: TestClient) -> None:
    response = risk_client.get("/risiko")
    assert response.status_code == 200
    page = Page(response.text)
    assert page.by_id("risk-filters") is not None
    ids = re.findall(r'data-facility-id="([^"]+)" data-rank="(\d+)"', response.text)
    assert ids[0] == ("F1", "1")
    assert [int(rank) for _, rank in ids] == list(range(1, 7))
    nord = risk_client.get("/risiko?authority=nord").text
    assert set(re.findall(r'data-facility-id="([^"]+)" data-rank', nord)) == {"F4", "F5", "F6"}
    assert 'option value="nord" selected' in nord


def _ranks(html: str) -> dict[str, int]:
    return {fid: int(rank) for fid, rank in re.findall(r'data-facility-id="([^"]+)" data-rank="(\d+)"', html)}


def test_the_risk_page_its_pdf_and_its_csv_give_a_tilbud_the_same_rank(risk_client: TestClient) -> None:
    # The API's rule: within the authority when one is chosen, else national; the type filter keeps the
    # ranks. The page and its PDF (the same report) numbered the rows 1, 2, ... within the type filter.
    types = ["sel108", "opholdssted", "sel101", "kostskole"]
    renumbered = 0
    for authority in ("", "midt", "nord"):
        for facility_type in ["", *types]:
            query = "&".join(f"{k}={v}" for k, v in (("authority", authority), ("facility_type", facility_type)) if v)
            rows = list(csv.DictReader(io.StringIO(risk_client.get(f"/api/v1/risk?format=csv&{query}").text)))
            expected = {r["facility_id"]: int(r["rank"]) for r in rows}
            page = risk_client.get(f"/risiko?{query}").text
            report = risk_client.get(f"/api/v1/reports/risk?{query}").text  # the PDF's HTML
            assert _ranks(page) == expected == _ranks(report), query
            renumbered += sorted(expected.values()) != list(range(1, len(expected) + 1))
    assert renumbered >= 3  # filters where numbering the rows 1, 2, ... would differ from the CSV


def test_the_risk_pages_pdf_link_is_the_top_100_when_the_list_is_longer() -> None:
    # The whole national PDF takes one to two minutes (a reverse proxy gives up after 60 s); the top 100
    # takes a few seconds. The filters stay in every link.
    from api.pages import risk_filter_options

    long = risk_filter_options("midt", "opholdssted", [], rows=1981)
    assert long.pdf_url == "/api/v1/reports/risk?format=pdf&top=100&authority=midt&facility_type=opholdssted"
    assert long.full_pdf_url == "/api/v1/reports/risk?format=pdf&authority=midt&facility_type=opholdssted"
    assert long.csv_url == "/risiko.csv?authority=midt&facility_type=opholdssted"
    assert long.api_csv_url == "/api/v1/risk?format=csv&authority=midt&facility_type=opholdssted"
    short = risk_filter_options(None, None, [], rows=100)
    assert (short.pdf_url, short.full_pdf_url, short.pdf_top) == ("/api/v1/reports/risk?format=pdf", None, None)
    assert short.csv_url == "/risiko.csv"


def test_the_risk_page_links_its_downloads_with_its_filters(risk_client: TestClient) -> None:
    page = Page(risk_client.get("/risiko?authority=nord").text)
    links = {i: (n.attrs["href"], n.text()) for i in ("risk-csv", "risk-pdf", "api-docs-csv") if (n := page.by_id(i))}
    assert links == {
        "risk-csv": ("/risiko.csv?authority=nord", "CSV til Excel"),
        "risk-pdf": ("/api/v1/reports/risk?format=pdf&authority=nord", "Risikolisten som PDF"),  # 3 tilbud: all
        "api-docs-csv": ("/api/v1/docs", "API'et"),
    }
    # the case systems' CSV is named with the filters, not linked (not formula-safe: not for a person's Excel)
    assert "/api/v1/risk?format=csv&authority=nord" in page.text_of("risk-filters")
    assert page.by_id("risk-pdf-full") is None


def test_the_risk_pages_csv_is_for_danish_excel_and_the_apis_stays_for_case_systems(
    risk_client: TestClient,
) -> None:
    response = risk_client.get("/risiko.csv?authority=midt")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="risikoliste-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads æ, ø, å right
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:9] == [
        "Nr.",
        "Nationalt nr.",
        "Tilbuds-id",
        "Tilbud",
        "Socialtilsyn",
        "Tilbudstype",
        "Ejerform",
        "Risiko (%)",
        "Risikogruppe",
    ]
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {r["Socialtilsyn"] for r in body} == {"Socialtilsyn Midt"}
    by_id = {r["Tilbuds-id"]: r for r in body}
    assert by_id["F1"]["Tilbudstype"] == "længerevarende botilbud (SEL § 108)"
    assert all(re.fullmatch(r"\d{1,3},\d", r["Risiko (%)"]) for r in body)  # decimal comma, a percentage
    page = _ranks(risk_client.get("/risiko?authority=midt").text)
    assert {fid: int(r["Nr."]) for fid, r in by_id.items()} == page
    api = risk_client.get("/api/v1/risk?format=csv&authority=midt").text  # unchanged for case systems
    assert api.startswith("facility_id,name,authority,facility_type,ownership,risk,rank,national_rank,tier")
    assert ",midt,sel108," in api


def test_the_overview_dates_the_model_the_danish_way(risk_client: TestClient) -> None:
    text = Page(risk_client.get("/").text).text_of("model")
    assert re.search(r"trænet pr\. \d{1,2}\. [a-z]{3}\.? \d{4} \(", text), text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)


def test_risk_page_with_an_unknown_authority_is_a_danish_error_page(risk_client: TestClient) -> None:
    response = risk_client.get("/risiko?authority=vest")
    assert response.status_code == 422
    assert Page(response.text).text_of("error-message").startswith("Ukendt socialtilsyn 'vest'.")


def test_facility_page_and_model_card_page(risk_client: TestClient) -> None:
    facility = risk_client.get("/tilbud/F1")
    assert facility.status_code == 200
    assert "Bostedet Egebakken" in Page(facility.text).text()
    assert risk_client.get("/tilbud/F99").status_code == 404
    card = risk_client.get("/modelkort")
    assert card.status_code == 200 and "Modelkort" in Page(card.text).text()


def test_reports_as_html_and_pdf(risk_client: TestClient) -> None:
    html = risk_client.get("/api/v1/reports/risk?authority=midt")
    assert html.status_code == 200 and html.headers["content-type"] == "text/html; charset=utf-8"
    assert re.findall(r'data-facility-id="([^"]+)" data-rank="1"', html.text) == ["F1"]
    pdf = risk_client.get("/api/v1/reports/model?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert risk_client.get("/api/v1/reports/facility/F2").status_code == 200
    bad = risk_client.get("/api/v1/reports/risk?format=docx")
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["message"] == "'format' skal være en af: 'html' eller 'pdf', ikke 'docx'"


def test_risk_report_top_keeps_the_riskiest_rows_and_refuses_a_bad_value(risk_client: TestClient) -> None:
    full = risk_client.get("/api/v1/reports/risk")
    short = risk_client.get("/api/v1/reports/risk?top=2")
    assert short.status_code == 200
    rows = re.findall(r'data-facility-id="([^"]+)" data-rank="(\d+)"', short.text)
    assert rows == re.findall(r'data-facility-id="([^"]+)" data-rank="(\d+)"', full.text)[:2]
    assert [rank for _, rank in rows] == ["1", "2"]
    pdf = risk_client.get("/api/v1/reports/risk?top=2&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for bad, message in (("0", "'top' skal være mindst 1, ikke '0'"), ("to", "'top' skal være et heltal, ikke 'to'")):
        response = risk_client.get(f"/api/v1/reports/risk?top={bad}&format=pdf")
        assert response.status_code == 422
        error = assert_error_shape(response.json(), "invalid_request")
        assert error["details"][0]["field"] == "top" and error["details"][0]["message"] == message


def test_a_reader_asking_for_a_date_before_the_visits_begin_is_told_why_not_to_ask_a_planner(tmp_path: Path) -> None:
    """GET /api/v1/risk?as_of=2020-01-01 by a reader (visits from 2020-11-26) said "En planlægger beregner den med
    'tilsynsplan score'", and the planner was then refused for that date: the reader gets the refusal itself."""
    settings = make_settings(tmp_path / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    with TestClient(create_app(settings)) as reader:
        response = reader.get("/api/v1/risk?as_of=2023-01-01")  # small_dataset's visits begin 2 November 2023
        assert response.status_code == 409
        error = assert_error_shape(response.json(), "no_data")
        assert error["message"].startswith("Besøgsdata begynder 2023-11-02; pr. 2023-01-01 er intet besøg kendt")
        assert "planlægger" not in error["message"]
        planner = reader.get("/api/v1/risk?as_of=2023-01-01", headers=AUTH).json()["error"]
        assert planner["message"] == error["message"]  # the same refusal a planner gets
        # the explanation route said "Der er ingen trænet risikomodel pr. 2023-01-01 … En planlægger træner den"
        explanation = reader.get("/api/v1/facilities/F1/explanation?as_of=2023-01-01")
        assert explanation.status_code == 409
        assert assert_error_shape(explanation.json(), "no_data")["message"] == error["message"]

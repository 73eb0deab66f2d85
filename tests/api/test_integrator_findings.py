"""What building a case-system integration against the API found (only the OpenAPI document, /docs and the README's
API section in hand): each test is one thing a nightly sync could not do, or did not learn from the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder

RISK = "/api/v1/risk"


def moment(text: str) -> dt.datetime:
    """An RFC 3339 date-time as sent (with ``Z`` or an offset)."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None, text
    return value


@pytest.fixture
def risk_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded and a risk run stored by a planner's first GET (a function's own: tests score)."""
    root = tmp_path_factory.mktemp("integrator-risk")
    settings = make_settings(root / "home")
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        assert client.get(RISK, headers=AUTH).status_code == 200
        yield client


# --- after the nightly push, a new scoring: POST /risk -------------------------------------------------------


def test_pushed_concerns_reach_the_risk_list_through_a_new_scoring(risk_client: TestClient) -> None:
    """The case system pushes concerns each night and then pulls the list: the list is the stored run, which the
    push does not change, and nothing in the API scored again (only the CLI's `tilsynsplan score`), so the new
    concerns never reached a case system's list. ``POST /risk`` scores and stores the run."""
    before = risk_client.get(RISK).json()
    old = {s["facility_id"]: s["risk"] for s in before["scores"]}
    day = (AS_OF - dt.timedelta(days=1)).isoformat()
    push = {"records": [{"facility_id": f, "date": day, "severity": "high"} for f in ("F3", "F4", "F5")]}
    assert risk_client.post("/api/v1/concerns", json=push, headers=AUTH).status_code == 201
    assert risk_client.get(RISK).json()["scores"] == before["scores"]  # the stored run: not yet

    response = risk_client.post(RISK, headers=AUTH)
    assert response.status_code == 201, response.text
    after = response.json()
    new = {s["facility_id"]: s["risk"] for s in after["scores"]}
    assert after["as_of"] == before["as_of"] and after["model_version"] == before["model_version"]
    assert any(new[f] > old[f] for f in ("F3", "F4", "F5")), (old, new)
    assert risk_client.get(RISK).json()["scores"] == after["scores"]  # stored: every reader now gets it


def test_a_new_scoring_of_the_same_day_is_told_by_scored_at(risk_client: TestClient) -> None:
    """Scoring the same date with the same model again replaces the run's scores and keeps its id, so ``run_id`` did
    not tell a sync that the scores changed: ``scored_at`` does."""
    before = risk_client.get(RISK).json()
    after = risk_client.post(RISK, headers=AUTH).json()
    assert after["run_id"] == before["run_id"]
    assert moment(after["scored_at"]) > moment(before["scored_at"])
    assert risk_client.get(RISK).json()["scored_at"] == after["scored_at"]  # as stored, to the microsecond


def test_scoring_is_a_planners_and_checks_its_filters_first(risk_client: TestClient) -> None:
    before = risk_client.get(RISK).json()["scored_at"]
    assert_error_shape(risk_client.post(RISK).json(), "unauthorized")
    bad = risk_client.post(RISK, params={"authority": "vest"}, headers=AUTH)
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "invalid_argument")
    typo = risk_client.post(RISK, json={"asof": "2026-09-01"}, headers=AUTH)  # a typo is not a silent "today"
    assert typo.status_code == 422
    assert_error_shape(typo.json(), "invalid_request")
    assert risk_client.get(RISK).json()["scored_at"] == before  # nothing was scored
    dated = risk_client.post(RISK, json={"as_of": "2026-09-01"}, params={"top": 2}, headers=AUTH).json()
    assert dated["as_of"] == "2026-09-01" and dated["count"] == 2 and dated["total"] == 6


# --- paging the list ------------------------------------------------------------------------------------------


def test_the_risk_list_pages_with_offset_and_counts_the_whole_list(risk_client: TestClient) -> None:
    """2,000 tilbud with their reasons are 1.4 MB; ``top`` gave only the first page (``offset`` was ignored, and the
    answer did not say how long the list is)."""
    whole = risk_client.get(RISK).json()
    page = risk_client.get(RISK, params={"offset": 2, "top": 2}).json()
    assert [s["rank"] for s in page["scores"]] == [3, 4]
    assert page["scores"] == whole["scores"][2:4]
    assert (page["count"], page["total"], whole["total"]) == (2, 6, 6)
    last = risk_client.get(RISK, params={"offset": 5, "top": 2}).json()
    assert (last["count"], last["total"]) == (1, 6)
    assert risk_client.get(RISK, params={"offset": 6}).json()["scores"] == []
    midt = risk_client.get(RISK, params={"authority": "midt"}).json()
    second = risk_client.get(RISK, params={"authority": "midt", "offset": 1, "top": 1}).json()
    assert second["scores"] == midt["scores"][1:2] and second["total"] == midt["total"]
    csv_lines = risk_client.get(RISK, params={"offset": 2, "top": 2, "format": "csv"}).text.splitlines()
    assert [line.split(",")[0] for line in csv_lines[1:]] == [s["facility_id"] for s in page["scores"]]
    bad = risk_client.get(RISK, params={"offset": -1})
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "invalid_request")


def test_the_document_has_the_scoring_and_the_paging(risk_client: TestClient) -> None:
    spec = risk_client.get("/api/v1/openapi.json").json()
    post = spec["paths"][RISK]["post"]
    assert {"201", "401", "403", "409", "422", "503"} <= set(post["responses"])
    assert {p["name"] for p in spec["paths"][RISK]["get"]["parameters"]} >= {"offset", "top"}
    listed = spec["components"]["schemas"]["RiskListPublic"]["properties"]
    assert {"scored_at", "total"} <= set(listed)
    assert listed["scored_at"]["anyOf"][0]["format"] == "date-time"


# --- one inspector's quarter of a plan ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded and plan 1 (2026Q4, eight quarters) made through the API, with an announced visit of
    I3 agreed in 2027Q1 (the small world's plan has unannounced visits in 2026Q4 only)."""
    root = tmp_path_factory.mktemp("integrator-plans")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        lock = {"facility_id": "F5", "date": "2027-02-09", "inspector_id": "I3", "announced": True}
        assert client.post("/api/v1/locked-visits", json=lock, headers=AUTH).status_code == 201
        assert client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH).status_code == 201
        yield client


def test_a_plans_visits_of_one_quarter_and_one_inspector(plan_client: TestClient) -> None:
    """A case system shows an inspector's visits of the quarter: the plan answered every visit of its eight quarters
    (680 kB at 2,000 tilbud) and ignored ``quarter`` and ``inspector_id``; only the calendar took an inspector."""
    whole = plan_client.get("/api/v1/plans/1", headers=AUTH).json()
    assert len({v["quarter"] for v in whole["visits"]}) > 1
    quarter = plan_client.get("/api/v1/plans/1", params={"quarter": "2026K4"}, headers=AUTH).json()
    assert quarter["visits"] == [v for v in whole["visits"] if v["quarter"] == "2026Q4"]
    assert quarter["visit_count"] == whole["visit_count"]  # the plan's, as in the list of plans
    mine = plan_client.get("/api/v1/plans/1", params={"quarter": "2026Q4", "inspector_id": "I3"}, headers=AUTH)
    expected = [v for v in quarter["visits"] if "I3" in v["inspector_ids"]]
    assert expected and mine.json()["visits"] == expected


def test_a_reader_filtering_by_inspector_learns_nothing_of_unannounced_visits(plan_client: TestClient) -> None:
    whole = plan_client.get("/api/v1/plans/1", headers=AUTH).json()
    mine = [v for v in whole["visits"] if "I3" in v["inspector_ids"]]
    assert any(not v["announced"] for v in mine)
    read = plan_client.get("/api/v1/plans/1", params={"inspector_id": "I3"}).json()["visits"]
    assert all(v["announced"] for v in read)  # an unannounced visit of I3 is not listed as I3's
    assert len(read) == sum(v["announced"] for v in mine)


def test_plan_filters_refuse_what_names_nothing(plan_client: TestClient) -> None:
    unknown = plan_client.get("/api/v1/plans/1", params={"inspector_id": "I9"})
    assert unknown.status_code == 404
    assert (
        assert_error_shape(unknown.json(), "not_found")["message"] == "Tilsynskonsulent 'I9' findes ikke i databasen."
    )
    bad = plan_client.get("/api/v1/plans/1", params={"quarter": "2026-4"})
    assert bad.status_code == 422
    assert "kvartal" in assert_error_shape(bad.json(), "invalid_argument")["message"]
    names = {
        p["name"]
        for p in plan_client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/plans/{plan_id}"]["get"]["parameters"]
    }
    assert {"quarter", "inspector_id"} <= names


# --- the document names the codes a field holds, and shows what to send -----------------------------------------


def test_the_document_names_the_codes_of_every_coded_field(risk_client: TestClient) -> None:
    """A client generated from the document typed ``tier``, ``authority``, ``kind`` … as any text: an integrator had
    to find ``høj``/``forhøjet``/``normal`` or ``oest`` in answers. Every code the server sends is in the enum."""
    schemas = risk_client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    def enum(model: str, field: str) -> list:
        return schemas[model]["properties"][field]["enum"]

    assert enum("RiskScorePublic", "tier") == ["høj", "forhøjet", "normal"]
    assert enum("RiskScorePublic", "authority") == ["nord", "midt", "syd", "hovedstaden", "oest", None]
    assert enum("ExplanationPublic", "tier") == ["høj", "forhøjet", "normal"]
    assert "kommunal" in enum("FacilityPublic", "ownership") and "sel110" in enum("FacilityPublic", "facility_type")
    assert enum("PlanVisitPublic", "kind") == ["operational", "approval", "enhanced", "follow_up"]
    assert "extra_top_tier" in enum("PlanVisitPublic", "role") and "lock" in enum("PlanVisitPublic", "reason_code")
    assert enum("ConcernCreate", "severity") == ["low", "medium", "high"]
    for row in risk_client.get(RISK).json()["scores"]:
        for field in ("tier", "authority", "facility_type", "ownership"):
            assert row[field] in enum("RiskScorePublic", field), (field, row[field])
    facility = risk_client.get("/api/v1/facilities/F1").json()
    assert facility["ownership"] in enum("FacilityPublic", "ownership")
    # the enum documents; the data contract still checks what is pushed, with every violation in the error shape
    wrong = {"records": [{"facility_id": "F1", "date": "2026-09-01", "severity": "critical"}]}
    response = risk_client.post("/api/v1/concerns", json=wrong, headers=AUTH)
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "validation_failed")["details"][0]["column"] == "severity"


def test_the_document_shows_a_push_and_an_error(client: TestClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    (uof,) = schemas["UseOfForcePush"]["examples"][:1]
    assert set(uof["records"][0]) == {"facility_id", "month", "count", "kind"}
    assert schemas["ConcernPush"]["examples"][0]["records"][0]["severity"] == "high"
    for example in schemas["ErrorResponse"]["examples"]:
        assert_error_shape(example, example["error"]["code"])
    assert "`type`" in schemas["ErrorBody"]["properties"]["details"]["description"]  # sent, and now said
    assert {"inserted", "updated", "unchanged"} <= {
        k for k, v in schemas["PushPublic"]["properties"].items() if "description" in v
    }


# --- checking a batch before the nightly send -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "record"),
    [
        ("/api/v1/use-of-force", {"facility_id": "F3", "month": "2026-09", "count": 4, "kind": "fastholdelse"}),
        ("/api/v1/concerns", {"facility_id": "F3", "date": "2026-09-30", "severity": "medium"}),
    ],
)
def test_a_push_can_be_checked_without_storing_it(
    risk_client: TestClient, path: str, record: dict[str, object]
) -> None:
    """Uploads have ``?dry_run=true``; a push ignored it and stored the records an integrator meant to test."""
    table = path.rsplit("/", 1)[1].replace("-", "_")
    rows = risk_client.get("/api/v1/status").json()["rows"][table]
    checked = risk_client.post(path, params={"dry_run": "true"}, json={"records": [record]}, headers=AUTH)
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["dry_run"] is True and body["records"] == 1
    assert body["batch_id"] is body["inserted"] is body["updated"] is body["unchanged"] is None
    assert risk_client.get("/api/v1/status").json()["rows"][table] == rows  # nothing stored
    bad = risk_client.post(
        path, params={"dry_run": "true"}, json={"records": [record, {**record, "facility_id": "F99"}]}, headers=AUTH
    )
    assert bad.status_code == 422
    assert assert_error_shape(bad.json(), "validation_failed")["details"][0]["row"] == 2
    stored = risk_client.post(path, json={"records": [record]}, headers=AUTH).json()
    assert (stored["dry_run"], stored["inserted"]) == (False, 1)
    again = risk_client.post(path, json={"records": [record]}, headers=AUTH).json()
    assert (again["inserted"], again["unchanged"]) == (0, 1)  # a re-sent batch changes nothing
    assert risk_client.get("/api/v1/status").json()["rows"][table] == rows + 1


def test_a_misspelt_training_date_is_refused_not_read_as_today(risk_client: TestClient) -> None:
    response = risk_client.post("/api/v1/model/train", json={"asof": "2026-09-01"}, headers=AUTH)
    assert response.status_code == 422
    assert assert_error_shape(response.json(), "invalid_request")["details"][0]["field"] == "asof"


def test_the_last_import_is_dated_with_the_servers_offset(risk_client: TestClient) -> None:
    """A sync compares the last import with its own last push: ``imported_at`` was a local time with no offset (as
    plans' ``created_at`` was before the fuzzing), and ``last_import`` had no schema."""
    last = risk_client.get("/api/v1/status").json()["last_import"]
    moment(last["imported_at"])  # with an offset: "2026-11-23T17:13:41" named no instant
    assert set(last) == {"id", "imported_at", "source", "inserted", "updated", "unchanged", "warnings"}
    schemas = risk_client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["LastImportPublic"]["properties"]["imported_at"]["format"] == "date-time"

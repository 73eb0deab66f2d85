"""A stored plan after later imports: ``plan show``, ``GET /api/v1/plans/{id}`` (``data_changes``), the plan page and
the plan report say that the data changed, what changed that matters to the plan, and how to re-plan; a plan whose
data did not change says nothing. Readers never learn the tilbud or day of an unannounced visit from it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from api.services import plans as plan_service
from data.dataset import Dataset
from data.plan_store import save_plan
from data.store import database
from tests.api.conftest import AUTH, make_settings, planning_home
from tests.api.html_parse import Page
from tests.api.test_cli_plan import load_data, run
from tests.factories import facilities_frame
from tests.fixtures.uploads import write_csv_folder

REPLAN = "tilsynsplan plan --quarter 2026Q4 --replan-of 1"
READER_ADVICE = "Bed en planlægger om en genplan, der flytter så få besøg som muligt."


@pytest.fixture
def planned(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The small dataset, a risk run and plan 1 (2026Q4) made with the CLI; a client on the same home."""
    load_data(home, tmp_path)
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    with TestClient(create_app(make_settings(home))) as client:
        yield client


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return planning_home(tmp_path, monkeypatch)


def notice(html: str) -> str:
    """The text of the plan page's or report's data-changes notice ('' when there is none)."""
    node = Page(html).by_id("data-changes")
    return "" if node is None else " ".join(node.text().split())


def upload(home: Path, tmp_path: Path, name: str, **tables: pd.DataFrame) -> None:
    settings = make_settings(home)
    imports.import_upload(settings, write_csv_folder(Dataset.from_frames(tables), tmp_path / name), label=name)


def test_a_plan_whose_data_did_not_change_shows_no_notice(
    planned: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "show", "1")
    assert code == 0
    assert "Data er ændret" not in out and "importeret data siden" not in out
    body = planned.get("/api/v1/plans/1", headers=AUTH).json()
    assert body["data_changes"]["status"] == "unchanged"
    assert body["data_changes"]["changes"] == [] and body["data_changes"]["message"] == ""
    assert notice(planned.get("/planer/1").text) == ""
    assert notice(planned.get("/api/v1/reports/plan/1?format=html", headers=AUTH).text) == ""


def test_a_new_tilbud_imported_after_the_plan_is_told_everywhere_with_the_replan(
    planned: TestClient, capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    before = planned.get("/api/v1/plans/1", headers=AUTH)
    new = facilities_frame().iloc[[0]].assign(facility_id="F7", name="Bostedet Nyhjem", approved_on="2026-09-01")
    upload(home, tmp_path, "ny", facilities=new)

    code, out, _ = run(capsys, "plan", "show", "1")
    assert code == 0
    assert "Data er ændret, siden planen blev lavet (1 import, den seneste " in out
    assert (
        "1 tilbud er kommet til og er ikke i planen (første besøg efter reglen for nye tilbud): F7 (godkendt "
        "2026-09-01)." in out
    )
    assert f"Lav en genplan, der flytter så få besøg som muligt: {REPLAN}" in out

    # the stored plan did not change, its answer did: the old ETag is no longer the answer's
    again = planned.get("/api/v1/plans/1", headers={**AUTH, "If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200
    changes = again.json()["data_changes"]
    assert (changes["status"], changes["imports_since"]) == ("changed", 1)
    assert [(c["kind"], c["count"], c["facility_ids"]) for c in changes["changes"]] == [("new_facility", 1, ["F7"])]
    assert REPLAN in changes["advice"]

    page = notice(planned.get("/planer/1").text)  # a reader: a new tilbud is no secret
    assert page.startswith("Data ændret siden planen Data er ændret, siden planen blev lavet (1 import")
    # a reader cannot re-plan: told to ask a planner, not given the planner's command
    assert "F7" in page and READER_ADVICE in page and REPLAN not in page
    report = notice(planned.get("/api/v1/reports/plan/1?format=html").text)
    assert "1 tilbud er kommet til og er ikke i planen" in report
    assert READER_ADVICE in report and REPLAN not in report
    reader = planned.get("/api/v1/plans/1").json()["data_changes"]
    assert (reader["status"], reader["advice"]) == ("changed", READER_ADVICE)
    assert REPLAN in notice(planned.get("/api/v1/reports/plan/1?format=html", headers=AUTH).text)


def test_the_plan_lists_flag_a_plan_the_data_changed_under(
    planned: TestClient, capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """The lists said nothing of it: a planner had to open each plan to learn it no longer fits the data."""
    code, out, _ = run(capsys, "plan", "list", "--format", "json")
    assert code == 0 and [p["data_status"] for p in json.loads(out)] == ["unchanged"]
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0 and "ændret" not in out
    assert planned.get("/api/v1/plans").json()[0]["data_status"] == "unchanged"
    assert Page(planned.get("/planer").text).by_id("plan-1-data") is None

    new = facilities_frame().iloc[[0]].assign(facility_id="F7", name="Bostedet Nyhjem", approved_on="2026-09-01")
    upload(home, tmp_path, "ny", facilities=new)
    code, out, _ = run(capsys, "plan", "list", "--format", "json")
    assert code == 0 and [p["data_status"] for p in json.loads(out)] == ["changed"]
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0
    [row] = [line for line in out.splitlines() if line.startswith("│ 1 ")]
    assert row.split("│")[-2].strip() == "ændret"  # the last column, "data"
    assert "'tilsynsplan plan show ID' siger, hvad der er ændret" in " ".join(out.split())
    for headers in ({}, AUTH):
        assert planned.get("/api/v1/plans", headers=headers).json()[0]["data_status"] == "changed"
    for url in ("/planer", "/"):
        flag = Page(planned.get(url).text).by_id("plan-1-data")
        assert flag is not None and " ".join(flag.text().split()) == "⚠ ændret siden planen"


def test_the_plan_pdf_opens_with_the_notice(planned: TestClient, home: Path, tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    new = facilities_frame().iloc[[0]].assign(facility_id="F7", name="Bostedet Nyhjem", approved_on="2026-09-01")
    upload(home, tmp_path, "ny", facilities=new)
    pdf = planned.get("/api/v1/reports/plan/1?format=pdf", headers=AUTH)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(
        subprocess.run(
            [pdftotext, "-l", "1", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "Data ændret siden planen Data er ændret, siden planen blev lavet (1 import" in text
    assert "F7 (godkendt 2026-09-01)" in text and REPLAN in text


def test_an_absence_over_an_unannounced_visit_is_told_to_planners_only(
    planned: TestClient, capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """A reader may know of an absence (an inspector on leave): it was told "1 planlagt besøg ligger i
    tilsynskonsulentens fravær (den gælder uanmeldte besøg …)", that an unannounced visit falls in it. A reader is
    told that data were imported and that only planners see whether it touches an unannounced visit -- the same words
    whatever the import touched."""
    visits = planned.get("/api/v1/plans/1", headers=AUTH).json()["visits"]
    visit = next(v for v in visits if not v["announced"] and not v["locked"])
    inspector = visit["inspector_ids"][0]
    absence = pd.DataFrame([(inspector, visit["date"], visit["date"])], columns=["inspector_id", "start", "end"])
    upload(home, tmp_path, "fravaer", absences=absence)

    planner = planned.get("/api/v1/plans/1", headers=AUTH).json()["data_changes"]
    assert [c["kind"] for c in planner["changes"]] == ["absence"] and planner["status"] == "changed"
    assert planner["changes"][0]["facility_ids"] == [visit["facility_id"]]
    assert f"{visit['facility_id']} ({visit['date']}, {inspector} fraværende)" in planner["changes"][0]["message"]

    reader = planned.get("/api/v1/plans/1").json()["data_changes"]
    assert reader["status"] == "imports_only" and reader["changes"] == [] and reader["advice"] == ""
    assert reader["message"].startswith("Der er importeret data, siden planen blev lavet (1 import, den seneste ")
    assert reader["message"].endswith(
        "Intet af det ændrer de besøg, du kan se; om det rammer et uanmeldt besøg, ser kun planlæggere."
    )
    page = notice(planned.get("/planer/1").text)
    assert "Intet af det ændrer de besøg, du kan se" in page
    assert "fravær" not in page and visit["date"] not in page
    # the lists too: a reader's list says what the reader's plan page says, a planner's that it changed
    assert planned.get("/api/v1/plans").json()[0]["data_status"] == "imports_only"
    assert planned.get("/api/v1/plans", headers=AUTH).json()[0]["data_status"] == "changed"
    for url in ("/planer", "/"):
        assert Page(planned.get(url).text).by_id("plan-1-data") is None
    code, out, _ = run(capsys, "plan", "list", "--format", "json")  # the CLI is a planner's
    assert code == 0 and json.loads(out)[0]["data_status"] == "changed"


def test_the_lists_flag_each_plan_as_its_own_plan_page_does(
    planned: TestClient, capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """The lists read every listed plan at once and count the imports once per import batch the plans were made
    after: each plan's flag is still its own page's, for a planner and for a reader (plan 1, its copy 2 stored
    without its import batch and its copy 3 made before an absence over an unannounced visit; plan 4 after it)."""
    settings = make_settings(home)
    first = plan_service.show_plan(settings, 1)
    with database(settings) as engine:
        for basis in ({k: v for k, v in first.data_basis.items() if k != "import_batch_id"}, first.data_basis):
            save_plan(
                engine,
                plan_service.plan_from_stored(first),
                risk_run_id=first.risk_run_id,
                settings=first.settings,
                data_basis=basis,
            )
    visit = next(v for v in first.visits.itertuples() if not v.announced and not v.locked)
    absence = pd.DataFrame(
        [(visit.inspector_ids.split(";")[0], visit.date, visit.date)], columns=["inspector_id", "start", "end"]
    )
    upload(home, tmp_path, "fravaer", absences=absence)
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    infos = plan_service.plans(settings)
    assert [i.id for i in infos] == [4, 3, 2, 1]
    planner = ["unchanged", "changed", "changed", "changed"]
    reader = ["unchanged", "imports_only", "imports_only", "imports_only"]
    for authorised, expected in ((True, planner), (False, reader)):
        pages = {
            i.id: plan_service.plan_data_changes(settings, plan_service.show_plan(settings, i.id))
            .seen_by(authorised)
            .freshness
            for i in infos
        }
        listed = plan_service.plans_freshness(settings, infos, authorised)
        assert listed == pages
        assert [listed[i.id].value for i in infos] == expected


def test_plan_show_json_gives_the_times_as_the_api_and_plan_list_do(
    planned: TestClient, capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """``plan show --format json`` gave ``created_at`` (and ``data_changes.last_import_at``) as stored, the server's
    local time without an offset ("2026-11-24T12:52:17"), where ``plan list --format json`` and the API give the
    same moment with the server's UTC offset ("2026-11-24T12:52:17Z"): a script read two times for one plan."""
    new = facilities_frame().iloc[[0]].assign(facility_id="F7", name="Bostedet Nyhjem", approved_on="2026-09-01")
    upload(home, tmp_path, "ny", facilities=new)
    code, out, _ = run(capsys, "plan", "show", "1", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    code, out, _ = run(capsys, "plan", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)[0]
    api = planned.get("/api/v1/plans/1", headers=AUTH).json()
    assert shown["created_at"] == listed["created_at"] == api["created_at"]
    assert shown["data_changes"] == api["data_changes"]
    for moment in (shown["created_at"], shown["data_changes"]["last_import_at"]):
        assert dt.datetime.fromisoformat(moment).tzinfo is not None, moment

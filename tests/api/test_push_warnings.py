"""A push (JSON records, a CLI lock) adds rows to one table: it is not an upload missing the other files."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.services import imports
from data.settings import Settings
from tests.api.conftest import AUTH, run_cli
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

SIGNAL_FILES = ("indicator_scores", "theme_scores", "use_of_force", "staff_figures", "concerns", "sanctions")


@pytest.fixture
def without_signal_files(settings: Settings, tmp_path: Path) -> Settings:
    """A tilsyn that imported its tilbud, visits and inspectors, and none of the optional signal files."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    for name in SIGNAL_FILES:
        (folder / f"{name}.csv").unlink()
    imports.import_upload(settings, folder, label="test")
    return settings


def test_a_pushed_concern_is_not_told_that_other_files_are_missing(
    client: TestClient, without_signal_files: Settings
) -> None:
    # Every push from a case system answered four warnings: "use_of_force.csv mangler og intet er gemt: …",
    # "indicator_scores.csv og theme_scores.csv mangler …", to a POST of one concern report.
    body = {"records": [{"facility_id": "F2", "date": "2026-09-14", "severity": "medium"}]}
    response = client.post("/api/v1/concerns", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["inserted"] == 1
    assert [w["message"] for w in response.json()["warnings"]] == []


def test_a_refused_lock_names_its_problem_and_not_the_missing_files(
    without_signal_files: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli_app import console, err_console

    monkeypatch.setenv("TILSYNSPLAN_HOME", str(without_signal_files.home))
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", "")
    monkeypatch.setenv("TILSYNSPLAN_TODAY", "2026-10-01")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    code, out, err = run_cli(capsys, "lock", "F99", "2026-11-03", "--inspector", "I1")
    text = " ".join((out + err).split())
    assert code == 1, text
    assert "facility_id 'F99' findes ikke i facilities" in text
    assert "mangler og intet er gemt" not in text and "advarsler" not in text


@pytest.mark.parametrize(
    ("path", "record"),
    [
        ("/api/v1/concerns", {"facility_id": "F2", "date": "2026-09-14", "severity": "medium"}),
        ("/api/v1/use-of-force", {"facility_id": "F2", "month": "2026-09", "count": 2}),
    ],
)
def test_a_field_beside_the_records_is_refused_and_nothing_stored(
    client: TestClient, without_signal_files: Settings, path: str, record: dict[str, object]
) -> None:
    # {"records": [...], "dry_run": true} answered 201 with "dry_run": false and stored the records: a case system that
    # put dry_run in the body (it is a query parameter) wrote what it meant to check. Unknown fields inside a record
    # were refused already; beside the records they were ignored.
    before = client.get("/api/v1/imports").json()["total"]
    response = client.post(path, json={"records": [record], "dry_run": True}, headers=AUTH)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    [detail] = error["details"]
    assert detail["field"] == "dry_run" and detail["type"] == "extra_forbidden"
    assert detail["message"] == (
        "'dry_run' er ikke et felt i JSON: det er en parameter i adressen (?dry_run=true); intet er gemt"
    )
    other = client.post(path, json={"records": [record], "source": "fagsystem X"}, headers=AUTH)
    assert other.status_code == 422, other.text
    assert other.json()["error"]["details"][0]["message"] == "'source' er ikke et kendt felt"
    assert client.get("/api/v1/imports").json()["total"] == before  # nothing stored
    assert client.post(f"{path}?dry_run=true", json={"records": [record]}, headers=AUTH).status_code == 200

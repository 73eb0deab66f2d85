"""A CSV file with a title line above its header ("Tilbud udtræk 2026"), through the CLI and the HTTP upload: one
violation that names the file, the row where the header stands and what to do, instead of one per row."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AUTH
from tests.api.test_app_data import csv_parts
from tests.api.test_app_errors import assert_error_shape
from tests.api.test_cli_data import run, table_rows, wide_console  # noqa: F401 (an autouse fixture)

TITLE = "Tilbud udtræk 2026\n"
MESSAGE = "overskriften med kolonnerne står i række 2, ikke i række 1; slet rækkerne over den"


def add_title(folder: Path, name: str = "facilities.csv") -> None:
    path = folder / name
    path.write_text(TITLE + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_validate_names_the_title_line_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.factories import small_dataset
    from tests.fixtures.uploads import write_csv_folder

    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    add_title(folder)
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "validate", str(folder))
    assert code == 1
    assert "Upload afvist: 1 fejl. Intet er gemt." in err
    assert [r[:3] for r in table_rows(err) if r[0]] == [["facilities.csv", "1", ""]]
    assert MESSAGE in err
    assert out == ""


def test_upload_names_the_title_line_once_and_stores_nothing(client: TestClient, small_folder: Path) -> None:
    add_title(small_folder)
    response = client.post("/api/v1/uploads", files=csv_parts(small_folder), headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    assert [(d["file"], d["row"], d["rule"]) for d in error["details"]] == [("facilities.csv", 1, "header_not_first")]
    assert error["details"][0]["message"].startswith(MESSAGE)
    assert client.get("/api/v1/status").json()["imports"] == 0

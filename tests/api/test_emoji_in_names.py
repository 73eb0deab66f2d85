"""An emoji in a name (its joiner U+200D) is free text as people write it: the CLI, the API upload and the web
upload accept it alike and store it as written; in an id or a pushed key the joiner stays refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from data.settings import Settings
from data.store import database, load_dataset
from tests.api.conftest import AUTH, TOKEN, run_cli
from tests.api.html_parse import Page
from tests.api.test_app_data import csv_parts
from tests.api.test_app_errors import assert_error_shape
from tests.data.test_importer import rewrite, texts

FAMILY = "Bostedet 👨\u200d👩\u200d👧"
REFUSED = (
    "facility_id indeholder et usynligt tegn (U+200D), så værdien ikke er den, den ser ud til; skriv værdien igen "
    "(tegnet kommer ofte med, når tekst kopieres fra en webside)"
)


def with_value(folder: Path, column: str, value: str) -> Path:
    """``folder`` with the first tilbud's ``column`` written as ``value``."""
    fac = texts("facilities")
    fac[1][fac[0].index(column)] = value
    rewrite(folder, "facilities", fac)
    return folder


def stored_name(settings: Settings) -> str:
    with database(settings) as engine:
        facilities = load_dataset(engine).facilities
    return str(facilities.set_index("facility_id").at["F1", "name"])


def test_the_cli_validates_and_imports_an_emoji_name_and_refuses_a_joiner_in_an_id(
    cli_home: Path, small_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "import", str(with_value(small_folder, "name", FAMILY)))
    assert code == 0, err
    assert "Import #1 gemt" in out and "usynligt" not in out + err
    code, out, err = run_cli(capsys, "validate", str(with_value(small_folder, "facility_id", "F\u200d1")))
    assert code == 1
    assert "Upload afvist: 1 fejl." in err and REFUSED in out + err


def test_the_api_upload_stores_an_emoji_name_as_written(
    client: TestClient, settings: Settings, small_folder: Path
) -> None:
    response = client.post("/api/v1/uploads", files=csv_parts(with_value(small_folder, "name", FAMILY)), headers=AUTH)
    assert response.status_code == 201, response.text
    assert not [w for w in response.json()["warnings"] if w["rule"] == "invisible_character"]
    assert stored_name(settings) == FAMILY


def test_the_web_upload_stores_an_emoji_name_as_written(
    client: TestClient, settings: Settings, small_folder: Path
) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=csv_parts(with_value(small_folder, "name", FAMILY)))
    assert response.status_code == 200, response.text
    assert Page(response.text).text_of("upload-summary").startswith("Import #1 gemt")
    assert stored_name(settings) == FAMILY


def test_a_joiner_in_a_pushed_key_is_still_refused(client: TestClient, loaded: Settings) -> None:
    """A use_of_force ``kind`` is text, but part of the key: "fysisk\u200dfastholdelse" would be a new row that
    looks like "fysiskfastholdelse"."""
    body = {"records": [{"facility_id": "F1", "month": "2026-08", "count": 4, "kind": "fysisk\u200dfastholdelse"}]}
    response = client.post("/api/v1/use-of-force", json=body, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    [detail] = error["details"]
    assert (detail["file"], detail["row"], detail["column"], detail["rule"]) == (
        "use_of_force",
        1,
        "kind",
        "invisible_character",
    )
    assert detail["message"] == REFUSED.replace("facility_id", "kind")

"""Odd uploads (fifth round) as the CLI and the API answer them: an archive other than .zip, a second header with
other columns. The rules are tested in ``tests/data/test_importer_odd.py``; here what a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AUTH, run_cli
from tests.api.test_app_errors import assert_error_shape


def test_the_api_names_an_uploaded_rar_archive_and_says_to_unpack_it(client: TestClient) -> None:
    files = {"files": ("eksport.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 50)}
    response = client.post("/api/v1/uploads?dry_run=true", files=files, headers=AUTH)
    assert response.status_code == 422
    [detail] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert (detail["file"], detail["rule"]) == ("eksport.rar", "no_contract_files")
    # it was "ignoreret: 'eksport.rar'; kendte filer: …" without a word on what to do
    assert "'eksport.rar' (et RAR-arkiv pakkes ikke ud; pak det ud, og upload filerne" in detail["message"]


def test_the_cli_names_a_7z_archive_and_says_to_unpack_it(
    capsys: pytest.CaptureFixture[str], cli_home: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "eksport.7z"
    archive.write_bytes(b"7z\xbc\xaf'\x1c\x00\x04" + b"\x00" * 50)
    code, out, err = run_cli(capsys, "validate", str(archive))
    assert code == 2
    assert "'eksport.7z' er et 7-Zip-arkiv, som ikke kan indlæses; pak det ud, og angiv mappen" in out + err


def test_a_pushed_date_with_a_time_zone_gets_the_danish_date_to_write(client: TestClient, loaded: object) -> None:
    body = {"records": [{"facility_id": "F1", "date": "2026-02-03T23:30:00Z", "severity": "high"}]}
    response = client.post("/api/v1/concerns?dry_run=true", json=body, headers=AUTH)
    assert response.status_code == 422
    [detail] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert (detail["file"], detail["row"], detail["column"], detail["rule"]) == ("concerns", 1, "date", "date")
    # it was the format alone, with no date to write
    assert detail["message"].endswith(
        "; skriv datoen uden klokkeslæt (2026-02-04, for kl. 23:30 UTC er kl. 00:30 i Danmark)"
    )


def test_the_web_page_shows_a_second_header_as_one_row_of_the_table(client: TestClient, loaded: object) -> None:
    from tests.api.conftest import TOKEN
    from tests.api.html_parse import Page

    visits = (
        b"visit_id,facility_id,date,announced,kind,inspector_ids\nV71,F1,2026-05-04,true,operational,I1\n"
        b"visit_id,facility_id,date\nV72,F2,2026-05-05\n"
    )
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files={"files": ("visits.csv", visits, "text/csv")})
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("error-message") == "Upload afvist: 1 fejl. Intet er gemt."
    # it was 4 rows: the header read as a visit ('facility_id' findes ikke, date 'date') and two rows too short
    [row] = page.table("violations")
    assert row[:2] == ["visits.csv", "3"]
    assert row[-1].startswith("rækken er en ny overskrift med andre kolonner end række 1 (mangler announced, kind")


def test_the_api_says_an_uploaded_zip_of_0_bytes_is_empty(client: TestClient) -> None:
    response = client.post("/api/v1/uploads?dry_run=true", files={"files": ("eksport.zip", b"")}, headers=AUTH)
    assert response.status_code == 422
    [detail] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert (detail["file"], detail["rule"]) == ("eksport.zip", "file_empty")
    assert detail["message"].startswith("filen er tom (0 byte)")  # it was 'filen er ikke en gyldig zip-fil'

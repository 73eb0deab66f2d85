"""Health, status, uploads (CSV files, zip, workbook, dry run, broken, too large) and pushed records."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import UploadFile

from api.app import create_app
from api.errors import UploadTooLarge
from api.services import imports
from api.uploads import spool_upload
from data.settings import Settings
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape
from tests.data.test_importer import with_short_postcodes
from tests.factories import small_dataset
from tests.fixtures.uploads import write_many_violations, write_workbook, write_zip

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken_upload"


def csv_parts(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.iterdir())]


def test_health(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_status_of_an_empty_home(client: TestClient) -> None:
    body = client.get("/api/v1/status").json()
    assert body["rows"]["facilities"] == 0
    assert body["imports"] == 0 and body["last_import"] is None
    assert body["database"] == "sqlite"  # a reader: the kind, not the server's path
    assert client.get("/api/v1/status", headers=AUTH).json()["database"].startswith("sqlite:////")


def test_upload_csv_files_stores_them_and_reports_per_file(client: TestClient, small_folder: Path) -> None:
    response = client.post("/api/v1/uploads", files=csv_parts(small_folder), headers=AUTH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["dry_run"] is False and body["batch_id"] == 1
    files = {f["table"]: f for f in body["files"]}
    assert files["facilities"]["rows"] == 6 and files["facilities"]["inserted"] == 6
    assert files["visits"]["source"] == "visits.csv" and files["visits"]["inserted"] == 6
    assert body["inserted"] == body["total_rows"]
    status = client.get("/api/v1/status").json()
    assert status["rows"]["facilities"] == 6
    assert status["facilities_per_authority"] == {"midt": 3, "nord": 3}
    again = client.post("/api/v1/uploads", files=csv_parts(small_folder), headers=AUTH).json()
    assert again["inserted"] == 0 and again["unchanged"] == again["total_rows"]  # idempotent


def test_upload_zip_and_workbook(client: TestClient, small_folder: Path, tmp_path: Path) -> None:
    archive = write_zip(small_folder, tmp_path / "eksport.zip")
    response = client.post("/api/v1/uploads", files={"files": ("eksport.zip", archive.read_bytes())}, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["inserted"] == response.json()["total_rows"]
    book = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    response = client.post("/api/v1/uploads", files={"files": ("data.xlsx", book.read_bytes())}, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["source"] == "[data.xlsx]facilities"
    assert response.json()["inserted"] == 0  # the same rows as the zip


def test_dry_run_validates_and_stores_nothing(client: TestClient, small_folder: Path) -> None:
    response = client.post("/api/v1/uploads?dry_run=true", files=csv_parts(small_folder), headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["batch_id"] is None and body["inserted"] is None
    assert client.get("/api/v1/status").json()["rows"]["facilities"] == 0


def test_broken_upload_is_422_with_every_violation_and_nothing_stored(client: TestClient) -> None:
    response = client.post("/api/v1/uploads", files=csv_parts(BROKEN), headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    assert error["message"] == "Upload afvist: 27 fejl. Intet er gemt."
    assert len(error["details"]) == 27
    places = {(d["file"], d["row"], d["column"]) for d in error["details"]}
    assert ("facilities.csv", 3, "facility_type") in places
    assert ("visits.csv", 3, "facility_id") in places
    assert ("indicator_scores.csv", 2, "score") in places
    score = next(
        d for d in error["details"] if (d["file"], d["row"], d["column"]) == ("indicator_scores.csv", 2, "score")
    )
    assert score["value"] == "7" and score["message"] == "score skal være et heltal fra 1 til 5"
    assert set(score) == {"file", "row", "column", "value", "rule", "message"}
    assert client.get("/api/v1/status").json()["imports"] == 0


def test_a_citizens_file_beside_the_contract_files_is_422_naming_it_and_nothing_stored(
    client: TestClient, small_folder: Path
) -> None:
    """The CPR rule holds for the whole upload: a file the importer would ignore is searched too."""
    citizens = ("files", ("borgere.csv", b"cpr;navn\n010203-1234;Jens Hansen\n", "text/csv"))
    response = client.post("/api/v1/uploads", files=[*csv_parts(small_folder), citizens], headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    [detail] = error["details"]
    assert (detail["file"], detail["row"], detail["column"], detail["rule"]) == ("borgere.csv", 2, "cpr", "cpr")
    assert detail["value"] == "010203-****" and "fjern filen fra uploaden" in detail["message"]
    assert "010203-1234" not in response.text
    assert client.get("/api/v1/status").json()["imports"] == 0


def test_a_capped_report_gives_the_true_count(client: TestClient, tmp_path: Path) -> None:
    response = client.post(
        "/api/v1/uploads", files=csv_parts(write_many_violations(tmp_path / "m", 1500)), headers=AUTH
    )
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    assert error["message"] == "Upload afvist: 1.500 fejl; de første 1.000 vises. Intet er gemt."
    assert len(error["details"]) == 1000 and {d["rule"] for d in error["details"]} == {"int"}


def test_zip_with_other_files_is_refused(client: TestClient, small_folder: Path) -> None:
    files = [("files", ("a.zip", b"PK")), ("files", ("facilities.csv", b"facility_id\n"))]
    response = client.post("/api/v1/uploads", files=files, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_argument")
    assert error["message"].startswith("'a.zip' skal uploades alene")


def test_repeated_file_name_is_refused(client: TestClient) -> None:
    files = [("files", ("visits.csv", b"a\n")), ("files", ("sub/visits.csv", b"b\n"))]
    response = client.post("/api/v1/uploads", files=files, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "Samme filnavn er valgt flere gange: visits.csv."


def test_a_file_name_too_long_for_the_disk_is_422_not_500(client: TestClient) -> None:
    files = [("files", ("use_of_force.csv", b"facility_id\n")), ("files", ("x" * 300 + ".csv", b"a\n"))]
    response = client.post("/api/v1/uploads", files=files, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_argument")
    assert "for langt" in error["message"]


def test_a_damaged_zip_is_422_with_the_file_named_and_nothing_stored(client: TestClient, tmp_path: Path) -> None:
    archive = tmp_path / "eksport.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("facilities.csv", "facility_id,name\nF1,Egebakken\n")
    data = bytearray(archive.read_bytes())
    data[data.find(b"Egebakken")] = ord("X")  # the member's CRC no longer matches
    response = client.post("/api/v1/uploads", files={"files": ("eksport.zip", bytes(data))}, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    assert ("facilities.csv", "file_unreadable") in [(d["file"], d["rule"]) for d in error["details"]]
    assert client.get("/api/v1/status").json()["imports"] == 0


def test_an_upload_of_no_contract_file_names_the_files_it_ignored(client: TestClient, tmp_path: Path) -> None:
    """The API sends no warnings with a refusal: the one violation names what was sent and what to do."""
    book = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    files = {"files": ("Eksport.xls", book.read_bytes())}  # a workbook a case system names .xls
    response = client.post("/api/v1/uploads?dry_run=true", files=files, headers=AUTH)
    assert response.status_code == 422
    [detail] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert (detail["file"], detail["rule"]) == ("Eksport.xls", "no_contract_files")
    assert (
        "ignoreret: 'Eksport.xls' (gem den i Excel som .xlsx (Excel-projektmappe) og upload den alene)"
        in (detail["message"])
    )
    parts = [("files", ("noter.txt", b"x", "text/plain")), ("files", ("tilbud.csv", b"a,b\n1,2\n", "text/csv"))]
    response = client.post("/api/v1/uploads?dry_run=true", files=parts, headers=AUTH)
    [detail] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert detail["file"] == ""  # two files: the upload as a whole
    assert "ignoreret: 'noter.txt', 'tilbud.csv'; kendte filer: facilities.csv" in detail["message"]


def test_a_part_without_a_filename_is_422_in_danish(client: TestClient) -> None:
    response = client.post("/api/v1/uploads", files=[("files", ("", b"facility_id\nF1\n", "text/csv"))], headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "invalid_request")
    assert error["details"][0]["field"] == "files[0]"
    assert "skal være en fil med et filnavn" in error["details"][0]["message"]
    assert "UploadFile" not in response.text


def test_upload_larger_than_the_limit_is_413(tmp_path: Path) -> None:
    client = TestClient(create_app(make_settings(tmp_path / "home", max_upload_mb=1)))
    big = b"facility_id\n" + b"F1\n" * 600_000  # 1.8 MB
    response = client.post("/api/v1/uploads", files={"files": ("facilities.csv", big)}, headers=AUTH)
    assert response.status_code == 413
    error = assert_error_shape(response.json(), "upload_too_large")
    assert error["message"].startswith("Uploaden er større end 1 MB")


def test_push_use_of_force_stores_and_is_idempotent(client: TestClient, loaded: Settings) -> None:
    body = {"records": [{"facility_id": "F1", "month": "2026-08", "count": 4, "kind": "fastholdelse"}]}
    response = client.post("/api/v1/use-of-force", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["inserted"] == 1 and response.json()["table"] == "use_of_force"
    again = client.post("/api/v1/use-of-force", json=body, headers=AUTH).json()
    assert again["inserted"] == 0 and again["unchanged"] == 1
    assert client.get("/api/v1/status").json()["rows"]["use_of_force"] == 4  # 3 from the dataset + 1


def test_pushed_records_get_the_importers_rules(client: TestClient, loaded: Settings) -> None:
    body = {
        "records": [
            {"facility_id": "F1", "month": "2026-09", "count": 2},
            {"facility_id": "F99", "month": "2026-09", "count": 1},
            {"facility_id": "F2", "month": "2026-12", "count": -3},
        ]
    }
    response = client.post("/api/v1/use-of-force", json=body, headers=AUTH)
    assert response.status_code == 422
    error = assert_error_shape(response.json(), "validation_failed")
    places = {(d["file"], d["row"], d["column"], d["rule"]) for d in error["details"]}
    assert places == {
        ("use_of_force", 2, "facility_id", "reference"),
        ("use_of_force", 3, "month", "future_month"),
        ("use_of_force", 3, "count", "int"),
    }
    assert client.get("/api/v1/status").json()["rows"]["use_of_force"] == 3  # nothing stored


def test_push_concerns(client: TestClient, loaded: Settings) -> None:
    good = {"records": [{"facility_id": "F2", "date": "2026-09-14", "severity": "medium"}]}
    assert client.post("/api/v1/concerns", json=good, headers=AUTH).status_code == 201
    bad = {"records": [{"facility_id": "F2", "date": "2026-09-15", "severity": "akut"}]}
    response = client.post("/api/v1/concerns", json=bad, headers=AUTH)
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert (detail["file"], detail["row"], detail["column"], detail["value"]) == ("concerns", 1, "severity", "akut")
    assert "low, medium, high" in detail["message"]


def test_push_before_any_facility_is_stored_names_the_missing_file(client: TestClient) -> None:
    body = {"records": [{"facility_id": "F1", "date": "2026-09-14", "severity": "low"}]}
    response = client.post("/api/v1/concerns", json=body, headers=AUTH)
    assert response.status_code == 422
    files = {d["file"] for d in response.json()["error"]["details"]}
    assert "facilities.csv" in files


def test_files_are_counted_while_written_when_no_length_is_declared(tmp_path: Path) -> None:
    """A body without Content-Length (chunked) passes the middleware; writing it stops at the limit."""
    big = UploadFile(io.BytesIO(b"x" * (1024 * 1024 + 1)), filename="facilities.csv")
    with pytest.raises(UploadTooLarge) as info:
        asyncio.run(spool_upload([big], tmp_path, max_mb=1))
    assert info.value.http_status == 413
    small = UploadFile(io.BytesIO(b"facility_id\n"), filename="../../etc/facilities.csv")
    (tmp_path / "ok").mkdir()
    assert asyncio.run(spool_upload([small], tmp_path / "ok", 1)) == tmp_path / "ok"
    assert (tmp_path / "ok" / "facilities.csv").read_bytes() == b"facility_id\n"  # folder parts dropped


def test_a_locked_database_is_503_in_the_error_shape_and_nothing_is_stored(tmp_path: Path, small_folder: Path) -> None:
    settings = make_settings(tmp_path / "home", database_busy_timeout_s=0.2)
    imports.import_upload(settings, small_folder, label="test")
    other = sqlite3.connect(tmp_path / "home" / "tilsynsplan.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process's import holds the database
    try:
        with TestClient(create_app(settings)) as client:
            response = client.post("/api/v1/uploads", files=csv_parts(small_folder), headers=AUTH)
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "5"
            error = assert_error_shape(response.json(), "database_busy")
            assert error["message"].startswith("Databasen er optaget af en anden proces")
            assert "prøv igen" in error["message"] and "OperationalError" not in response.text
            assert client.get("/api/v1/status").status_code == 503  # a read waits for the lock too
            page = client.get("/api/v1/status", headers={"Accept": "text/html"})
            assert page.status_code == 503 and "Databasen er optaget" in page.text
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert imports.status(settings).imports == 1  # the refused upload wrote nothing


def test_a_count_warning_says_in_more_how_many_it_stands_for(client: TestClient, small_folder: Path) -> None:
    with_short_postcodes(small_folder, 150)
    body = client.post("/api/v1/uploads?dry_run=true", files=csv_parts(small_folder), headers=AUTH).json()
    zeros = [w for w in body["warnings"] if w["rule"] == "postcode_leading_zero"]
    assert [w["more"] for w in zeros] == [0] * 100 + [49]  # 100 listed, and one standing for itself and 49 more
    assert zeros[-1]["row"] is None and zeros[-1]["message"].startswith("og 50 advarsler mere af samme slags")

"""A case system's concern reports with their own ids (``concern_id``) over HTTP and the CLI: sent once, re-sent
safely, corrected, and withdrawn (``DELETE /api/v1/concerns/{facility_id}/{concern_id}``,
``tilsynsplan withdraw-concern``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.cli_app import console, err_console
from api.services import imports
from data.settings import Settings
from data.store import database, load_dataset
from tests.api.conftest import AUTH
from tests.api.test_app_errors import assert_error_shape
from tests.api.test_cli_data import run

CONCERNS = "/api/v1/concerns"


@pytest.fixture
def settings(settings: Settings, small_folder: Path) -> Settings:
    """The conftest's settings with the small dataset imported; the conftest's ``client`` serves them."""
    imports.import_upload(settings, small_folder)
    return settings


def record(concern_id: str | None, severity: str = "high", date: str = "2026-09-01", facility: str = "F2") -> dict:
    out = {"facility_id": facility, "date": date, "severity": severity}
    if concern_id is not None:
        out["concern_id"] = concern_id
    return out


def counts(response) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 201, response.text
    body = response.json()
    return body["inserted"], body["updated"], body["unchanged"]


def concerns_of(settings: Settings, facility_id: str) -> list[tuple[str, str, object]]:
    with database(settings) as engine:
        c = load_dataset(engine).concerns
    c = c[c["facility_id"] == facility_id]
    return [(d.date().isoformat(), s, i) for d, s, i in zip(c["date"], c["severity"], c["concern_id"], strict=True)]


def test_send_resend_correct_and_withdraw(client: TestClient, settings: Settings) -> None:
    two = {"records": [record("HV-1"), record("HV-2")]}  # one tilbud, one day, one severity: two reports
    assert counts(client.post(CONCERNS, json=two, headers=AUTH)) == (2, 0, 0)
    assert counts(client.post(CONCERNS, json=two, headers=AUTH)) == (0, 0, 2)  # a re-send stores nothing new
    fixed = {"records": [record("HV-1", severity="medium", date="2026-09-02")]}
    assert counts(client.post(CONCERNS, json=fixed, headers=AUTH)) == (0, 1, 0)
    assert sorted(concerns_of(settings, "F2")) == [("2026-09-01", "high", "HV-2"), ("2026-09-02", "medium", "HV-1")]

    response = client.delete(f"{CONCERNS}/F2/HV-1", headers=AUTH)
    assert response.status_code == 204 and response.content == b""
    assert concerns_of(settings, "F2") == [("2026-09-01", "high", "HV-2")]
    last = client.get("/api/v1/status", headers=AUTH).json()["last_import"]
    assert last["source"] == "tilbagetrukket: concerns F2 HV-1"  # logged as an import batch (labels: planners only)
    newest = client.get("/api/v1/imports?top=1").json()["batches"][0]
    assert newest["kind"] == "withdrawal" and newest["source"] is None  # a reader sees the kind, not the label

    again = client.delete(f"{CONCERNS}/F2/HV-1", headers=AUTH)
    assert again.status_code == 404
    message = assert_error_shape(again.json(), "not_found")["message"]
    assert message.startswith("Tilbud 'F2' har ingen bekymringshenvendelse med concern_id 'HV-1'.")
    assert "Kun en henvendelse, der er sendt med et concern_id, kan trækkes tilbage" in message


def test_a_concern_without_an_id_cannot_be_withdrawn_by_one(client: TestClient, settings: Settings) -> None:
    response = client.delete(f"{CONCERNS}/F1/2026-02-03", headers=AUTH)  # F1's stored concern has no id
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
    assert concerns_of(settings, "F1") == [("2026-02-03", "high", None)]


def test_an_id_of_another_tilbud_is_not_withdrawn_and_the_404_names_it(client: TestClient, settings: Settings) -> None:
    counts(client.post(CONCERNS, json={"records": [record("HV-1")]}, headers=AUTH))
    response = client.delete(f"{CONCERNS}/F3/HV-1", headers=AUTH)
    assert response.status_code == 404
    assert "er gemt for tilbud 'F2', ikke for 'F3'" in assert_error_shape(response.json(), "not_found")["message"]
    assert concerns_of(settings, "F2") == [("2026-09-01", "high", "HV-1")]


def test_withdrawal_needs_a_planner(client: TestClient) -> None:
    counts(client.post(CONCERNS, json={"records": [record("HV-1")]}, headers=AUTH))
    assert client.delete(f"{CONCERNS}/F2/HV-1").status_code == 401


def test_an_id_holding_a_slash_is_withdrawn(client: TestClient, settings: Settings) -> None:
    counts(client.post(CONCERNS, json={"records": [record("2026/0017")]}, headers=AUTH))
    response = client.delete(f"{CONCERNS}/F2/{quote('2026/0017', safe='')}", headers=AUTH)
    assert response.status_code == 204, response.text
    assert concerns_of(settings, "F2") == []


def test_the_same_id_twice_in_one_push_is_refused(client: TestClient) -> None:
    push = {"records": [record("HV-1"), record("HV-1", facility="F3")]}
    response = client.post(f"{CONCERNS}?dry_run=true", json=push, headers=AUTH)
    assert response.status_code == 422
    [v] = assert_error_shape(response.json(), "validation_failed")["details"]
    assert (v["file"], v["row"], v["column"], v["value"], v["rule"]) == (
        "concerns", 2, "concern_id", "HV-1", "duplicate_key",
    )  # fmt: skip
    assert v["message"].startswith("dublet: samme concern_id som række 1")


def test_the_openapi_document_shows_the_route_and_the_field(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "delete" in doc["paths"]["/api/v1/concerns/{facility_id}/{concern_id}"]
    assert "concern_id" in doc["components"]["schemas"]["ConcernCreate"]["properties"]


# --- CLI ---------------------------------------------------------------------------------------------------------


def test_the_cli_withdraws_a_concern(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 400)
    imports.push_records(settings, "concerns", [record("HV-1"), record("HV-2")])
    home = ["--home", str(settings.home)]
    code, out, _ = run(capsys, *home, "withdraw-concern", "F2", "HV-1")
    assert code == 0, out
    assert "Bekymringshenvendelsen HV-1 hos F2 (2026-09-01, høj) er trukket tilbage (logget som import #" in out
    assert concerns_of(settings, "F2") == [("2026-09-01", "high", "HV-2")]
    code, _, err = run(capsys, *home, "withdraw-concern", "F2", "HV-1")
    assert code == 3
    assert "har ingen bekymringshenvendelse med concern_id 'HV-1'" in err


def test_the_cli_lists_the_import_log_with_the_withdrawal(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leader can see what was removed and when: ``tilsynsplan imports`` lists the log, newest first (the
    withdrawal was logged, but only the newest batch was shown anywhere outside the API)."""
    import json

    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 400)
    imports.push_records(settings, "concerns", [record("HV-1"), record("HV-2")])
    home = ["--home", str(settings.home)]
    assert run(capsys, *home, "withdraw-concern", "F2", "HV-1")[0] == 0
    code, out, _ = run(capsys, *home, "imports")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    assert len(lines) == 3  # the import, the push, the withdrawal
    assert "tilbagetrukket: concerns F2 HV-1" in lines[0] and "push:concerns" in lines[1]
    assert "Importer (3 af 3, nyeste først)" in out
    code, out, _ = run(capsys, *home, "imports", "--since", "1", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["total"] == 2
    assert [b["kind"] for b in body["batches"]] == ["withdrawal", "push"]
    assert body["batches"][1]["tables"]["concerns"]["inserted"] == 2
    code, _, err = run(capsys, *home, "imports", "--since", "i går")
    assert code == 2 and "since 'i går'" in err

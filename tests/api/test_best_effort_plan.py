"""The best-effort plan through the CLI (``--allow-late``), the HTTP API (``allow_late``) and the web form (its
checkbox): refused by default with a sentence on how to get it; with the opt-in stored, a success with a warning,
its missed deadlines and missing inspector-days shown in every output."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli_app import console, err_console
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_errors import assert_error_shape
from tests.api.test_app_forms import form_token
from tests.api.test_cli_plan import load_data, run
from tests.factories import AS_OF, short_capacity_dataset

SHORTFALL = "Socialtilsyn Midt mangler 10 tilsynsdage i 2026K4"


def _cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment for a home in ``tmp_path`` (returned, empty): today, a 5 s solver, wide consoles."""
    home = tmp_path / "home"
    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(home))
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", "")
    monkeypatch.setenv("TILSYNSPLAN_SOLVER_TIME_LIMIT_S", "5")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    return home


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = _cli_env(tmp_path, monkeypatch)
    load_data(home, tmp_path, dataset=short_capacity_dataset())
    return home


def test_cli_refuses_by_default_and_stores_the_best_effort_plan_with_allow_late(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4")
    assert code == 4
    assert SHORTFALL in err and "tilsynsplan plan --allow-late" in err and "feltet allow_late" in err
    # a success with a warning: exit code 0, the plan stored, the missed deadlines printed in yellow
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--allow-late")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Plan 1 for 2026Q4" in flat
    assert "Status: med overskredne frister (bedst mulige plan)" in flat
    assert "Advarsel: bedst mulige plan med overskredne frister." in flat
    assert "1 besøg ligger efter fristen" not in flat and "2 besøg ligger efter fristen" in flat
    assert f"Mangler: {SHORTFALL} for at overholde toårsreglen (2 tilbud)." in flat
    assert "frist 2026-10-09, planlagt 2026-10-" in flat and "(1 uge for sent)" in flat and "(2 uger for sent)" in flat
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0 and "med overskredne frister" in out
    code, out, _ = run(capsys, "plan", "show", "1", "--format", "json")
    shown = json.loads(out)
    assert shown["status"] == "best_effort"
    assert sorted(o["weeks_late"] for o in shown["late"]) == [1, 2]
    assert all(o["deadline"] == "2026-10-09" and o["planned"] for o in shown["late"])
    assert shown["analysis"]["shortfall"][0]["inspector_days"] == 10
    code, out, _ = run(capsys, "plan", "show", "1")
    flat = " ".join(out.split())
    assert code == 0 and "Advarsel: bedst mulige plan med overskredne frister." in flat
    # no deadline had passed when the plan begins, but two visits are late: the line must not read "none late"
    assert "Ingen tilbud har overskredet fristen" not in flat
    assert "Ingen tilbud havde overskredet fristen for uanmeldt besøg ved planens start." in flat


@pytest.fixture(scope="module")
def late_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("late")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    load_data(root / "home", root, dataset=short_capacity_dataset())
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_api_answers_409_by_default_and_201_with_the_late_list_when_allowed(late_client: TestClient) -> None:
    refused = late_client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH)
    assert refused.status_code == 409
    error = assert_error_shape(refused.json(), "plan_infeasible")
    assert SHORTFALL in error["message"] and "allow_late" in error["message"]
    created = late_client.post("/api/v1/plans", json={"quarter": "2026Q4", "allow_late": True}, headers=AUTH)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "best_effort"
    assert sorted(o["weeks_late"] for o in body["late"]) == [1, 2]
    assert {o["facility_id"] for o in body["late"]} == set(body["shortfall"][0]["facility_ids"])
    for o in body["late"]:
        assert o["deadline"] == "2026-10-09" and o["planned"] and o["planned_date"] > "2026-10-09"
    assert body["shortfall"][0]["inspector_days"] == 10
    listed = {p["id"]: p["status"] for p in late_client.get("/api/v1/plans").json()}
    assert listed[body["id"]] == "best_effort"
    # a reader sees which deadlines are missed, but not when the unannounced visit comes (nor its week)
    reader = late_client.get(f"/api/v1/plans/{body['id']}").json()
    assert {o["facility_id"] for o in reader["late"]} == {o["facility_id"] for o in body["late"]}
    assert all(o["planned_date"] is None and o["weeks_late"] is None and o["planned"] for o in reader["late"])
    analysis = late_client.get(f"/api/v1/plans/{body['id']}/analysis").json()
    assert all(o["planned_date"] is None and o["weeks_late"] is None for o in analysis["late"])
    assert [
        o["weeks_late"] for o in late_client.get(f"/api/v1/plans/{body['id']}/analysis", headers=AUTH).json()["late"]
    ]


def test_the_web_form_has_the_checkbox_and_the_plan_page_a_warning_box(late_client: TestClient) -> None:
    late_client.post("/login", data={"token": TOKEN})
    try:
        form = Page(late_client.get("/planer").text)
        box = form.by_id("allow_late")
        assert box is not None and box.attrs.get("type") == "checkbox" and "checked" not in box.attrs
        assert "Gem den bedst mulige plan med overskredne frister" in form.text()
        fields = {"quarter": "2026K4", "time_limit_s": "5"}
        refused = late_client.post("/planer", data={**fields, "form_token": form_token(late_client, "/planer")})
        assert refused.status_code == 409
        assert SHORTFALL in refused.text and "Gem den bedst mulige plan med overskredne frister" in refused.text
        # the page's own words, not the CLI's or the API's
        assert "sæt kryds ved „Gem den bedst mulige plan med overskredne frister“ i formularen" in refused.text
        assert "--allow-late" not in refused.text and "feltet allow_late" not in refused.text
        sent = late_client.post(
            "/planer",
            data={**fields, "allow_late": "ja", "form_token": form_token(late_client, "/planer")},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        page = Page(late_client.get(sent.headers["location"]).text)
        warning = page.text_of("late-deadlines")
        assert "Bedst mulige plan: fristerne kan ikke overholdes" in warning
        assert "2 besøg ligger efter fristen" in warning and f"{SHORTFALL} (2 tilbud)" in warning
        assert "1 uge for sent" in warning and "2 uger for sent" in warning
        assert "løsning: med overskredne frister" in page.text()
    finally:
        late_client.cookies.clear()
    # a reader's page: the box, without the dates or weeks that would give the unannounced visits away
    reader = Page(late_client.get(sent.headers["location"]).text).text_of("late-deadlines")
    assert SHORTFALL in reader and "fortrolig" in reader and "uge for sent" not in reader


def test_the_plan_pdf_carries_the_warning(late_client: TestClient, tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    created = late_client.post("/api/v1/plans", json={"quarter": "2026Q4", "allow_late": True}, headers=AUTH)
    pdf = late_client.get(f"/api/v1/reports/plan/{created.json()['id']}?format=pdf", headers=AUTH)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(
        subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "Bedst mulige plan: fristerne kan ikke overholdes" in text and f"{SHORTFALL} (2 tilbud)" in text


def test_cli_does_not_say_overdue_tilbud_are_placed_first_when_the_best_effort_plan_places_them_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three tilbud past their deadline and an inspector away all quarter: a best-effort plan of a tilsyn short of
    inspector-days said "Frist allerede overskredet: 3 tilbud … Planen lægger dem først i kvartalet." above the list
    of the same tilbud planned months after the quarter."""
    home = _cli_env(tmp_path, monkeypatch)
    ds = short_capacity_dataset()
    visits = ds.visits.assign(date=pd.Timestamp("2024-09-01"))  # deadlines 2026-09-01: passed on AS_OF
    away = pd.DataFrame({"inspector_id": ["I1"], "start": [pd.Timestamp("2026-10-05")],
                         "end": [pd.Timestamp("2026-12-31")]})  # fmt: skip
    load_data(home, tmp_path, dataset=ds.with_tables(visits=visits, absences=away))
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--allow-late")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "3 besøg ligger efter fristen" in flat
    assert "Planen lægger dem først i kvartalet" not in flat
    assert (
        "Frist allerede overskredet: 3 tilbud: F1 (frist 2026-09-01), F2 (frist 2026-09-01), F3 (frist 2026-09-01). "
        "Kapaciteten rækker ikke til at besøge dem i kvartalet (se de overskredne frister ovenfor)." in flat
    )


def test_cli_one_deadline_left_without_a_visit_is_one_frist(capsys: pytest.CaptureFixture[str]) -> None:
    # A best-effort plan whose one overdue tilbud (its only free days blocked by a lock's gap and absences) got no
    # visit in the horizon printed "og 1 frister får intet besøg i horisonten".
    from types import SimpleNamespace

    from api.commands.plan import _print_late

    late = [
        {"facility_id": "F1", "authority": "midt", "deadline": "2027-03-31", "planned_date": None, "weeks_late": None},
        {
            "facility_id": "F2",
            "authority": "midt",
            "deadline": "2027-01-08",
            "planned_date": "2027-03-23",
            "weeks_late": 11,
        },
    ]
    _print_late(SimpleNamespace(id=1, status="best_effort", analysis={"late": late, "shortfall": []}))  # type: ignore[arg-type]
    flat = " ".join(capsys.readouterr().out.split())
    assert "1 besøg ligger efter fristen, og 1 frist får intet besøg i horisonten." in flat


def test_cli_names_the_first_visit_rule_when_new_tilbud_are_the_late_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three new tilbud (approved 9 April, first visit due 9 October) and one visit a week: the refusal named "fristen
    for første besøg i et nyt tilbud", but the best-effort plan of the same tilbud said "Kapaciteten rækker ikke til
    toårsreglen" and "mangler … for at overholde toårsreglen" (bench/edge_worlds.py all_absent: 5 of its 7 late
    visits were first visits)."""
    home = _cli_env(tmp_path, monkeypatch)
    ds = short_capacity_dataset()
    new = ds.facilities.assign(approved_on=pd.Timestamp("2026-04-09"))
    # the data begin with a visit, in 2019, to a tilbud closed since: the three approved after it are new
    closed = new.iloc[[0]].assign(facility_id="F0", approved_on=pd.Timestamp("2010-01-01"),
                                  closed_on=pd.Timestamp("2020-01-01"))  # fmt: skip
    visits = ds.visits.iloc[[0]].assign(facility_id="F0", date=pd.Timestamp("2019-01-07"))
    load_data(home, tmp_path, dataset=ds.with_tables(facilities=pd.concat([closed, new]), visits=visits))
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4")
    assert code == 4 and "for at overholde fristen for første besøg i et nyt tilbud" in " ".join(err.split())
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--allow-late")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "toårsreglen" not in flat
    assert "Kapaciteten rækker ikke til fristen for første besøg i et nyt tilbud: 2 besøg ligger efter fristen" in flat
    assert f"Mangler: {SHORTFALL} for at overholde fristen for første besøg i et nyt tilbud (2 tilbud)." in flat
    shown = json.loads(run(capsys, "plan", "show", "1", "--format", "json")[1])
    assert [s["first_visit"] for s in shown["analysis"]["shortfall"]] == [2]
    # the plan report's warning box says the same
    code, _, err = run(capsys, "report", "plan", "1", "--out", str(tmp_path / "plan.html"))
    assert code == 0, err
    html = " ".join((tmp_path / "plan.html").read_text(encoding="utf-8").split())
    assert "Kapaciteten rækker ikke til fristen for første besøg i et nyt tilbud." in html
    assert "toårsreglen." not in html


def test_cli_says_so_when_no_inspector_has_capacity_in_the_quarter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The only inspector away all 2026K4: the table "Kvartalets besøg pr. konsulent" was printed with a header and
    no row (bench/edge_worlds.py all_absent)."""
    home = _cli_env(tmp_path, monkeypatch)
    ds = short_capacity_dataset()
    away = pd.DataFrame({"inspector_id": ["I1"], "start": [pd.Timestamp("2026-10-01")],
                         "end": [pd.Timestamp("2026-12-31")]})  # fmt: skip
    load_data(home, tmp_path, dataset=ds.with_tables(absences=away))
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--allow-late")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Kvartalets besøg pr. konsulent" not in flat
    assert "Ingen tilsynskonsulent har kapacitet eller besøg i 2026Q4 (fravær, 0 besøg om ugen)." in flat

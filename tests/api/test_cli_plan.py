"""``tilsynsplan plan --quarter …`` and ``tilsynsplan plan show ID``: exit codes, what is printed, the export."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from api.services import plans as plan_service
from api.services.plans import load_stored_plan, show_plan
from data.dataset import Dataset
from data.importer import FileReport, ImportResult
from data.risk_store import save_risk_run
from data.settings import Settings
from data.store import open_database, save_upload
from tests.api.conftest import AUTH, make_settings, planning_home
from tests.api.conftest import run_cli as run
from tests.api.html_parse import Page
from tests.factories import AS_OF, midt_dataset, small_dataset
from tests.fixtures.uploads import write_csv_folder


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return planning_home(tmp_path, monkeypatch)


def settings(home: Path) -> Settings:
    return Settings(home=home, today=AS_OF)  # type: ignore[call-arg]


def load_data(home: Path, tmp_path: Path, with_risk: bool = True, dataset: Dataset | None = None) -> None:
    s = settings(home)
    dataset = small_dataset() if dataset is None else dataset
    imports.import_upload(s, write_csv_folder(dataset, tmp_path / "small"), label="test")
    if with_risk:
        engine = open_database(s)
        scores = pd.DataFrame(
            {"facility_id": ["F1", "F2", "F3", "F4", "F5", "F6"], "risk": [0.8, 0.3, 0.5, 0.1, 0.2, 0.6]}
        )
        scores = scores[scores["facility_id"].isin(dataset.facilities["facility_id"])].reset_index(drop=True)
        scores["rank"] = scores["risk"].rank(ascending=False).astype(int)
        scores["tier"] = "middel"
        scores["top_factors"] = [[] for _ in range(len(scores))]
        save_risk_run(engine, AS_OF, "test-model", scores)
        engine.dispose()


def test_plan_prints_a_summary_stores_and_exports(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    load_data(home, tmp_path)
    out_file = tmp_path / "plan.csv"
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5", "--export", str(out_file))
    assert code == 0, err
    assert "Plan 1 for 2026Q4 (Socialtilsyn Nord og Midt)" in out  # the data's two socialtilsyn, as reports say
    assert "Status: optimal" in out
    assert "Frist allerede overskredet: 3 tilbud: F1 (frist 2026-03-12)" in out
    # the riskiest tenth of all six tilbud in the risk run (the data's two tilsyn), rounded up: the list's "høj" (F1)
    said = " ".join(out.split())
    # how many of the group each tilsyn has: a riskier tilsyn gets more of the extra visits (Midt's F1 here)
    assert (
        "De 10 % mest risikable tilbud i Socialtilsyn Nord og Midt (1 tilbud: Nord 0 og Midt 1) besøgt i 2026Q4" in said
    )
    assert "Kvartalets besøg pr. konsulent (2026Q4)" in out
    assert "Anne Holm (I1)" in out  # the inspector by name, not only the id
    with out_file.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"facility_id", "date", "inspector_ids", "announced", "kind", "reason"} <= set(rows[0])
    stored = show_plan(settings(home), 1)
    assert len(rows) == stored.visit_count == 6
    assert {r["facility_id"] for r in rows} == {"F1", "F2", "F3", "F4", "F5", "F6"}
    assert all(r["announced"] in ("true", "false") and r["reason"] for r in rows)
    assert stored.risk_run_id is not None and stored.settings["solver_time_limit_s"] == 5


def test_a_plan_for_one_socialtilsyn_names_the_pool_its_top_group_is_drawn_from(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # the plan loads Nord's tilbud only, the risk run ranks Nord's and Midt's: the group is Nord's share of both
    # (it said "de 10 % mest risikable tilbud i Socialtilsyn Nord (nr. 1 af 6 …)": a pool of six Nord did not have)
    load_data(home, tmp_path)
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--authority", "nord", "--time-limit", "5")
    assert code == 0, err
    said = " ".join(out.split())
    assert "Socialtilsyn Nords tilbud blandt de 10 % mest risikable i Socialtilsyn Nord og Midt" in said
    assert "i Socialtilsyn Nord (nr." not in said


def test_per_authority_the_plan_counts_each_socialtilsyns_own_top_tenth(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_TOP_TIER_SCOPE", "authority")
    load_data(home, tmp_path)
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    # rounded up in each socialtilsyn (1 + 1), not a national tenth (6 tilbud: 1)
    assert "De 10 % mest risikable i hvert socialtilsyn (2 tilbud) besøgt i 2026Q4" in out
    assert show_plan(settings(home), 1).settings["top_tier_scope"] == "authority"


def test_a_plan_over_one_socialtilsyns_data_is_named_after_it(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # Socialtilsyn Midt imports its own files and plans without --authority (the data holds no other tilsyn)
    load_data(home, tmp_path, dataset=midt_dataset())
    # written as the report writes it (2026K4): the same quarter as 2026Q4
    code, out, err = run(capsys, "plan", "--quarter", "2026K4", "--time-limit", "5")
    assert code == 0, err
    assert "Plan 1 for 2026Q4 (Socialtilsyn Midt)" in out
    code, out, _ = run(capsys, "plan", "show", "1")
    assert code == 0 and "Plan 1 for 2026Q4 (Socialtilsyn Midt)" in out
    assert "De 10 % mest risikable tilbud i Socialtilsyn Midt (1 tilbud) besøgt i 2026Q4" in out
    report = tmp_path / "plan.html"
    code, out, err = run(capsys, "report", "plan", "1", "--out", str(report))
    assert code == 0, err
    assert "Kvartalsplan 2026K4 — Socialtilsyn Midt" in report.read_text(encoding="utf-8")


def test_show_table_and_json(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    code, out, _ = run(capsys, "plan", "show", "1")
    assert code == 0
    assert "Plan 1 for 2026Q4" in out and "Besøg i 2026Q4" in out
    visits_table = out.split("Besøg i 2026Q4", 1)[1]
    assert "Anne Holm (I1)" in visits_table  # each visit names its inspector, not only the id
    code, out, _ = run(capsys, "plan", "show", "1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == 1 and data["quarter"] == "2026Q4"
    assert len(data["visits"]) == 6 and all(v["date"] for v in data["visits"])  # planners see every date
    assert {v["confidential"] for v in data["visits"]} == {True}
    assert all(isinstance(v["inspector_ids"], list) and v["inspector_ids"] for v in data["visits"])  # as the API
    assert data["analysis"]["baseline"]["top_decile_count"] == 1  # the riskiest tenth of six, rounded up (F1)


def test_replan_and_list(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--replan-of", "1")
    assert code == 0, err
    second = show_plan(settings(home), 2)
    first = show_plan(settings(home), 1)
    assert second.parent_id == 1
    assert second.analysis["rule_costs"]["stability"] == 0
    assert second.visits[["facility_id", "date"]].equals(first.visits[["facility_id", "date"]])
    flat = " ".join(out.split())
    assert "Genplan af plan 1: af dens 6 besøg fra 2026-10-01 ligger 6 på samme dag, 0 er flyttet og 0 udgået" in flat
    code, out, _ = run(capsys, "plan", "show", "2", "--format", "json")
    expected = {
        "parent_id": 1, "since": "2026-10-01", "parent_visits": 6, "kept": 6, "moved": 0, "dropped": 0, "added": 0,
    }  # fmt: skip
    assert json.loads(out)["replan_changes"] == expected
    with TestClient(create_app(settings(home))) as client:  # the API's plan says the same
        assert client.get("/api/v1/plans/2").json()["replan_changes"] == expected
        assert client.get("/api/v1/plans/1").json()["replan_changes"] is None
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == ["2", "1"]
    # whom the plans are for, as plan show says it (the data hold two socialtilsyn, not all five)
    assert [line.split("│")[3].strip() for line in lines] == ["Socialtilsyn Nord og Midt"] * 2
    with TestClient(create_app(settings(home))) as client:
        rows = Page(client.get("/planer").text).table("plans-table")
        assert {row[2] for row in rows} == {"Socialtilsyn Nord og Midt"}, rows


def test_stored_plan_for_reports(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    plan, deadlines, risks = load_stored_plan(settings(home), 1)
    assert len(plan.visits) == 6 and plan.quarter == "2026Q4"
    assert deadlines["F2"].isoformat() == "2027-01-20" and risks["F1"] == 0.8
    assert plan.analysis.status == "optimal"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        # the next quarter, never a past one; the refusals the CLI prints are sentences, with a full stop
        (["plan"], 2, "Angiv kvartalet med --quarter, fx --quarter 2027Q1 (eller 'plan show ID')."),
        (["plan", "--quarter", "2026Q9"], 2, "er ikke et kvartal"),
        (["plan", "--quarter", "2026Q4", "--authority", "fyn"], 2, "Ukendt socialtilsyn 'fyn'"),
        (
            ["plan", "--quarter", "2026Q4", "--as-of", "1/10/2026"],
            2,
            "er ikke en dato; brug ÅÅÅÅ-MM-DD, fx 2026-10-01.",
        ),
        (["plan", "show", "99"], 3, "Planen 99 findes ikke"),
        (["plan", "--quarter", "2026Q4", "--replan-of", "99"], 3, "Planen 99 findes ikke"),
    ],
)
def test_bad_arguments(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, argv: list[str], code: int, message: str
) -> None:
    load_data(home, tmp_path)
    got, _, err = run(capsys, *argv)
    assert got == code
    assert message in err


def test_no_risk_scores_yet_scores_first_and_says_so(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """The CLI refused ("kør 'tilsynsplan score' først") where the API and the web form scored first."""
    load_data(home, tmp_path, with_risk=False)
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    stored = show_plan(settings(home), 1)
    assert stored.risk_run_id == 1
    note = f"Risikoen er beregnet til planen pr. {AS_OF.isoformat()} (risikokørsel 1, model "
    assert any(
        n.startswith(note) and n.endswith("fordi der er ingen gemt risikokørsel.") for n in stored.analysis["notes"]
    )
    assert "Risikoen er beregnet til planen" in " ".join(out.split())


def test_no_data_yet(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4")
    assert code == 3
    assert "Ingen tilbud er importeret endnu: kør 'tilsynsplan import' først." in err


def test_an_authority_without_tilbud_is_named_in_danish(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """Socialtilsyn Midt's own data, planned for Nord: "Ingen tilbud i nord er importeret endnu" named the
    tilsyn by its code and told a tilsyn whose data were imported to import them."""
    load_data(home, tmp_path, dataset=midt_dataset())
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--authority", "nord")
    assert code == 3
    assert (
        "Ingen tilbud i Socialtilsyn Nord er importeret (de importerede tilbud hører til Socialtilsyn Midt): "
        "importér socialtilsynets tilbud med 'tilsynsplan import', eller vælg et andet socialtilsyn."
    ) in " ".join(err.split())


def test_replan_changes_pair_each_tilbuds_visits() -> None:
    from api.services.plans import compare_visits

    d = dt.date
    old = pd.DataFrame(
        {"facility_id": ["A", "B", "B", "C"], "date": [d(2026, 10, 5), d(2026, 11, 2), d(2027, 3, 1), d(2026, 12, 1)]}
    )
    new = pd.DataFrame(
        {"facility_id": ["A", "B", "D", "D"], "date": [d(2026, 10, 5), d(2026, 11, 9), d(2026, 10, 6), d(2027, 2, 1)]}
    )
    # A kept; B: one moved, one dropped; C dropped; D: two added
    assert compare_visits(old, new) == (1, 1, 2, 2)


def test_an_export_path_that_cannot_be_a_file_is_refused_in_danish_before_planning(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    load_data(home, tmp_path)
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--export", str(tmp_path))
    assert code == 2 and f"--export {tmp_path} er en mappe; angiv en fil, fx {tmp_path / 'plan.csv'}" in err
    assert plan_service.plans(settings(home)) == []  # refused before planning: nothing stored
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    code, _, err = run(capsys, "plan", "show", "1", "--export", "/proc/plan.csv")  # a virtual file system
    assert code == 2 and "--export /proc/plan.csv kan ikke skrives:" in " ".join(err.split())
    assert "Traceback" not in err
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "report", "plan", "1", "--out", str(blocker / "x.html"))
    assert code == 2 and f"{blocker} er en fil, ikke en mappe" in " ".join(err.split())


def test_a_replan_builds_only_on_a_plan_for_the_same_socialtilsyn_or_for_all(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4", "--authority", "midt")[0] == 0  # plan 1: Midt
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--authority", "Nord", "--replan-of", "1")
    assert code == 2 and "Plan 1 er for Socialtilsyn Midt; en genplan for Socialtilsyn Nord kan ikke" in err
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0  # plan 2: all
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--authority", "midt", "--replan-of", "2")
    assert code == 0, err
    changes = plan_service.replan_changes(settings(home), show_plan(settings(home), 3))
    parent = show_plan(settings(home), 2).visits
    midt_visits = int((parent["authority"] == "midt").sum())
    assert changes is not None and changes.parent_visits == midt_visits < len(parent)  # Nord's are not "dropped"
    assert changes.dropped == 0


def test_no_inspectors_yet(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    # stored without the importer, which refuses visits by inspectors it does not know
    ds = small_dataset()
    tables = ["facilities", "visits"]
    files = {name: FileReport(name, f"{name}.csv", len(ds.tables()[name]), ",", False, False) for name in tables}
    save_upload(open_database(settings(home)), ImportResult(ds, [], files), "test")
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4")
    assert code == 3
    assert "Ingen tilsynskonsulenter er importeret endnu (inspectors.csv): kør 'tilsynsplan import'." in err


def test_a_socialtilsyn_without_inspectors_is_named(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    ds = small_dataset()
    visits = ds.visits.assign(inspector_ids=ds.visits["inspector_ids"].str.replace("I3", "I1"))  # Nord's leaves
    ds = ds.with_tables(inspectors=ds.inspectors[ds.inspectors["authority"] == "midt"], visits=visits)
    load_data(home, tmp_path, dataset=ds)
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--authority", "nord")
    assert code == 3
    assert (
        "Socialtilsyn Nord har ingen tilsynskonsulenter (inspectors.csv har ingen med authority nord): "
        "importér dem, før socialtilsynet kan planlægges."
    ) in " ".join(err.split())


def test_the_summary_says_why_each_overdue_deadline_cannot_be_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path, tmp_path: Path
) -> None:
    """As the plan report: only a deadline before the as-of date has passed; 3 January 2027 (a Sunday, after the
    1 January holiday) lies in 2027Q1 yet before its first working day, and was listed as 'before 2027Q1 begins'."""
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    from api.commands import plan as plan_command
    from api.services import plans as plan_service

    stored = plan_service.show_plan(settings(home), 1)
    overdue = [
        {"facility_id": "F1", "deadline": "2026-11-01"},
        {"facility_id": "F2", "deadline": "2026-12-20"},
        {"facility_id": "F3", "deadline": "2027-01-03"},
    ]
    late = dataclasses.replace(
        stored, quarter="2027Q1", as_of=dt.date(2026, 11, 23), analysis={**stored.analysis, "overdue": overdue}
    )
    monkeypatch.setattr(plan_service, "replan_changes", lambda *_: None)
    plan_command._print_summary(late, {})
    out = " ".join(capsys.readouterr().out.split())
    # passed before the plan's day (23 November), and the plan begins in January: it said only "overskredet" and
    # "Planen lægger det først i kvartalet", six weeks on, with no word of a visit now (edge world, a Sunday in
    # November)
    assert "Frist allerede overskredet — besøg dem i indeværende kvartal: 1 tilbud: F1 (frist 2026-11-01)" in out
    assert "Frist før 2027Q1 begynder — besøg dem i indeværende kvartal: 1 tilbud: F2 (frist 2026-12-20)" in out
    assert (
        "Frist før første arbejdsdag i 2027Q1 — besøg dem i indeværende kvartal: 1 tilbud: F3 (frist 2027-01-03)" in out
    )


def test_a_quarter_after_the_next_is_refused_until_the_quarters_before_it_are_planned(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    """As of 2026-10-01, 2027Q2 is the quarter after next. With F1's and F2's deadlines before it and no plan for
    2027Q1 it was planned with every such visit "overdue" in its first weeks (the QA's 2030Q1: exit 0, a clean
    summary). Refused until 2027Q1 has a plan, which the plan for 2027Q2 then builds on."""
    load_data(home, tmp_path)
    code, _, err = run(capsys, "plan", "--quarter", "2030Q1")
    flat = " ".join(err.split())
    assert code == 2 and "Kvartalet 2030Q1 kan ikke planlægges endnu: 2027Q1 er ikke planlagt" in flat
    assert "den tidligste: F3, frist 2014-01-10" in flat and "først tilsynsplan plan --quarter 2027Q1" in flat
    assert plan_service.plans(settings(home)) == []
    with TestClient(create_app(make_settings(home))) as client:
        response = client.post("/api/v1/plans", json={"quarter": "2027Q2"}, headers=AUTH)
        assert response.status_code == 422
        assert "2027Q1 er ikke planlagt" in response.json()["error"]["message"]
    assert run(capsys, "plan", "--quarter", "2027Q1", "--time-limit", "5")[0] == 0  # plan 1
    code, out, err = run(capsys, "plan", "--quarter", "2027Q2", "--time-limit", "5")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Planen bygger på plan 1 for 2027Q1" in flat and "Frist allerede overskredet" not in flat
    q1_visits = set(show_plan(settings(home), 1).visits["facility_id"])
    assert not show_plan(settings(home), 2).analysis["overdue"] and {"F1", "F2", "F3"} <= q1_visits


def test_the_risk_weighted_lateness_says_it_leaves_out_the_tilbud_whose_deadline_cannot_be_kept(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # F1, F3 and F5 are overdue: they have no risk target, so the lateness figure (0 for them) left them out
    # without saying so, and an all-overdue plan read "risikovægtet forsinkelse 0 mod 0"
    load_data(home, tmp_path)
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    flat = " ".join(out.split())
    assert (
        "(tal for de tilbud, hvis frist kan nås; de 3 tilbud ovenfor, hvis frist ikke kan nås ved planens start, "
        "er ikke med)" in flat
    )


def test_one_overdue_tilbud_is_spoken_of_in_the_singular(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # A tilsyn with one tilbud past its deadline read "1 tilbud: … Planen lægger dem først i kvartalet" and
    # "de 1 tilbud ovenfor, hvis frist …". F3 and F5 get an unannounced visit, so only F1 is overdue.
    ds = small_dataset()
    extra = pd.DataFrame(
        [
            ("V7", "F3", "2025-06-02", False, "operational", "I1"),
            ("V8", "F5", "2025-06-03", False, "operational", "I3"),
        ],
        columns=list(ds.visits.columns),
    )
    load_data(home, tmp_path, dataset=ds.with_tables(visits=pd.concat([ds.visits, extra], ignore_index=True)))
    code, out, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Frist allerede overskredet: 1 tilbud: F1 (frist 2026-03-12). Planen lægger det først i kvartalet." in flat
    assert (
        "(tal for de tilbud, hvis frist kan nås; tilbuddet ovenfor, hvis frist ikke kan nås ved planens start, er ikke med)"
        in flat
    )
    assert "de 1 tilbud" not in flat and "lægger dem" not in flat


def test_a_type_no_inspector_may_visit_names_the_tilsyn_that_can_be_planned_and_is_printed_once(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    # Nord's only inspector may visit rusmiddelcentre alone (F5 kostskole, F6 døgninstitution). A plan for all is
    # one plan of record and is refused whole; the message says Midt is fine and how to plan it alone, and each
    # problem is printed once (it was printed as a sentence and again as bullets)
    ds = small_dataset()
    inspectors = ds.inspectors.copy()
    inspectors.loc[inspectors["inspector_id"] == "I3", "competences"] = "sel101"
    load_data(home, tmp_path, dataset=ds.with_tables(inspectors=inspectors))
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    flat = " ".join(err.split())
    assert code == 4, flat
    line = "Socialtilsyn Nord mangler en tilsynskonsulent med kompetence til døgninstitution for dette tilbud: F6"
    assert flat.count(line) == 1 and "•" not in flat
    assert "De øvrige socialtilsyn (Socialtilsyn Midt) kan planlægges hver for sig" in flat
    assert "tilsynsplan plan --authority midt" in flat
    assert run(capsys, "plan", "--quarter", "2026Q4", "--authority", "midt", "--time-limit", "5")[0] == 0
    # when every tilsyn in the plan lacks one, the message says none can be planned
    inspectors.loc[inspectors["inspector_id"].isin(["I1", "I2"]), "competences"] = "sel108"  # F2, F3 uncovered
    imports.import_upload(
        settings(home), write_csv_folder(ds.with_tables(inspectors=inspectors), tmp_path / "again"), label="test"
    )
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    flat = " ".join(err.split())
    assert code == 4 and "Det gælder alle socialtilsyn i planen, så ingen af dem kan planlægges" in flat


def test_the_stored_plan_records_the_days_off_it_was_made_with(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a tilsyn that also keeps Grundlovsdag free plans with TILSYNSPLAN_DAYS_OFF; the plan's stored settings
    # (shown by plan show --format json) named every setting the plan depends on but that one, so a reader could
    # not tell why 5 June has no visits, nor re-check the plan's days
    load_data(home, tmp_path)
    monkeypatch.setenv("TILSYNSPLAN_DAYS_OFF", '["12-24", "12-31", "06-05"]')
    code, _, err = run(capsys, "plan", "--quarter", "2026Q4", "--time-limit", "5")
    assert code == 0, err
    code, out, _ = run(capsys, "plan", "show", "1", "--format", "json")
    assert json.loads(out)["settings"]["days_off"] == ["12-24", "12-31", "06-05"]


def test_plan_list_as_json_is_the_apis_list(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    load_data(home, tmp_path)
    assert run(capsys, "plan", "--quarter", "2026Q4")[0] == 0
    code, out, err = run(capsys, "plan", "list", "--format", "json")
    assert code == 0, err  # was a usage error: only 'plan show' had --format
    with TestClient(create_app(settings(home))) as client:
        assert json.loads(out) == client.get("/api/v1/plans").json()
    assert [p["id"] for p in json.loads(out)] == [1]

"""``tilsynsplan validate / import / status``: exit codes, what is printed, and that a refused or killed
import leaves the database exactly as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from api.cli_app import console, err_console
from api.commands.data import print_warnings
from data.errors import Violation
from data.settings import Settings
from data.store import load_dataset, open_database
from tests.api.conftest import run_cli as run
from tests.data.test_importer_broken import BROKEN, EXPECTED
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import scaled_dataset, write_csv_folder, write_many_violations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Wide enough that no table cell wraps; 'today' fixed."""
    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 400)
    yield


def table_rows(text: str) -> list[list[str]]:
    """The cells of every body row of the Rich tables in ``text``."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def test_validate_a_valid_upload_stores_nothing(capsys: pytest.CaptureFixture[str], home: Path, valid: Path) -> None:
    code, out, _ = run(capsys, "--home", str(home), "validate", str(valid))
    assert code == 0
    assert "Ingen fejl i 41 rækker. Intet er gemt." in out
    assert ["indicator_scores.csv", "15", "komma", ""] in table_rows(out)
    assert not home.exists()  # validation creates no database


def test_validate_reports_every_violation_with_row_and_column(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, err = run(capsys, "--home", str(home), "validate", str(BROKEN))
    assert code == 1
    assert f"Upload afvist: {len(EXPECTED)} fejl. Intet er gemt." in err
    printed = {(r[0], r[1], r[2]) for r in table_rows(err) if r[0]}
    expected = {(f, "" if row is None else str(row), col or "") for f, row, col, _ in EXPECTED}
    assert printed == expected
    assert "score skal være et heltal fra 1 til 5" in err
    assert "010203-****" in err and "010203-1234" not in err
    assert "advarsler" in err and "LÆSMIG.txt" in err  # warnings are shown too
    assert out == ""


def test_a_capped_report_gives_the_true_count(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--home", str(home), "validate", str(write_many_violations(tmp_path / "many", 1500)))
    assert code == 1
    assert "Upload afvist: 1.500 fejl; de første 1.000 vises. Intet er gemt." in err
    assert "de første 1.000 af 1.500 fejl" in err  # the table's title
    assert len([r for r in table_rows(err) if r[0] == "indicator_scores.csv"]) == 1000
    assert "flere fejl" not in err  # no made-up row counted as an error


def test_import_then_reimport(capsys: pytest.CaptureFixture[str], home: Path, valid: Path) -> None:
    code, out, _ = run(capsys, "--home", str(home), "import", str(valid))
    assert code == 0
    assert "Import #1 gemt" in out
    assert ["i alt", "41", "41", "0", "0"] in table_rows(out)
    assert ["indicator_scores.csv", "15", "15", "0", "0"] in table_rows(out)
    code, out, _ = run(capsys, "--home", str(home), "import", str(valid))
    assert code == 0
    assert ["i alt", "41", "0", "0", "41"] in table_rows(out)


def test_a_refused_import_leaves_the_database_byte_for_byte_unchanged(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path
) -> None:
    assert run(capsys, "--home", str(home), "import", str(valid))[0] == 0
    db = home / "tilsynsplan.db"
    before = sha(db)
    code, _, err = run(capsys, "--home", str(home), "import", str(BROKEN))
    assert code == 1 and "Intet er gemt" in err
    assert sha(db) == before
    assert sorted(p.name for p in home.iterdir()) == ["tilsynsplan.db"]  # no journal left behind


def test_an_upload_that_conflicts_with_stored_rows_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path, tmp_path: Path
) -> None:
    """A newer export's facilities.csv moves F1's approval after its visit V1, stored by the first import: the file
    is valid in itself, the database it would leave is not."""
    assert run(capsys, "--home", str(home), "import", str(valid))[0] == 0
    db = home / "tilsynsplan.db"
    before = sha(db)
    ds = small_dataset()
    facilities = ds.facilities.copy()
    facilities.loc[facilities["facility_id"] == "F1", "approved_on"] = pd.Timestamp("2024-06-01")
    newer = write_csv_folder(ds.with_tables(facilities=facilities), tmp_path / "newer", tables=["facilities"])
    for command in ("validate", "import"):
        code, _, err = run(capsys, "--home", str(home), command, str(newer))
        assert code == 1, err
        assert "Upload afvist: 1 fejl. Intet er gemt." in err
        assert table_rows(err)[0][:4] == ["facilities.csv", "2", "approved_on", "2024-06-01"]
        assert "den gemte række V1 i visits.csv" in " ".join(c for r in table_rows(err) for c in r)
    assert sha(db) == before


def test_import_warns_of_a_signal_file_neither_uploaded_nor_stored(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path, tmp_path: Path
) -> None:
    (valid / "use_of_force.csv").unlink()
    missing = "use_of_force.csv mangler og intet er gemt: magtanvendelser kan ikke indgå i risikoen"
    for command in ("validate", "import"):
        code, out, _ = run(capsys, "--home", str(home), command, str(valid))
        assert code == 0 and missing in out
    # the next month's file alone: use_of_force.csv is still neither sent nor stored
    concerns = write_csv_folder(small_dataset(), tmp_path / "month", tables=["concerns"])
    code, out, _ = run(capsys, "--home", str(home), "import", str(concerns))
    assert code == 0 and missing in out
    force = write_csv_folder(small_dataset(), tmp_path / "force", tables=["use_of_force"])
    code, out, _ = run(capsys, "--home", str(home), "import", str(force))
    assert code == 0 and "advarsler" not in out
    code, out, _ = run(capsys, "--home", str(home), "import", str(concerns))
    assert code == 0 and "advarsler" not in out  # stored now


def test_a_tilsyn_not_visited_yet_imports_trains_scores_and_plans(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path
) -> None:
    """visits.csv with its header only (every tilbud new) was refused; the contract requires the file, not a row."""
    for name in ("visits", "indicator_scores", "theme_scores"):
        path = valid / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "--home", str(home), "import", str(valid))
    assert code == 0, out
    assert "visits.csv har ingen rækker under overskriften" in out
    for argv in (("train",), ("score",), ("plan", "--quarter", "2027Q1")):
        code, out, err = run(capsys, "--home", str(home), *argv)
        assert code == 0, (argv, out, err)
    assert "Plan 1 for 2027Q1" in out


def test_status_table_and_json(capsys: pytest.CaptureFixture[str], home: Path, valid: Path) -> None:
    code, out, _ = run(capsys, "--home", str(home), "status")
    assert code == 0 and "Der er ikke indlæst data endnu" in out
    assert not home.exists()
    run(capsys, "--home", str(home), "import", str(valid))
    code, out, _ = run(capsys, "--home", str(home), "status", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["rows"]["visits"] == 6
    assert report["facilities_per_authority"] == {"midt": 3, "nord": 3}
    assert report["active_per_authority"] == {"midt": 3, "nord": 3}
    assert report["date_ranges"]["visits.date"] == {"first": "2023-11-02", "last": "2025-09-15"}
    assert report["last_import"]["inserted"] == 41
    code, out, _ = run(capsys, "--home", str(home), "status")
    assert ["Socialtilsyn Midt", "3", "3"] in table_rows(out)  # active, all (none closed)
    assert ["visits.date", "2023-11-02", "2025-09-15"] in table_rows(out)
    assert ["use_of_force.month", "2026-06", "2026-07"] in table_rows(out)


def test_status_says_which_optional_files_have_no_rows(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path
) -> None:
    # a tilsyn that brings no concerns.csv saw a row "concerns.date" with two empty cells
    (valid / "concerns.csv").unlink()
    run(capsys, "--home", str(home), "import", str(valid))
    code, out, _ = run(capsys, "--home", str(home), "status")
    assert code == 0
    assert ["concerns.date", "ingen rækker", "–"] in table_rows(out)
    assert ["visits.date", "2023-11-02", "2025-09-15"] in table_rows(out)


def test_database_url_option_and_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, valid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert run(capsys, "--database-url", url, "import", str(valid))[0] == 0
    assert (tmp_path / "elsewhere.db").exists()
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", url)
    code, out, _ = run(capsys, "status", "--format", "json")
    assert code == 0 and json.loads(out)["rows"]["facilities"] == 6


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run(capsys, "--home", str(home), "validate", str(home / "findes-ikke"))
    assert code == 2
    assert "findes ikke" in err


def test_sigkill_midway_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """Kill ``tilsynsplan import`` while it is writing (journal present and the database file already
    changed); the next open rolls the journal back and finds the rows and bytes of before."""
    home = tmp_path / "home"
    settings = Settings(home=home)
    engine = open_database(settings)
    from data.importer import read_upload
    from data.store import save_upload

    save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "small"), today=AS_OF), "før")
    before_rows = load_dataset(engine)
    engine.dispose()
    db = home / "tilsynsplan.db"
    journal = home / "tilsynsplan.db-journal"
    before = sha(db)

    big = write_csv_folder(scaled_dataset(n_facilities=400, visits_per_facility=10), tmp_path / "big")
    env = {**os.environ, "TILSYNSPLAN_TODAY": AS_OF.isoformat(), "TILSYNSPLAN_TEST_IMPORT_PAUSE_S": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--home", str(home), "import", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    killed_while_writing = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if journal.exists() and sha(db) != before:
                proc.send_signal(signal.SIGKILL)
                killed_while_writing = True
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert killed_while_writing, (
        f"the import never reached the writing phase: {proc.stderr.read() if proc.stderr else ''}"
    )
    assert proc.returncode == -signal.SIGKILL
    assert journal.exists()  # a hot journal: the transaction was open when the process died

    engine = open_database(settings)  # opening rolls the hot journal back
    after_rows = load_dataset(engine)
    engine.dispose()
    for name, frame in before_rows.tables().items():
        pd.testing.assert_frame_equal(frame, after_rows.tables()[name], obj=name)
    assert not journal.exists()
    assert sha(db) == before


@pytest.fixture
def locked_database(home: Path, valid: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """The small dataset imported, then held by a second connection with ``BEGIN EXCLUSIVE`` (as another
    process's import holds it) until the test ends; yields the database file."""
    assert run(capsys, "--home", str(home), "import", str(valid))[0] == 0
    db = home / "tilsynsplan.db"
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield db
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_locked_database_says_try_again_with_exit_code_5_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    tmp_path: Path,
    locked_database: Path,
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_BUSY_TIMEOUT_S", "0.2")
    before = sha(locked_database)
    changed = small_dataset()
    facilities = changed.facilities.copy()
    facilities.loc[0, "name"] = "Nyt navn"
    upload = write_csv_folder(changed.with_tables(facilities=facilities), tmp_path / "changed")
    for argv in (("import", str(upload)), ("validate", str(upload)), ("status",)):
        code, out, err = run(capsys, "--home", str(home), *argv)
        assert code == 5, (argv, err)  # not 1: the upload was not refused
        assert "Databasen er optaget af en anden proces (ventede 0,2 sekunder)" in err
        assert "prøv igen" in err
        assert "Traceback" not in err + out and "OperationalError" not in err + out
    assert sha(locked_database) == before


def test_data_ending_long_before_today_are_said_by_import_status_train_score_and_plan(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path, valid: Path
) -> None:
    """An old export scored "as of today" counts every month since its end as no magtanvendelser, no concerns and
    no visits; every step must say so and how to compute as of the data's end instead."""
    code, _, err = run(capsys, "--home", str(home), "import", str(valid))
    assert code == 0 and "Dataene slutter" not in err  # recent data: nothing said
    end = small_dataset().reported_until()
    assert end is not None
    later = end + pd.Timedelta(days=200)
    monkeypatch.setenv("TILSYNSPLAN_TODAY", later.isoformat())
    said = f"Dataene slutter {end.isoformat()}, 7 måneder før {later.isoformat()}"
    for argv in (("status",), ("train",), ("score",), ("plan", "--quarter", "2027Q2")):
        code, out, err = run(capsys, "--home", str(home), *argv)
        assert code == 0, (argv, out, err)
        assert said in out + err, argv
        assert f"--as-of {(end + pd.Timedelta(days=1)).isoformat()}" in out + err, argv


def test_warnings_are_counted_in_danish_and_no_kind_hides_another(
    capsys: pytest.CaptureFixture[str], home: Path, valid: Path
) -> None:
    (valid / "use_of_force.csv").unlink()
    code, out, _ = run(capsys, "--home", str(home), "validate", str(valid))
    assert code == 0 and "1 advarsel (upload er ikke afvist af den)" in out  # was "1 advarsler … af dem"
    # a foreign export: 3,540 theme scores that differ from their indicators, then the one warning that no plan can
    # be made; the first 50 lines were all of the first kind, and the count had no thousands separator
    mismatch = [
        Violation("theme_scores.csv", row, "score", "4,7", "theme_score_mismatch", "temascoren afviger")
        for row in range(2, 3542)
    ]
    gap = Violation("inspectors.csv", None, "competences", "sel101", "competence_missing", "ingen kompetence")
    print_warnings([*mismatch, gap])
    out = capsys.readouterr().out
    assert "3.541 advarsler (upload er ikke afvist af dem)" in out
    assert "ingen kompetence" in out
    assert "… og 3.515 advarsler mere af samme slags" in out
    assert out.count("temascoren afviger") == 25
    # the importer's list: 100 of a kind and one warning counting the other 3,440; the lines left out stand for all
    # of them (the count warning was counted as one: "og 51 … mere" where 3.490 were left out)
    listed = [*mismatch[:100], dataclasses.replace(mismatch[100], row=None, message="og 3.440 mere", more=3439)]
    print_warnings(listed)
    out = capsys.readouterr().out
    assert "3.540 advarsler (upload er ikke afvist af dem)" in out
    assert "… og 3.490 advarsler mere af samme slags" in out

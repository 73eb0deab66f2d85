"""Storage against a real PostgreSQL server, started for this module (the ``postgres_url`` fixture of
``tests/conftest.py``; skipped when no server can be started here)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from data.db import Base
from data.importer import read_upload
from data.settings import Settings
from data.store import (
    current_revision,
    database_status,
    head_revision,
    load_dataset,
    load_reference_data,
    open_database,
    save_upload,
)
from tests.factories import AS_OF, small_dataset, sorted_by_key
from tests.fixtures.uploads import scaled_dataset, write_csv_folder
from tests.postgres import new_database


@pytest.fixture(scope="module")
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = open_database(Settings(database_url=postgres_url))
    yield engine
    engine.dispose()


def test_migrations_create_the_metadata_schema(engine: Engine) -> None:
    assert engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert current_revision(engine) == head_revision()


def test_import_load_reimport_and_update(engine: Engine, tmp_path: Path) -> None:
    ds = small_dataset()
    first = save_upload(engine, read_upload(write_csv_folder(ds, tmp_path / "a"), today=AS_OF), "pg")
    assert first.inserted == 41
    stored = load_dataset(engine)
    for name, frame in sorted_by_key(ds).tables().items():
        pd.testing.assert_frame_equal(frame, stored.tables()[name], obj=name)

    again = read_upload(tmp_path / "a", today=AS_OF, existing=load_reference_data(engine))
    second = save_upload(engine, again, "pg igen")
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 41)

    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F2", "places"] = 10
    newer = read_upload(
        write_csv_folder(ds.with_tables(facilities=fac), tmp_path / "b", tables=["facilities"]),
        today=AS_OF,
        existing=load_reference_data(engine),
    )
    third = save_upload(engine, newer, "pg nyere")
    assert (third.tables["facilities"].updated, third.tables["facilities"].unchanged) == (1, 5)
    reloaded = load_dataset(engine)
    assert reloaded.facilities.set_index("facility_id").loc["F2", "places"] == 10
    # an UPDATE moves the row in PostgreSQL's heap; the Dataset's order (the model's input) must not follow
    assert reloaded.facilities["facility_id"].tolist() == ["F1", "F2", "F3", "F4", "F5", "F6"]

    status = database_status(engine)
    assert status.imports == 3
    assert status.rows["indicator_scores"] == 15
    assert status.facilities_per_authority == {"midt": 3, "nord": 3}
    assert "postgresql+psycopg" in status.database


def test_the_cli_imports_through_the_database_url(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import main

    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    folder = write_csv_folder(small_dataset(), tmp_path / "a")
    with pytest.raises(SystemExit) as info:
        main(["--database-url", postgres_url, "import", str(folder)])
    assert info.value.code == 0


def test_a_lock_held_longer_than_the_busy_timeout_is_database_busy(postgres_url: str) -> None:
    """PostgreSQL waits ``database_busy_timeout_s`` for a lock (its lock_timeout), then says "optaget"."""
    from sqlalchemy import text

    from data.errors import DatabaseBusyError

    engine = open_database(Settings(database_url=postgres_url, database_busy_timeout_s=0.3))
    try:
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE import_batches IN ACCESS EXCLUSIVE MODE"))  # another process's import
            with pytest.raises(DatabaseBusyError) as info, engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM import_batches"))
            holder.rollback()
        assert "ventede 0,3 sekunder" in info.value.message
        with engine.connect() as conn:  # free again: the same query works
            assert conn.execute(text("SELECT count(*) FROM import_batches")).scalar_one() >= 0
    finally:
        engine.dispose()


def test_two_imports_at_once_wait_for_each_other(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second import waits for the first (up to the busy timeout) and then finds its rows stored. Both used
    to read the stored keys at once and insert the same rows: the second died with a unique violation (a stack
    trace and exit code 1) as soon as the first committed."""
    import threading

    from data.errors import DatabaseBusyError

    url = new_database(postgres_url, "two_imports")  # the first import of the small dataset inserts every row
    folder = write_csv_folder(small_dataset(), tmp_path / "a")
    first_engine = open_database(Settings(database_url=url))
    patient = open_database(Settings(database_url=url, database_busy_timeout_s=60))
    impatient = open_database(Settings(database_url=url, database_busy_timeout_s=0.3))
    uploads = [read_upload(folder, today=AS_OF) for _ in range(3)]  # checked before: only the writing overlaps
    monkeypatch.setenv("TILSYNSPLAN_TEST_IMPORT_PAUSE_S", "0.3")  # the first import holds its transaction ~3 s
    writing = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        results["first"] = save_upload(first_engine, uploads[0], "første", progress=lambda *_: writing.set())

    try:
        thread = threading.Thread(target=first)
        thread.start()
        assert writing.wait(30)
        with pytest.raises(DatabaseBusyError):
            save_upload(impatient, uploads[1], "utålmodig")
        assert thread.is_alive()  # the first was still writing: the second below must wait for it
        second = save_upload(patient, uploads[2], "anden")
        thread.join(60)
        assert results["first"].inserted == 41  # type: ignore[attr-defined]
        assert (second.inserted, second.updated, second.unchanged) == (0, 0, 41)
        assert database_status(patient).imports == 2
    finally:
        for engine in (first_engine, patient, impatient):
            engine.dispose()


def test_an_import_that_fails_midway_stores_nothing(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails after some tables are written (here the fourth) rolls back the tables before it too."""
    import data.store as store

    engine = open_database(Settings(database_url=new_database(postgres_url, "fails_midway")))
    try:
        save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "a"), today=AS_OF), "før")
        before = load_dataset(engine)
        ds = small_dataset()
        fac = ds.facilities.copy()
        fac.loc[fac["facility_id"] == "F2", "places"] = 99
        newer = read_upload(
            write_csv_folder(ds.with_tables(facilities=fac), tmp_path / "b"),
            today=AS_OF,
            existing=load_reference_data(engine),
        )
        real_upsert, written = store._upsert, []

        def failing_upsert(conn, name, *args, **kwargs):  # type: ignore[no-untyped-def]
            if len(written) == 3:
                raise RuntimeError("disken er fuld")
            written.append(name)
            return real_upsert(conn, name, *args, **kwargs)

        monkeypatch.setattr(store, "_upsert", failing_upsert)
        with pytest.raises(RuntimeError):
            save_upload(engine, newer, "fejler")
        assert written[0] == "facilities"
        after = load_dataset(engine)
        for name, frame in before.tables().items():
            pd.testing.assert_frame_equal(frame, after.tables()[name], obj=name)
        assert database_status(engine).imports == 1
    finally:
        engine.dispose()


def test_a_killed_import_leaves_the_database_as_it_was(postgres_url: str, tmp_path: Path) -> None:
    """SIGKILL while ``tilsynsplan import`` writes: the server rolls the open transaction back, and holds no
    lock afterwards (the next import runs at once)."""
    import signal
    import sys
    import time

    from sqlalchemy import text

    url = new_database(postgres_url, "killed_import")
    engine = open_database(Settings(database_url=url, database_busy_timeout_s=2))
    try:
        save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "a"), today=AS_OF), "før")
        before = load_dataset(engine)
        big = write_csv_folder(scaled_dataset(n_facilities=200, visits_per_facility=5), tmp_path / "big")
        env = {**os.environ, "TILSYNSPLAN_TODAY": AS_OF.isoformat(), "TILSYNSPLAN_TEST_IMPORT_PAUSE_S": "1"}
        root = Path(__file__).resolve().parents[2]
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--database-url", url, "import", str(big)],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        writing = (
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'visits' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
        )
        deadline, killed = time.monotonic() + 120, False
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                with engine.connect() as conn:
                    if conn.execute(text(writing)).scalar_one():  # facilities written, visits being written
                        proc.send_signal(signal.SIGKILL)
                        killed = True
                        break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
        assert killed, f"the import never reached the writing phase: {proc.stderr.read() if proc.stderr else ''}"
        after = load_dataset(engine)
        for name, frame in before.tables().items():
            pd.testing.assert_frame_equal(frame, after.tables()[name], obj=name)
        again = save_upload(  # no lock is left behind: within the 2 s busy timeout
            engine, read_upload(tmp_path / "a", today=AS_OF, existing=load_reference_data(engine)), "efter"
        )
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 41)
    finally:
        engine.dispose()


def test_processes_opening_a_new_database_at_once_all_get_the_schema(postgres_url: str) -> None:
    """The web app's workers (or an import beside the server) opening a new database at once: each used to
    create alembic_version, and all but one died on a unique violation. Now they migrate one after another."""
    import sys
    import time

    url = new_database(postgres_url, "opened_at_once")
    start = time.time() + 4  # each process imports first, then all open the database at the same moment
    script = (
        "import time; from data.settings import Settings; from data.store import open_database; "
        f"time.sleep(max(0, {start} - time.time())); open_database(Settings(database_url={url!r})).dispose()"
    )
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", script], cwd=root, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(errors)[-2000:]
    engine = open_database(Settings(database_url=url))
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_same_risk_run_stored_from_three_threads_at_once(postgres_url: str) -> None:
    """Scoring the same date with the same model at once (two planners' requests) replaces one run's scores.
    On PostgreSQL the writers used to delete and insert the same scores together: unique violations and
    deadlocks (a 500), and a run for each."""
    import datetime as dt

    from sqlalchemy import text

    from data.risk_store import latest_risk_run, save_risk_run
    from tests.factories import at_once

    engine = open_database(Settings(database_url=new_database(postgres_url, "risk_runs_at_once")))
    n = 500
    scores = pd.DataFrame(
        {
            "facility_id": [f"F{i}" for i in range(n)],
            "risk": 0.5,
            "rank": range(1, n + 1),
            "tier": "lav",
            "top_factors": [[{"feature": "theme_min", "text": "Laveste temaværdi"}] for _ in range(n)],
        }
    )
    try:
        ids, errors = at_once(
            lambda: save_risk_run(engine, dt.date(2026, 10, 1), "20261001T000000-00000000", scores), threads=3, times=6
        )
        assert errors == []
        assert len(set(ids)) == 1 and len(ids) == 18
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM risk_runs")).scalar_one() == 1
        run = latest_risk_run(engine)
        assert run is not None and len(run.scores) == n and run.scores["rank"].tolist() == list(range(1, n + 1))
    finally:
        engine.dispose()


def test_concern_ids_migration_resend_correction_and_withdrawal(postgres_url: str, tmp_path: Path) -> None:
    """``concerns.concern_id`` on PostgreSQL: a database at 0003 with concerns migrates keeping them under their old
    key; reports with ids are re-sent (unchanged), corrected (updated, one row) and withdrawn."""
    from alembic import command
    from sqlalchemy import select, text

    from data.db import ConcernRow
    from data.store import StoredTables, alembic_config, withdraw_concern

    url = new_database(postgres_url, "concern_ids")
    engine = open_database(Settings(database_url=url))
    try:
        save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "base"), today=AS_OF), "base")
        # back to 0003 (the table as before the extension, its one concern kept), a second concern stored the old
        # way, and opened again: the migration runs on a database with concerns
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
            conn.execute(text("INSERT INTO concerns VALUES ('F1', '2026-02-03', 'low')"))
        engine.dispose()
        engine = open_database(Settings(database_url=url))
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            keys = sorted(conn.execute(select(ConcernRow.concern_key, ConcernRow.concern_id)).all())
        assert keys == [("2026-02-03|high", None), ("2026-02-03|low", None)]

        def send(folder: str, rows: list[str]) -> tuple[int, int, int]:
            path = tmp_path / folder
            path.mkdir()
            (path / "concerns.csv").write_text("facility_id,date,severity,concern_id\n" + "\n".join(rows) + "\n")
            t = save_upload(engine, read_upload(path, today=AS_OF, existing=StoredTables(engine)), folder)
            c = t.tables["concerns"]
            return c.inserted, c.updated, c.unchanged

        assert send("a", ["F2,2026-05-04,high,HV-1", "F2,2026-05-04,high,HV-2"]) == (2, 0, 0)
        assert send("b", ["F2,2026-05-04,high,HV-1"]) == (0, 0, 1)
        assert send("c", ["F2,2026-05-04,medium,HV-1"]) == (0, 1, 0)
        f2 = load_dataset(engine).concerns.query("facility_id == 'F2'")
        assert list(zip(f2["concern_id"], f2["severity"], strict=True)) == [("HV-2", "high"), ("HV-1", "medium")]
        done = withdraw_concern(engine, "F2", "HV-1")
        assert done is not None and done.severity == "medium"
        assert list(load_dataset(engine).concerns["concern_id"].fillna("-")) == ["-", "-", "HV-2"]
    finally:
        engine.dispose()


def test_the_largest_integer_the_check_accepts_is_stored(postgres_url: str, tmp_path: Path) -> None:
    """The check's bound is the INTEGER column's: the largest value it accepts is stored, one more is refused before
    anything is written (it was accepted, and the INSERT failed with "integer out of range")."""
    from data.errors import ValidationFailed

    engine = open_database(Settings(database_url=new_database(postgres_url, "integer_bound")))
    try:
        ds = small_dataset()
        fac = ds.facilities.copy()
        fac.loc[fac["facility_id"] == "F1", "places"] = 2_147_483_647
        save_upload(
            engine, read_upload(write_csv_folder(ds.with_tables(facilities=fac), tmp_path / "a"), today=AS_OF), "pg"
        )
        assert load_dataset(engine).facilities.set_index("facility_id").loc["F1", "places"] == 2_147_483_647
        fac.loc[fac["facility_id"] == "F1", "places"] = 2_147_483_648
        with pytest.raises(ValidationFailed):
            read_upload(write_csv_folder(ds.with_tables(facilities=fac), tmp_path / "b"), today=AS_OF)
    finally:
        engine.dispose()


def test_tables_read_a_chunk_at_a_time_come_back_whole_and_typed(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_read_table`` reads ``CHUNK_ROWS`` rows at a time (a server-side cursor on PostgreSQL), inside the import's
    transaction too: four rows a chunk give the same frames and dtypes, and a re-import finds every row unchanged."""
    import data.store as store
    from data.store import StoredTables

    monkeypatch.setattr(store, "CHUNK_ROWS", 4)
    engine = open_database(Settings(database_url=new_database(postgres_url, "chunked_reads")))
    try:
        ds = small_dataset()
        save_upload(engine, read_upload(write_csv_folder(ds, tmp_path / "a"), today=AS_OF), "første")
        stored = load_dataset(engine)
        for name, frame in sorted_by_key(ds).tables().items():
            pd.testing.assert_frame_equal(frame, stored.tables()[name], obj=name)
        again = save_upload(engine, read_upload(tmp_path / "a", today=AS_OF, existing=StoredTables(engine)), "anden")
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 41)
    finally:
        engine.dispose()

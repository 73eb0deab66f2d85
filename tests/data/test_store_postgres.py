"""Storage against a real PostgreSQL server, started for this module (initdb + pg_ctl in a temp folder).

Skipped only when no server can be started here (the binaries are missing, or we run as root and
there is no ``postgres`` user to run them as). ``scripts/system-deps.sh`` installs PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
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
from tests.fixtures.uploads import write_csv_folder


def _bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and shutil.which("initdb"):
        return Path(pg_ctl).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl); run scripts/system-deps.sh")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="tilsynsplan-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}\n{done.stderr}\n{log}")

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
    options = f"-p {port} -k {base} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    try:
        run(str(bindir / "createdb"), "-h", str(base), "-p", str(port), "-U", "postgres", "tilsynsplan")
        yield f"postgresql+psycopg://postgres@/tilsynsplan?host={base}&port={port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


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

    from sqlalchemy import text

    from data.errors import DatabaseBusyError

    # a database of its own: the first import of the small dataset must insert every row
    admin = open_database(Settings(database_url=postgres_url))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE DATABASE two_imports"))
    admin.dispose()
    url = postgres_url.replace("/tilsynsplan?", "/two_imports?")
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

"""``concerns.concern_id`` (a contract extension): a concern report sent with the case system's id is identified by
(facility_id, concern_id), one without keeps (facility_id, date, severity) — in files, in storage, after a migration,
and when withdrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from data.db import Base, ConcernRow, ImportBatchRow, make_engine
from data.errors import ConcurrentWriteError, ValidationFailed
from data.importer import read_upload
from data.settings import Settings
from data.store import (
    StoredTables,
    alembic_config,
    current_revision,
    head_revision,
    load_dataset,
    open_database,
    save_upload,
    withdraw_concern,
)
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes, write_csv_folder

HEADER_OLD = ["facility_id", "date", "severity"]
HEADER = [*HEADER_OLD, "concern_id"]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """The small dataset stored (one concern without an id: F1 2026-02-03 high)."""
    engine = open_database(Settings(home=tmp_path / "home"))
    save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "base"), today=AS_OF), "base")
    return engine


def concerns_file(folder: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "concerns.csv").write_bytes(csv_bytes([header, *rows]))
    return folder


def send(engine: Engine, folder: Path, rows: list[list[str]], header: list[str] = HEADER) -> dict[str, int]:
    """Import a concerns.csv of ``rows``; the concerns table's inserted / updated / unchanged."""
    result = read_upload(concerns_file(folder, rows, header), today=AS_OF, existing=StoredTables(engine))
    t = save_upload(engine, result, str(folder)).tables["concerns"]
    return {"inserted": t.inserted, "updated": t.updated, "unchanged": t.unchanged}


def stored(engine: Engine) -> list[tuple[str, str, str, str, str | None]]:
    """Every stored concern as (facility_id, concern_key, date, severity, concern_id), sorted."""
    table = ConcernRow.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.facility_id, table.c.concern_key, table.c.date, table.c.severity,
                                   table.c.concern_id)).all()  # fmt: skip
    return sorted((f, k, d.isoformat(), s, c) for f, k, d, s, c in rows)


def refused(engine: Engine, folder: Path, rows: list[list[str]]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read_upload(concerns_file(folder, rows), today=AS_OF, existing=StoredTables(engine))
    return info.value


# --- files without the column: as before ----------------------------------------------------------------------


def test_a_file_without_the_column_keeps_the_old_key_and_rows(engine: Engine, tmp_path: Path) -> None:
    assert stored(engine) == [("F1", "2026-02-03|high", "2026-02-03", "high", None)]
    assert send(engine, tmp_path / "a", [["F1", "2026-02-03", "high"]], HEADER_OLD) == {
        "inserted": 0, "updated": 0, "unchanged": 1,
    }  # fmt: skip
    # another severity on the same day is another report, as before the extension
    assert send(engine, tmp_path / "b", [["F1", "2026-02-03", "medium"]], HEADER_OLD)["inserted"] == 1
    assert [r[1] for r in stored(engine)] == ["2026-02-03|high", "2026-02-03|medium"]
    with pytest.raises(ValidationFailed) as info:
        read_upload(concerns_file(tmp_path / "c", [["F2", "2026-03-01", "low"]] * 2, HEADER_OLD), today=AS_OF,
                    existing=StoredTables(engine))  # fmt: skip
    [v] = info.value.violations
    assert (v.file, v.row, v.column, v.value, v.rule) == (
        "concerns.csv", 3, "facility_id, date, severity", "(F2, 2026-03-01, low)", "duplicate_key",
    )  # fmt: skip


def test_an_empty_concern_id_is_a_row_without_one(engine: Engine, tmp_path: Path) -> None:
    assert send(engine, tmp_path / "a", [["F1", "2026-02-03", "high", ""]]) == {
        "inserted": 0, "updated": 0, "unchanged": 1,
    }  # fmt: skip


# --- with ids --------------------------------------------------------------------------------------------------


def test_a_resend_is_unchanged_and_a_correction_updates_the_one_row(engine: Engine, tmp_path: Path) -> None:
    assert send(engine, tmp_path / "a", [["F2", "2026-05-04", "medium", "HV-1"]])["inserted"] == 1
    assert send(engine, tmp_path / "b", [["F2", "2026-05-04", "medium", "HV-1"]])["unchanged"] == 1
    assert send(engine, tmp_path / "c", [["F2", "2026-05-06", "high", "HV-1"]]) == {
        "inserted": 0, "updated": 1, "unchanged": 0,
    }  # fmt: skip
    mine = [r for r in stored(engine) if r[4] == "HV-1"]
    assert mine == [("F2", "id:HV-1", "2026-05-06", "high", "HV-1")]
    concerns = load_dataset(engine).concerns
    assert list(concerns.columns) == ["facility_id", "date", "severity", "concern_id"]
    assert len(concerns[concerns["facility_id"] == "F2"]) == 1


def test_two_reports_on_one_day_with_one_severity_are_two_rows(engine: Engine, tmp_path: Path) -> None:
    rows = [["F2", "2026-05-04", "high", "HV-1"], ["F2", "2026-05-04", "high", "HV-2"]]
    assert send(engine, tmp_path / "a", rows)["inserted"] == 2
    f2 = load_dataset(engine).concerns.query("facility_id == 'F2'")
    assert list(f2["concern_id"]) == ["HV-1", "HV-2"]  # read back in the order of the key, then the id


def test_the_same_id_twice_in_one_file_is_refused_naming_the_rows(engine: Engine, tmp_path: Path) -> None:
    error = refused(engine, tmp_path / "a", [["F2", "2026-05-04", "high", "HV-1"], ["F3", "2026-05-05", "low", "HV-1"]])
    [v] = error.violations
    assert (v.file, v.row, v.column, v.value, v.rule) == ("concerns.csv", 3, "concern_id", "HV-1", "duplicate_key")
    assert v.message.startswith("dublet: samme concern_id som række 2; et concern_id er én henvendelse")
    assert stored(engine) == [("F1", "2026-02-03|high", "2026-02-03", "high", None)]  # nothing stored


def test_an_id_stored_for_another_facility_is_refused(engine: Engine, tmp_path: Path) -> None:
    send(engine, tmp_path / "a", [["F2", "2026-05-04", "high", "HV-1"]])
    error = refused(engine, tmp_path / "b", [["F3", "2026-05-04", "high", "HV-1"]])
    [v] = error.violations
    assert (v.file, v.row, v.column, v.value, v.rule) == (
        "concerns.csv", 2, "concern_id", "HV-1", "row_id_other_facility",
    )  # fmt: skip
    assert "er gemt for tilbud F2" in v.message and "tilsynsplan withdraw-concern F2 HV-1" in v.message


def test_an_id_stored_for_another_facility_while_the_upload_was_checked_is_a_clear_conflict(
    engine: Engine, tmp_path: Path
) -> None:
    """Two case systems pushing HV-1 for F2 and F3 at the same moment: both checked before either was stored, and
    the second died on the unique index (a 500). Now it is a conflict that says to send again, and nothing of it
    is stored."""
    checked = read_upload(
        concerns_file(tmp_path / "b", [["F3", "2026-05-04", "high", "HV-1"]]),
        today=AS_OF,
        existing=StoredTables(engine),
    )
    send(engine, tmp_path / "a", [["F2", "2026-05-04", "high", "HV-1"]])  # the other push, stored first
    before = stored(engine)
    with pytest.raises(ConcurrentWriteError) as info:
        save_upload(engine, checked, "b")
    assert info.value.http_status == 409 and "send den igen" in info.value.message
    assert stored(engine) == before
    [again] = refused(engine, tmp_path / "c", [["F3", "2026-05-04", "high", "HV-1"]]).violations  # sent again
    assert "er gemt for tilbud F2" in again.message


def test_an_id_is_text_of_at_most_64_characters_on_one_line(engine: Engine, tmp_path: Path) -> None:
    error = refused(
        engine, tmp_path / "a", [["F2", "2026-05-04", "high", "H" * 65], ["F2", "2026-05-05", "high", "A\u0007B"]]
    )
    assert {(v.row, v.column, v.rule) for v in error.violations} == {
        (2, "concern_id", "too_long"), (3, "concern_id", "control_character"),
    }  # fmt: skip


def test_a_first_send_with_an_id_takes_over_the_same_report_stored_without_one(engine: Engine, tmp_path: Path) -> None:
    """A tilsyn imported concerns.csv without ids, then its case system pushes the same reports with ids: each is the
    stored report (updated, given its id), not a second one; a second report of that day and severity is new."""
    rows = [["F1", "2026-02-03", "high", "HV-9"], ["F1", "2026-02-03", "high", "HV-10"]]
    assert send(engine, tmp_path / "a", rows) == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert stored(engine) == [
        ("F1", "id:HV-10", "2026-02-03", "high", "HV-10"),
        ("F1", "id:HV-9", "2026-02-03", "high", "HV-9"),
    ]


def test_an_upload_that_also_sends_the_row_without_an_id_keeps_it(engine: Engine, tmp_path: Path) -> None:
    rows = [["F1", "2026-02-03", "high", ""], ["F1", "2026-02-03", "high", "HV-9"]]
    assert send(engine, tmp_path / "a", rows) == {"inserted": 1, "updated": 0, "unchanged": 1}
    assert [r[1] for r in stored(engine)] == ["2026-02-03|high", "id:HV-9"]


def test_a_reimport_of_the_old_file_after_the_ids_came_counts_no_report_twice(engine: Engine, tmp_path: Path) -> None:
    """The converse of the takeover: the report (F1, 2026-02-03, high) was stored without an id, then pushed with its
    id (taken over); the nightly old-format concerns.csv (no concern_id column) sends it again. It is that report
    (unchanged), not a second one (it was inserted, and the risk features counted the report twice). A report of
    another day is still new, and a row sent beside its own id in one file is still a second report."""
    assert send(engine, tmp_path / "a", [["F1", "2026-02-03", "high", "HV-9"]]) == {"inserted": 0, "updated": 1,
                                                                                    "unchanged": 0}  # fmt: skip
    old = [["F1", "2026-02-03", "high"], ["F1", "2026-02-04", "high"]]
    assert send(engine, tmp_path / "b", old, HEADER_OLD) == {"inserted": 1, "updated": 0, "unchanged": 1}
    assert send(engine, tmp_path / "c", old, HEADER_OLD) == {"inserted": 0, "updated": 0, "unchanged": 2}
    assert [r[1] for r in stored(engine)] == ["2026-02-04|high", "id:HV-9"]
    both = [["F1", "2026-02-03", "high", ""], ["F1", "2026-02-03", "high", "HV-9"]]
    assert send(engine, tmp_path / "d", both) == {"inserted": 1, "updated": 0, "unchanged": 1}


# --- withdrawal -------------------------------------------------------------------------------------------------


def test_withdrawal_removes_exactly_that_row_and_logs_it(engine: Engine, tmp_path: Path) -> None:
    send(engine, tmp_path / "a", [["F2", "2026-05-04", "high", "HV-1"], ["F2", "2026-05-04", "high", "HV-2"]])
    done = withdraw_concern(engine, "F2", "HV-1")
    assert done is not None and (done.facility_id, done.concern_id, done.date, done.severity) == (
        "F2", "HV-1", dt.date(2026, 5, 4), "high",
    )  # fmt: skip
    assert [r[4] for r in stored(engine)] == [None, "HV-2"]
    with engine.connect() as conn:
        query = select(ImportBatchRow.id, ImportBatchRow.source, ImportBatchRow.summary)
        batch = conn.execute(query.order_by(ImportBatchRow.id.desc())).first()
    assert batch is not None and batch.id == done.batch_id
    assert batch.source == "tilbagetrukket: concerns F2 HV-1"
    assert batch.summary["withdrawn"] == {
        "concerns": [{"facility_id": "F2", "concern_id": "HV-1", "date": "2026-05-04", "severity": "high"}]
    }
    assert withdraw_concern(engine, "F2", "HV-1") is None  # gone: nothing more written
    assert withdraw_concern(engine, "F3", "HV-2") is None  # another tilbud's id
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_batches")).scalar_one() == 3


# --- migration ----------------------------------------------------------------------------------------------------


def test_the_migration_keeps_every_stored_concern_under_its_old_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = make_engine(url)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        conn.execute(text(
            "INSERT INTO facilities (facility_id, name, authority, postcode, facility_type, ownership, places, "
            "approved_on, has_board, respite_only) VALUES ('F1', 'Gammel', 'midt', '8000', 'sel108', 'kommunal', 3, "
            "'2020-01-01', 0, 0)"
        ))  # fmt: skip
        conn.execute(text("INSERT INTO concerns VALUES ('F1', '2026-02-03', 'high'), ('F1', '2026-02-03', 'low')"))
    old.dispose()
    engine = open_database(Settings(database_url=url))
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert stored(engine) == [
        ("F1", "2026-02-03|high", "2026-02-03", "high", None),
        ("F1", "2026-02-03|low", "2026-02-03", "low", None),
    ]
    concerns = load_dataset(engine).concerns
    assert concerns["concern_id"].isna().all() and list(concerns["severity"]) == ["high", "low"]
    assert pd.Timestamp("2026-02-03") == concerns["date"].iat[0]

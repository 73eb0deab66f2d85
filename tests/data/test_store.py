"""Storage: Alembic schema equals the metadata, transactional upsert, idempotent re-import, status."""

from __future__ import annotations

import datetime as dt
import hashlib
import types
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, update
from sqlalchemy.engine import Engine

import data.store as store
from data.dataset import Dataset
from data.db import Base, FacilityRow, ImportBatchRow, IndicatorScoreRow, make_engine
from data.errors import ValidationFailed
from data.importer import ImportResult, read_upload
from data.settings import Settings
from data.store import (
    current_revision,
    database_status,
    head_revision,
    import_batches,
    import_stamp,
    load_dataset,
    load_reference_data,
    open_database,
    save_upload,
)
from tests.factories import AS_OF, small_dataset, sorted_by_key
from tests.fixtures.uploads import write_csv_folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upload(ds: Dataset, folder: Path, existing: Dataset | None = None) -> ImportResult:
    return read_upload(write_csv_folder(ds, folder), today=AS_OF, existing=existing)


def assert_same_dataset(a: Dataset, b: Dataset) -> None:
    """The same rows, in any order (``load_dataset`` sorts them by key)."""
    a, b = sorted_by_key(a), sorted_by_key(b)
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(frame, b.tables()[name], obj=name)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(Settings(home=tmp_path / "home"))


def count(engine: Engine, row: type[Base]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(row.__table__)).scalar_one())


# --- schema --------------------------------------------------------------------------------------------


def test_migrated_schema_equals_the_metadata(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert current_revision(engine) == head_revision()


def test_opening_a_database_at_head_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    open_database(settings).dispose()
    db = tmp_path / "tilsynsplan.db"
    before = sha(db)
    engine = open_database(settings)
    load_dataset(engine)
    engine.dispose()
    assert sha(db) == before


def test_four_connections_opening_a_new_database_at_once_all_find_it_at_head(tmp_path: Path) -> None:
    """The web app's workers (or an import beside them) opening a new SQLite database at the same moment: both
    ran the first migration, and the second died on "table alembic_version already exists" (8 of 10 trials of
    four processes). The first now holds the write lock while it migrates; the others wait and find head."""
    from tests.factories import at_once

    for trial in range(6):
        settings = Settings(home=tmp_path / str(trial), database_busy_timeout_s=60)
        _, errors = at_once(lambda settings=settings: open_database(settings).dispose(), threads=4, times=1)
        assert errors == []
        engine = open_database(settings)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert current_revision(engine) == head_revision()
        engine.dispose()


def test_a_database_made_before_migrations_is_stamped_and_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    legacy = make_engine(url)
    Base.metadata.create_all(legacy)
    with legacy.begin() as conn:
        conn.execute(
            FacilityRow.__table__.insert().values(
                facility_id="F1", name="Gammel", authority="midt", postcode="8000", facility_type="sel108",
                ownership="kommunal", places=3, approved_on=dt.date(2020, 1, 1), has_board=False, respite_only=False,
            )
        )  # fmt: skip
    legacy.dispose()
    engine = open_database(Settings(database_url=url))
    assert current_revision(engine) == head_revision()
    assert list(load_dataset(engine).facilities["name"]) == ["Gammel"]


def test_migrations_ship_inside_the_package() -> None:
    assert (store.MIGRATIONS_DIR / "env.py").is_file()
    assert (store.MIGRATIONS_DIR / "script.py.mako").is_file()
    assert store.MIGRATIONS_DIR.parent == Path(store.__file__).resolve().parent


# --- saving --------------------------------------------------------------------------------------------


def test_save_and_load_round_trip(engine: Engine, tmp_path: Path) -> None:
    summary = save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    assert summary.inserted == 41 and summary.updated == 0 and summary.unchanged == 0
    assert summary.tables["indicator_scores"].inserted == 15
    assert_same_dataset(load_dataset(engine), small_dataset())


def test_load_dataset_returns_every_table_sorted_by_its_key(engine: Engine, tmp_path: Path) -> None:
    """The order does not follow the file or the database's storage (PostgreSQL returns rows in heap order):
    the model's fit and the ranks' ties follow it, so the same data must load in the same order everywhere."""
    ds = small_dataset()
    shuffled = ds.with_tables(**{name: frame.iloc[::-1] for name, frame in ds.tables().items()})
    save_upload(engine, upload(shuffled, tmp_path / "a"), "omvendt")
    loaded = load_dataset(engine)
    assert loaded.facilities["facility_id"].tolist() == ["F1", "F2", "F3", "F4", "F5", "F6"]
    scores = loaded.indicator_scores
    assert list(zip(scores["visit_id"], scores["indicator"], strict=True)) == sorted(
        zip(scores["visit_id"], scores["indicator"], strict=True)
    )
    for name, frame in sorted_by_key(ds).tables().items():
        pd.testing.assert_frame_equal(frame, loaded.tables()[name], obj=name)


def test_importing_the_same_files_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    counts = database_status(engine).rows
    again = upload(small_dataset(), tmp_path / "a", existing=load_reference_data(engine))
    summary = save_upload(engine, again, "anden")
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 0, 41)
    assert all(t.unchanged == t.rows for t in summary.tables.values())
    assert database_status(engine).rows == counts
    assert count(engine, ImportBatchRow) == 2
    assert_same_dataset(load_dataset(engine), small_dataset())


def test_a_newer_export_updates_changed_rows_and_keeps_missing_ones(engine: Engine, tmp_path: Path) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F1", "name"] = "Bostedet Egebakken (nyt navn)"
    fac.loc[fac["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2026-06-30")
    scores = ds.indicator_scores.copy()
    scores.loc[(scores["visit_id"] == "V2") & (scores["indicator"] == "4.a"), "score"] = 3
    scores = pd.concat([scores, pd.DataFrame([{"visit_id": "V4", "indicator": "4.a", "score": 4}])])
    newer = ds.with_tables(facilities=fac, indicator_scores=scores, concerns=ds.concerns.iloc[0:0])
    summary = save_upload(engine, upload(newer, tmp_path / "b", existing=load_reference_data(engine)), "nyere")
    f = summary.tables["facilities"]
    assert (f.inserted, f.updated, f.unchanged) == (0, 2, 4)
    s = summary.tables["indicator_scores"]
    assert (s.inserted, s.updated, s.unchanged) == (1, 1, 14)
    assert "concerns" not in summary.tables  # an empty table is not written by the folder writer
    stored = load_dataset(engine)
    assert stored.facilities.set_index("facility_id").loc["F1", "name"] == "Bostedet Egebakken (nyt navn)"
    assert stored.facilities.set_index("facility_id").loc["F3", "closed_on"] == pd.Timestamp("2026-06-30")
    assert len(stored.indicator_scores) == 16
    assert len(stored.concerns) == 1  # rows missing from a newer export are not deleted


def test_a_failure_midway_stores_nothing(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    before = load_dataset(engine)
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac["name"] = fac["name"] + " (ændret)"
    result = upload(ds.with_tables(facilities=fac), tmp_path / "b", existing=before)
    real = store._upsert
    calls: list[str] = []

    def failing(conn, name, frame, progress, keep=()):  # type: ignore[no-untyped-def]
        calls.append(name)
        if name == "visits":
            raise RuntimeError("disk full")
        return real(conn, name, frame, progress, keep=keep)

    monkeypatch.setattr(store, "_upsert", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        save_upload(engine, result, "afbrudt")
    assert calls == ["facilities", "inspectors", "visits"]  # facilities were written, then rolled back
    assert_same_dataset(load_dataset(engine), before)
    assert count(engine, ImportBatchRow) == 1


def test_progress_is_reported_per_table(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "CHUNK_ROWS", 4)
    seen: list[tuple[str, int, int]] = []
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "x", progress=lambda t, d, n: seen.append((t, d, n)))
    scores = [s for s in seen if s[0] == "indicator_scores"]
    assert scores == [("indicator_scores", d, 15) for d in (0, 4, 8, 12, 15, 15)]
    assert {t for t, _, _ in seen} == set(small_dataset().row_counts()) - {"locked_visits"}


def test_an_upsert_builds_python_rows_a_chunk_at_a_time_and_none_for_unchanged_rows(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2.2-million-row ``use_of_force.csv`` peaked at 1.5 GB on its re-import: every row was turned into Python values
    (and the stored table read as rows) before the first was compared, also when none was written."""
    monkeypatch.setattr(store, "CHUNK_ROWS", 4)
    real = store._python_columns
    sizes: list[int] = []

    def counting(frame: pd.DataFrame, name: str) -> dict[str, list[object]]:
        sizes.append(len(frame))
        return real(frame, name)

    monkeypatch.setattr(store, "_python_columns", counting)
    first = save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    assert first.inserted == 41 and sum(sizes) == 41 and max(sizes) == 4
    sizes.clear()
    again = save_upload(engine, upload(small_dataset(), tmp_path / "a", existing=load_reference_data(engine)), "anden")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 41)
    assert sizes == []
    assert_same_dataset(load_dataset(engine), small_dataset())  # read back 4 rows at a time


def test_a_stored_text_repeated_in_a_column_is_read_as_one_object(engine: Engine, tmp_path: Path) -> None:
    """The driver makes a string per cell: a ``facility_id`` and a ``kind`` per row of a large ``use_of_force`` took
    more memory than the rest of the table."""
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    visit_ids = load_dataset(engine).indicator_scores["visit_id"]
    assert visit_ids.nunique() < len(visit_ids)
    assert len({id(v) for v in visit_ids}) == visit_ids.nunique()


def test_import_batch_records_the_summary_and_warnings(engine: Engine, tmp_path: Path) -> None:
    folder = write_csv_folder(small_dataset(), tmp_path / "a")
    text = (folder / "concerns.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",kilde"
    text[1] += ",telefon"
    (folder / "concerns.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = read_upload(folder, today=AS_OF)
    summary = save_upload(engine, result, "mappe a")
    with engine.connect() as conn:
        row = conn.execute(select(ImportBatchRow.__table__)).mappings().one()
    assert row["id"] == summary.batch_id and row["source"] == "mappe a"
    assert row["summary"]["tables"]["concerns"] == {
        "table": "concerns",
        "rows": 1,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert row["summary"]["files"]["concerns"]["unknown_columns"] == ["kilde"]
    assert row["summary"]["warning_count"] == 1


# --- reading and status ---------------------------------------------------------------------------------


def test_status_counts_ranges_and_authorities(engine: Engine, tmp_path: Path) -> None:
    empty = database_status(engine)
    assert empty.empty and empty.last_import is None and empty.imports == 0
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    status = database_status(engine)
    assert (
        status.rows["facilities"] == 6 and status.rows["indicator_scores"] == 15 and status.rows["locked_visits"] == 0
    )
    assert status.date_ranges["visits.date"] == (dt.date(2023, 11, 2), dt.date(2025, 9, 15))
    assert status.date_ranges["use_of_force.month"] == (dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert status.date_ranges["sanctions.date"] == (dt.date(2025, 4, 20), dt.date(2025, 4, 20))
    assert status.facilities_per_authority == {"midt": 3, "nord": 3}
    assert status.last_import is not None and status.last_import["inserted"] == 41
    assert status.date_ranges["concerns.date"] == (dt.date(2026, 2, 3), dt.date(2026, 2, 3))


def test_load_one_authority(engine: Engine, tmp_path: Path) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    nord = load_dataset(engine, authority="nord")
    assert sorted(nord.facilities["facility_id"]) == ["F4", "F5", "F6"]
    assert sorted(nord.visits["visit_id"]) == ["V5", "V6"]
    assert sorted(nord.indicator_scores["visit_id"].unique()) == ["V5", "V6"]
    assert list(nord.inspectors["inspector_id"]) == ["I3"]


def test_status_counts_active_facilities_apart_from_closed_ones(engine: Engine, tmp_path: Path) -> None:
    tables = small_dataset().tables()
    facilities = tables["facilities"].copy()
    facilities["closed_on"] = pd.NaT
    facilities.loc[facilities["facility_id"] == "F4", "closed_on"] = pd.Timestamp("2026-03-01")
    facilities.loc[facilities["facility_id"] == "F5", "closed_on"] = pd.Timestamp("2026-09-30")
    tables["facilities"] = facilities
    save_upload(engine, upload(Dataset.from_frames(tables), tmp_path / "a"), "lukninger")
    assert database_status(engine, dt.date(2026, 6, 1)).active_per_authority == {"midt": 3, "nord": 2}
    after = database_status(engine, dt.date(2026, 10, 1))
    assert after.active_per_authority == {"midt": 3, "nord": 1}
    assert after.facilities_per_authority == {"midt": 3, "nord": 3}
    assert dict(after.active_per_authority) == {"midt": 3, "nord": 1}


def test_reference_data_holds_only_what_uploads_may_point_at(engine: Engine, tmp_path: Path) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    refs = load_reference_data(engine)
    assert (len(refs.facilities), len(refs.inspectors), len(refs.visits)) == (6, 3, 6)
    assert refs.indicator_scores.empty and refs.concerns.empty


class CountingTables(store.StoredTables):
    """``StoredTables`` that records which tables the importer read."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.read: list[str] = []

    def table(self, table: str) -> pd.DataFrame:
        self.read.append(table)
        return super().table(table)


def test_stored_tables_are_read_only_when_the_upload_changes_what_their_rows_depend_on(
    engine: Engine, tmp_path: Path
) -> None:
    """The import is checked with the stored rows, but a re-import of the same files reads no dated records (and the
    score tables only because both kinds are stored: a theme score is compared with the visit's indicators)."""
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    stored = CountingTables(engine)
    assert stored.counts["concerns"] == 1 and stored.has_rows("visits") and not stored.has_rows("locked_visits")
    upload(small_dataset(), tmp_path / "a", existing=stored)
    assert set(stored.read) <= {"facilities", "inspectors", "visits", "indicator_scores", "theme_scores"}
    # a new approval date in facilities.csv alone: F1's stored visits refuse it, its stored concern and sanction
    # (read now) are warnings
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F1", "approved_on"] = pd.Timestamp("2026-03-01")
    stored = CountingTables(engine)
    folder = write_csv_folder(ds.with_tables(facilities=fac), tmp_path / "b", tables=["facilities"])
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=stored)
    assert {"concerns", "sanctions", "use_of_force"} <= set(stored.read)
    assert [(v.file, v.row, v.column, v.rule) for v in info.value.violations] == [
        ("facilities.csv", 2, "approved_on", "not_before_stored")
    ] * 2
    assert ["V1" in v.message for v in info.value.violations] == [True, False]
    assert [w.rule for w in info.value.warnings] == ["before_approval_stored"] * 2


def test_scores_are_stored_under_their_natural_key(engine: Engine, tmp_path: Path) -> None:
    save_upload(engine, upload(small_dataset(), tmp_path / "a"), "første")
    with engine.connect() as conn:
        pk = [c.name for c in IndicatorScoreRow.__table__.primary_key.columns]
        score = conn.execute(
            select(IndicatorScoreRow.score).where(
                IndicatorScoreRow.visit_id == "V2", IndicatorScoreRow.indicator == "4.b"
            )
        ).scalar_one()
    assert pk == ["visit_id", "indicator"]
    assert score == 1


def test_last_unannounced_visit_is_stored_and_read_back(engine: Engine, tmp_path: Path) -> None:
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac["last_unannounced_visit"] = pd.to_datetime(fac["facility_id"].map({"F1": "2024-05-02"}))
    ds = ds.with_tables(facilities=fac)
    save_upload(engine, upload(ds, tmp_path / "a"), "kort eksport")
    stored = load_dataset(engine).facilities.set_index("facility_id")["last_unannounced_visit"]
    assert stored["F1"] == pd.Timestamp("2024-05-02") and stored.drop("F1").isna().all()


def test_an_optional_column_left_out_of_a_newer_export_keeps_the_stored_values(engine: Engine, tmp_path: Path) -> None:
    """A facilities.csv without closed_on (an optional column) wiped the stored closing dates: closed tilbud
    came back as active. A column the file does not have keeps what is stored; new rows get its default."""
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2026-06-30")
    fac["last_unannounced_visit"] = pd.to_datetime(fac["facility_id"].map({"F1": "2024-05-02"}))
    save_upload(engine, upload(ds.with_tables(facilities=fac), tmp_path / "a"), "første")
    folder = write_csv_folder(ds, tmp_path / "b")
    path = folder / "facilities.csv"
    trimmed = pd.read_csv(path, dtype=str, keep_default_na=False)
    trimmed = trimmed.drop(columns=[c for c in ("closed_on", "last_unannounced_visit") if c in trimmed])
    trimmed.loc[trimmed["facility_id"] == "F1", "name"] = "Bostedet Egebakken (nyt navn)"
    trimmed.to_csv(path, index=False)
    result = read_upload(folder, today=AS_OF, existing=load_reference_data(engine))
    assert {"closed_on", "last_unannounced_visit"} <= set(result.files["facilities"].defaulted_columns)
    summary = save_upload(engine, result, "uden closed_on")
    f = summary.tables["facilities"]
    assert (f.inserted, f.updated) == (0, 1)  # only the new name
    stored = load_dataset(engine).facilities.set_index("facility_id")
    assert stored.loc["F3", "closed_on"] == pd.Timestamp("2026-06-30")
    assert stored.loc["F1", "last_unannounced_visit"] == pd.Timestamp("2024-05-02")
    assert stored.loc["F1", "name"] == "Bostedet Egebakken (nyt navn)"


def test_the_stored_row_of_each_uploaded_key_is_found_by_every_key_column() -> None:
    """The upsert's lookup of an uploaded key among the stored keys (it was a merge of the two frames): a key matches
    only when every column does, and a value never stored is new."""
    frame = pd.DataFrame({"facility_id": ["F1", "F2", "F3", "F1"], "year": [2024, 2025, 2024, 2025]})
    stored = pd.DataFrame({"facility_id": ["F2", "F1", "F1"], "year": [2025, 2024, 2023]})
    assert store._stored_positions(frame, stored, ["facility_id", "year"]).tolist() == [1, 0, -1, -1]


# --- import times ----------------------------------------------------------------------------------------


def import_at(engine: Engine, folder: Path, moment: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import while the clock shows the UTC ``moment`` (``datetime.now`` of the store as the clock gives it then:
    the local time with ``fold`` 1 in the repeated hour's second pass)."""
    at = dt.datetime.fromisoformat(moment)

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return dt.datetime.fromtimestamp(at.timestamp(), tz)

    with monkeypatch.context() as m:
        m.setattr(store, "dt", types.SimpleNamespace(**{**vars(dt), "datetime": Clock}))
        save_upload(engine, upload(small_dataset(), folder, existing=load_reference_data(engine)), moment)


def test_an_import_in_the_autumns_repeated_hour_keeps_its_own_offset(
    copenhagen: None, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored as the local time only, a batch imported at 02:30 in the second pass of the hour (01:30 UTC) was shown
    as 02:30+02:00, an hour before it happened, by the import log, the status and the API."""
    import_at(engine, tmp_path / "a", "2026-10-25T00:30:00+00:00", monkeypatch)  # the first 02:30
    import_at(engine, tmp_path / "a", "2026-10-25T01:30:00+00:00", monkeypatch)  # the second 02:30
    _, batches = import_batches(engine)
    assert [b.imported_at.astimezone().isoformat() for b in batches] == [
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T02:30:00+02:00",
    ]
    assert [b.imported_at.replace(fold=0) for b in batches] == [dt.datetime(2026, 10, 25, 2, 30)] * 2  # as before
    stamp = import_stamp(engine)
    assert stamp is not None and stamp[1].astimezone().isoformat() == "2026-10-25T02:30:00+01:00"
    last = database_status(engine).last_import
    assert last is not None and last["imported_at"] == "2026-10-25T02:30:00+01:00"
    with engine.connect() as conn:
        stored = conn.execute(select(ImportBatchRow.imported_at, ImportBatchRow.imported_at_utc)).all()
    assert [tuple(r) for r in stored] == [
        (dt.datetime(2026, 10, 25, 2, 30), dt.datetime(2026, 10, 25, 0, 30)),
        (dt.datetime(2026, 10, 25, 2, 30), dt.datetime(2026, 10, 25, 1, 30)),
    ]


def test_a_batch_stored_without_its_utc_time_reads_as_before(
    copenhagen: None, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch from before revision 0005 (no UTC time), or one whose local time a tool set by hand: its local time as
    stored, read as it always was."""
    import_at(engine, tmp_path / "a", "2026-10-25T01:30:00+00:00", monkeypatch)
    import_at(engine, tmp_path / "a", "2026-11-02T09:00:00+00:00", monkeypatch)
    with engine.begin() as conn:
        conn.execute(update(ImportBatchRow).where(ImportBatchRow.id == 1).values(imported_at_utc=None))
        conn.execute(
            update(ImportBatchRow).where(ImportBatchRow.id == 2).values(imported_at=dt.datetime(2026, 11, 2, 12, 0))
        )
    _, batches = import_batches(engine)
    assert [b.imported_at.astimezone().isoformat() for b in batches] == [
        "2026-11-02T12:00:00+01:00",
        "2026-10-25T02:30:00+02:00",
    ]

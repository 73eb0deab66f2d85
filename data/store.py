"""Storage of a tilsyn's data: open (and migrate) the database, save an upload, load the Dataset, report
what is loaded.

- :func:`open_database` returns an engine on ``settings.resolved_database_url`` (a SQLite file by
  default, PostgreSQL through ``postgresql+psycopg://...``) with the newest schema: the Alembic
  migrations in ``data/migrations`` run automatically (a no-op when the database is at head).
  :func:`database` is the same as a context manager that always disposes the engine (optionally
  refusing, with ``NoDataError``, to create a database that is not there yet).
- :func:`save_upload` stores a checked upload in **one transaction**: every table of the upload and
  the import batch record are committed together or not at all (a crash or SIGKILL midway leaves the
  database as it was: SQLite's rollback journal / PostgreSQL's WAL undo the open transaction).
  Rows are upserted by each file's key (``FileSpec.key``, the tables' primary keys): new keys are
  inserted, stored keys with different values updated, identical rows left alone; nothing is deleted
  (see :mod:`data.importer` for the semantics).
- :func:`load_dataset` reads everything back as a :class:`~data.dataset.Dataset`;
  :func:`facility_exists`, :func:`facility_count` and :func:`import_stamp` answer with one query each
  (whether an id is stored, how many are, which import is the newest) for callers that keep a loaded
  Dataset or need not load one.
- :func:`database_status` summarises what is loaded.

Test-only hook: when the environment variable ``TILSYNSPLAN_TEST_IMPORT_PAUSE_S`` is set,
:func:`save_upload` sleeps that many seconds after writing each table (inside the transaction), so a
test can kill the process while it is writing. It is not a setting and has no other use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, and_, bindparam, func, insert, inspect, or_, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError

from data.calendar import add_months
from data.contract import FILE_BY_NAME, FILES, Kind
from data.dataset import Dataset, coerce_frame, empty_frame, stale_data_note
from data.db import (
    CONCERN_ID_KEY_PREFIX,
    CONTRACT_TABLES,
    ConcernRow,
    FacilityRow,
    ImportBatchRow,
    LockedVisitRow,
    make_engine,
    one_writer_at_a_time,
    sqlite_write_lock,
)
from data.errors import ConcurrentWriteError, NoDataError, StoredDataChanged, Violation, warning_total
from data.importer import REFERENCE_TABLES, ImportResult, mask_cpr
from data.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
INITIAL_REVISION = "0001"
CHUNK_ROWS = 20_000
_PAUSE_ENV = "TILSYNSPLAN_TEST_IMPORT_PAUSE_S"
#: The PostgreSQL advisory lock held while the schema is migrated (any constant; "tilsynsp" in ASCII).
_MIGRATION_LOCK = 0x74696C73796E7370

#: ``progress(table, rows_done, rows_total)``, called while a table is written.
Progress = Callable[[str, int, int], None]

#: Dated columns shown by :func:`database_status` (table, column).
DATED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("visits", "date"),
    ("concerns", "date"),
    ("sanctions", "date"),
    ("use_of_force", "month"),
)


# --- schema ----------------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code (the package works installed, without an ``alembic.ini``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema. Writes nothing when it is already there."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    with engine.begin() as conn:
        # Two processes opening a new database at once (the web app's workers, an import beside it) both created
        # the schema and one died ("table alembic_version already exists" or a unique violation): the second now
        # waits for the first (up to the busy/lock timeout) and finds the schema at head. SQLite did not serialise
        # it by itself (its driver runs CREATE TABLE outside a transaction): 8 of 10 trials of four processes
        # failed before the write lock was taken here.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            sqlite_write_lock(conn)
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        config = alembic_config(conn)
        if current is None and inspect(conn).has_table(FacilityRow.__tablename__):
            # Made by ``create_all`` before migrations existed: that is the initial schema.
            log.info("stamping an unversioned database at %s", INITIAL_REVISION)
            command.stamp(config, INITIAL_REVISION)
        log.info("migrating database from %s to %s", current, head)
        command.upgrade(config, "head")


def sqlite_path(settings: Settings) -> Path | None:
    """The database file when the URL is a SQLite file, else ``None``."""
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def database_exists(settings: Settings) -> bool:
    """Whether there is a database to read (a SQLite file that exists; any server URL counts as existing)."""
    path = sqlite_path(settings)
    return path is None or path.exists()


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database with the newest schema."""
    engine = make_engine(settings.resolved_database_url, busy_timeout_s=settings.database_busy_timeout_s)
    migrate(engine)
    return engine


@contextmanager
def database(settings: Settings, *, missing: str | None = None) -> Iterator[Engine]:
    """:func:`open_database` for the ``with`` block; the engine is disposed when the block ends.

    ``missing``: when given and there is no database yet (:func:`database_exists`), raise
    ``NoDataError(missing)`` instead of creating one (a read never creates a database).
    """
    if missing is not None and not database_exists(settings):
        raise NoDataError(missing)
    engine = open_database(settings)
    try:
        yield engine
    finally:
        engine.dispose()


# --- reading -----------------------------------------------------------------------------------------


def _read_table(conn: Connection, name: str) -> pd.DataFrame:
    """A stored table as a frame, its rows sorted by the file's key.

    The order is fixed here, not left to the database: a ``SELECT`` without ``ORDER BY`` returns SQLite's rows
    in insertion order but PostgreSQL's in heap order (an insert fills free space in earlier pages), and the
    model's fit and the ranks' ties follow the rows' order, so the same data gave another model on PostgreSQL.
    Sorted in pandas (code-point order), not by ``ORDER BY``, whose order of text follows the server's
    collation.

    Read :data:`CHUNK_ROWS` rows at a time, each chunk brought to the table's dtypes at once, and a text seen
    before in a column kept once (the driver makes a new string per cell: 2.2 million rows of ``use_of_force``
    held a ``facility_id`` and a ``kind`` string each). Reading the whole result as rows first took 1 GB more
    than the data for that table, and a re-import of it peaked at 1.5 GB (``bench/import_speed.py
    --big-use-of-force``)."""
    table: Table = CONTRACT_TABLES[name].__table__  # type: ignore[assignment]
    result = conn.execute(select(table).execution_options(yield_per=CHUNK_ROWS))
    names = list(result.keys())
    chunks = []
    for rows in result.partitions():
        columns = zip(*rows, strict=True)  # rows -> columns (plain tuples: fast to build a frame from)
        chunk = pd.DataFrame({n: pd.Series(values, dtype=object) for n, values in zip(names, columns, strict=True)})
        chunk = coerce_frame(name, chunk)  # drops storage-only columns (concerns.concern_key)
        for n in chunk.select_dtypes(include="object").columns:
            chunk[n] = _shared_values(chunk[n])
        chunks.append(chunk)
    if not chunks:
        return empty_frame(name)
    frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    del chunks
    return frame.sort_values(list(FILE_BY_NAME[name].order), kind="stable", ignore_index=True)


def _shared_values(column: pd.Series) -> pd.Series:
    """An object column whose equal values are one object each (the first of them); missing ones ``None``."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object))
    pool = np.empty(len(uniques) + 1, dtype=object)  # the last one stays None: code -1 (missing) takes it
    pool[:-1] = uniques
    values = pool[codes]
    return pd.Series(values, index=column.index, dtype=object)


def load_dataset(engine: Engine, authority: str | None = None) -> Dataset:
    """Everything stored, as a ``Dataset`` (optionally one authority's facilities and what hangs on them)."""
    with engine.connect() as conn:
        frames = {spec.name: _read_table(conn, spec.name) for spec in FILES}
    ds = Dataset(**frames)
    if authority is None:
        return ds
    return restrict_to_authority(ds, authority)


def load_tables(engine: Engine, names: Sequence[str]) -> Dataset:
    """Only the tables ``names`` (contract table names) as a ``Dataset``; the others are empty."""
    with engine.connect() as conn:
        frames = {name: _read_table(conn, name) for name in names}
    return Dataset.from_frames(frames)


def facility_exists(engine: Engine, facility_id: str) -> bool:
    """Whether a facility with this id is stored (one query by the key: a page for an unknown id need not
    load anything else)."""
    facilities: Table = FacilityRow.__table__  # type: ignore[assignment]
    query = select(facilities.c.facility_id).where(facilities.c.facility_id == facility_id).limit(1)
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def facility_count(engine: Engine) -> int:
    """How many facilities are stored (one query)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(FacilityRow.__table__)).scalar_one())


def import_stamp(engine: Engine) -> tuple[int, dt.datetime] | None:
    """The newest import batch (id, time), ``None`` before the first. :func:`save_upload` writes it in the
    transaction that writes the rows, so it changes whenever an import can have changed the stored data
    (locked visits, written by ``tilsynsplan lock``, are not imports)."""
    batches: Table = ImportBatchRow.__table__  # type: ignore[assignment]
    query = select(batches.c.id, batches.c.imported_at, batches.c.imported_at_utc).order_by(batches.c.id.desc())
    with engine.connect() as conn:
        row = conn.execute(query.limit(1)).first()
    return None if row is None else (int(row[0]), _stored_time(row[1], row[2]))


#: The facility columns a risk list shows beside a stored run's scores.
MASTER_COLUMNS = ("facility_id", "name", "authority", "facility_type", "ownership")


def facility_master_digest(engine: Engine) -> str:
    """A SHA-256 of the stored facilities' :data:`MASTER_COLUMNS` (one query of a few columns: about 10 ms at
    2,000 tilbud): it changes exactly when a risk list read from a stored run would show another name, socialtilsyn,
    type or ownership. (The newest import changes with every push of concerns, which changes none of them.)"""
    facilities: Table = FacilityRow.__table__  # type: ignore[assignment]
    query = select(*(facilities.c[c] for c in MASTER_COLUMNS)).order_by(facilities.c.facility_id)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for row in conn.execute(query):
            digest.update(json.dumps(list(row), default=str, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class ImportBatch:
    """One stored import batch as the log keeps it: ``tables`` holds, per contract table, the counts the import
    stored (``rows``, ``inserted``, ``updated``, ``unchanged``); ``imported_at`` is the server's local time (naive; in
    the hour repeated when summer time ends, ``fold`` says which pass, known for batches stored with their UTC time)."""

    id: int
    imported_at: dt.datetime
    source: str
    tables: dict[str, dict[str, int]]
    warnings: int


def import_batches(
    engine: Engine,
    *,
    after_id: int | None = None,
    since: dt.datetime | None = None,
    since_utc: dt.datetime | None = None,
    offset: int = 0,
    top: int | None = None,
) -> tuple[int, list[ImportBatch]]:
    """The import batches, newest first: those after batch ``after_id`` and/or imported at or after ``since`` (the
    server's local time, naive, as stored), then the page of ``top`` from ``offset``. Returns the count before the
    page and the page. With ``since_utc`` (the same moment in UTC, naive; only with ``since``) a batch stored with
    its UTC time (revision 0005) is compared by that, exactly also in the hour repeated when summer time ends;
    ``since`` then bounds only the batches stored before, which have their local time alone."""
    if since_utc is not None and since is None:
        raise ValueError("since_utc needs since, the bound of the batches stored without a UTC time")
    batches: Table = ImportBatchRow.__table__  # type: ignore[assignment]
    where = []
    if after_id is not None:
        where.append(batches.c.id > after_id)
    if since_utc is not None:
        legacy = batches.c.imported_at_utc.is_(None)
        utc_bound = and_(~legacy, batches.c.imported_at_utc >= since_utc)
        where.append(or_(utc_bound, and_(legacy, batches.c.imported_at >= since)))
    elif since is not None:
        where.append(batches.c.imported_at >= since)
    query = select(batches).where(*where).order_by(batches.c.id.desc()).offset(offset)
    if top is not None:
        query = query.limit(top)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(batches).where(*where)).scalar_one())
        rows = conn.execute(query).mappings().all()
    out = []
    for row in rows:
        summary = row["summary"] or {}
        tables = {
            str(name): {k: int(counts.get(k, 0)) for k in ("rows", "inserted", "updated", "unchanged")}
            for name, counts in (summary.get("tables") or {}).items()
        }
        out.append(
            ImportBatch(
                id=int(row["id"]),
                imported_at=_stored_time(row["imported_at"], row["imported_at_utc"]),
                source=str(row["source"]),
                tables=tables,
                warnings=int(summary.get("warning_count", 0)),
            )
        )
    return total, out


def load_reference_data(engine: Engine) -> Dataset:
    """What an upload may refer to without sending it again: facilities, inspectors and visits (the
    other tables are left empty). To check an upload, pass :class:`StoredTables` as the importer's ``existing``:
    here the other tables look empty."""
    with engine.connect() as conn:
        frames = {name: _read_table(conn, name) for name in REFERENCE_TABLES}
    return Dataset.from_frames(frames)


class StoredTables:
    """What the database holds, as the importer reads it (:class:`data.importer.StoredData`, its ``existing``): the
    number of rows of every table, counted at once, and a table's rows, read when a rule first needs them (the
    reference tables for every upload, a table such as ``concerns`` only when the upload changes a value its stored
    rows depend on; see :func:`data.importer.check_upload`). Use it while the engine is open."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        with engine.connect() as conn:
            self.counts = {
                spec.name: int(
                    conn.execute(select(func.count()).select_from(CONTRACT_TABLES[spec.name].__table__)).scalar_one()
                )
                for spec in FILES
            }
        self._tables: dict[str, pd.DataFrame] = {}

    def has_rows(self, table: str) -> bool:
        return self.counts[table] > 0

    def table(self, table: str) -> pd.DataFrame:
        if table not in self._tables:
            with self._engine.connect() as conn:
                self._tables[table] = _read_table(conn, table)
        return self._tables[table]


def restrict_to_authority(ds: Dataset, authority: str) -> Dataset:
    """The part of a dataset that belongs to one authority (its facilities, inspectors and their records)."""
    fac = ds.facilities[ds.facilities["authority"] == authority]
    ids = set(fac["facility_id"])
    insp = ds.inspectors[ds.inspectors["authority"] == authority]
    insp_ids = set(insp["inspector_id"])
    visits = ds.visits[ds.visits["facility_id"].isin(ids)]
    vids = set(visits["visit_id"])
    return Dataset.from_frames(
        {
            "facilities": fac,
            "inspectors": insp,
            "visits": visits,
            "indicator_scores": ds.indicator_scores[ds.indicator_scores["visit_id"].isin(vids)],
            "theme_scores": ds.theme_scores[ds.theme_scores["visit_id"].isin(vids)],
            "use_of_force": ds.use_of_force[ds.use_of_force["facility_id"].isin(ids)],
            "staff_figures": ds.staff_figures[ds.staff_figures["facility_id"].isin(ids)],
            "concerns": ds.concerns[ds.concerns["facility_id"].isin(ids)],
            "sanctions": ds.sanctions[ds.sanctions["facility_id"].isin(ids)],
            "absences": ds.absences[ds.absences["inspector_id"].isin(insp_ids)],
            "locked_visits": ds.locked_visits[ds.locked_visits["facility_id"].isin(ids)],
        }
    )


# --- saving ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSummary:
    """What an import did to one table."""

    table: str
    rows: int
    inserted: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, int | str]:
        return {
            "table": self.table,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class ImportSummary:
    """The result of :func:`save_upload`: the batch id and, per file, inserted / updated / unchanged."""

    batch_id: int
    source: str
    imported_at: dt.datetime
    tables: dict[str, TableSummary]
    warnings: list[Violation] = field(default_factory=list)

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "imported_at": self.imported_at.isoformat(timespec="seconds"),
            "tables": {name: t.as_dict() for name, t in self.tables.items()},
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class CheckedAgainst:
    """The stored data an upload was checked against: the newest import batch when the check began (``None``: none
    yet). Read before the check reads the stored rows (:func:`newest_batch`)."""

    newest_batch: int | None


def newest_batch(engine: Engine) -> CheckedAgainst:
    """What an upload is about to be checked against: read it *before* the check reads the stored rows."""
    stamp = import_stamp(engine)
    return CheckedAgainst(None if stamp is None else stamp[0])


def save_upload(
    engine: Engine,
    result: ImportResult,
    source: str,
    progress: Progress | None = None,
    *,
    checked_against: CheckedAgainst | None = None,
) -> ImportSummary:
    """Store a checked upload in one transaction (upsert by key) and record the import batch. ``source`` (the
    upload's path or file names) is stored with CPR-like numbers masked, as every message shows them.

    ``checked_against``: the stored data the upload was checked against. When another import has stored a batch
    since, :class:`~data.errors.StoredDataChanged` is raised before anything is written, once the writers' lock is
    held: the check did not see that batch (two uploads each valid alone, one moving a tilbud's approval later and
    one adding a visit before it, were both stored), so the upload must be checked again."""
    source = mask_cpr(source)
    try:
        return _save_upload(engine, result, source, progress, checked_against)
    except IntegrityError as error:
        if not _unique_violation(error):
            raise  # a foreign key or NOT NULL the checks let through is a defect, not a race: not "send it again"
        raise ConcurrentWriteError() from error  # checked before another writer stored the same unique key


def _unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a duplicate of a unique key (PostgreSQL SQLSTATE 23505; SQLite's message)."""
    original = error.orig
    return getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(original)


def _now() -> dt.datetime:
    """This moment to the second, in UTC (aware): the time an import batch is stored at."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware ``moment`` as the server's local time, naive, with ``fold`` 1 in the second pass of the hour repeated
    when summer time ends (02:30 at 00:30 UTC is ``fold=0``, at 01:30 UTC ``fold=1``), so that ``astimezone()`` gives
    it its own offset again."""
    local = moment.astimezone().replace(tzinfo=None)
    if local.astimezone(dt.UTC) != moment and local.replace(fold=1).astimezone(dt.UTC) == moment:
        local = local.replace(fold=1)
    return local


def _stored_time(local: dt.datetime, utc: dt.datetime | None) -> dt.datetime:
    """A batch's time as the store answers it: the server's local time, naive, with the ``fold`` of its UTC time when
    that was stored (revision 0005) and is the same local time (else the local time as stored, ``fold`` 0)."""
    if utc is None:
        return local
    exact = _local(utc.replace(tzinfo=dt.UTC))
    return exact if exact == local else local


def _log_batch(conn: Connection, at: dt.datetime, source: str, summary: dict[str, Any]) -> int:
    """Record an import batch (an upload, a push, a withdrawal, an unlock) at the moment ``at`` (aware, see
    :func:`_now`) in the caller's transaction; returns its id. Stored as the server's local time and in UTC."""
    utc = at.astimezone(dt.UTC).replace(tzinfo=None)
    local = _local(at)
    batch_id = conn.execute(
        insert(ImportBatchRow).values(imported_at=local, imported_at_utc=utc, source=source, summary=summary)
    ).inserted_primary_key
    assert batch_id is not None
    return int(batch_id[0])


def _remove_row(conn: Connection, table: Table, where: tuple[Any, ...]) -> Any:
    """Delete the row of ``table`` matching ``where`` and return it as it was (``None`` when there is none), with the
    import writers' lock held, so that its removal is logged as a batch in the same transaction."""
    one_writer_at_a_time(conn, ImportBatchRow.__tablename__)
    row = conn.execute(select(table).where(*where)).mappings().first()
    if row is not None:
        conn.execute(table.delete().where(*where))
    return row


def _log_removal(conn: Connection, at: dt.datetime, label: str, table: str, what: str, record: dict[str, Any]) -> int:
    """Log one row removed by its key (a withdrawn concern report, an unlocked visit) as an import batch: one row of
    ``table``, nothing inserted or updated, the row as it was under ``summary[what]``."""
    summary = {
        "tables": {table: {"table": table, "rows": 1, "inserted": 0, "updated": 0, "unchanged": 0}},
        what: {table: [record]},
        "files": {},
        "warning_count": 0,
        "warnings": [],
    }
    return _log_batch(conn, at, label, summary)


def _save_upload(
    engine: Engine,
    result: ImportResult,
    source: str,
    progress: Progress | None,
    checked_against: CheckedAgainst | None,
) -> ImportSummary:
    pause = float(os.environ.get(_PAUSE_ENV, "0") or 0)
    now = _now()
    imported_at = _local(now)
    summaries: dict[str, TableSummary] = {}
    with engine.begin() as conn:
        # a second import waits for this one and then reads what it stored (it used to insert the same rows
        # and die on a unique violation when this one committed)
        one_writer_at_a_time(conn, ImportBatchRow.__tablename__)
        if checked_against is not None:
            batches: Table = ImportBatchRow.__table__  # type: ignore[assignment]
            newest = conn.execute(select(func.max(batches.c.id))).scalar()
            if newest != checked_against.newest_batch:
                raise StoredDataChanged()
        for name in result.tables:
            frame = result.dataset.tables()[name]
            report = result.files.get(name)
            keep = report.defaulted_columns if report is not None else ()
            summaries[name] = _upsert(conn, name, frame, progress, keep=keep)
            log.info("%s: %s", name, summaries[name])
            if pause:
                time.sleep(pause)
        batch_summary = {
            "tables": {name: s.as_dict() for name, s in summaries.items()},
            "files": {name: report.as_dict() for name, report in result.files.items()},
            "warning_count": warning_total(result.warnings),
            "warnings": [w.as_dict() for w in result.warnings[:200]],
        }
        batch_id = _log_batch(conn, now, source, batch_summary)
    return ImportSummary(
        batch_id=batch_id,
        source=source,
        imported_at=imported_at,
        tables=summaries,
        warnings=list(result.warnings),
    )


def _python_columns(frame: pd.DataFrame, name: str) -> dict[str, list[Any]]:
    """Columns as lists of plain Python values (``None`` for missing, ``date`` for dates), for the driver."""
    spec = FILE_BY_NAME[name]
    out: dict[str, list[Any]] = {}
    for col in spec.columns:
        s = frame[col.name]
        if col.kind in (Kind.DATE, Kind.MONTH):
            dates = s.dt.date.to_numpy(dtype=object)
            out[col.name] = [None if missing else d for missing, d in zip(s.isna().to_numpy(), dates, strict=True)]
        elif col.kind == Kind.DECIMAL:
            out[col.name] = s.astype(object).where(s.notna(), None).tolist()
        elif col.kind in (Kind.INT, Kind.BOOL):
            out[col.name] = s.tolist()
        else:
            out[col.name] = s.astype(object).where(s.notna(), None).tolist()
    return out


def _records(
    frame: pd.DataFrame, name: str, positions: np.ndarray, rename: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The rows of ``frame`` at ``positions`` as the driver's parameters (one dict per row; ``rename`` names some
    columns' parameters otherwise). Built for one chunk of rows at a time: the whole table as Python values took
    more memory than the frame (and a re-import of unchanged rows built them all for nothing)."""
    part = frame.iloc[positions]
    columns = _python_columns(part, name)
    if CONCERN_KEY in part:
        columns[CONCERN_KEY] = part[CONCERN_KEY].tolist()
    keys = [(rename or {}).get(n, n) for n in columns]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    both_missing = a.isna().to_numpy() & b.isna().to_numpy()
    if not len(a):
        return np.zeros(0, dtype=bool)
    if a.dtype == b.dtype and a.dtype != object:  # numbers, dates, booleans: compared as they are held
        equal = a.to_numpy() == b.to_numpy()
    else:  # as objects (a Timestamp per date took 100 MB more for 2 million rows)
        equal = a.to_numpy(dtype=object) == b.to_numpy(dtype=object)
    return np.asarray(equal, dtype=bool) | both_missing


def _stored_positions(frame: pd.DataFrame, stored: pd.DataFrame, key: list[str]) -> np.ndarray:
    """For each row of ``frame``, the position of the stored row with its ``key`` (both unique by key), -1 when
    there is none. Each key column's values are numbered over both frames and the numbers combined into one per row,
    looked up in the stored rows sorted: a ``merge`` on the key columns held the upload's rows beside the stored
    ones and took 250 MB more than both for 2.2 million rows of ``use_of_force``."""
    mine, theirs = np.zeros(len(frame), dtype=np.int64), np.zeros(len(stored), dtype=np.int64)
    size = 1  # the combined numbers are below this
    for col in key:
        codes, uniques = pd.factorize(stored[col])
        # the upload's values by the stored ones' numbers; one never stored is len(uniques), which no stored row has
        given = pd.Index(uniques).get_indexer(frame[col])
        given[given < 0] = len(uniques)
        radix = len(uniques) + 1
        if size * radix >= 2**62:  # renumbered (never for the contract's keys, but the product must not overflow)
            both = pd.factorize(np.concatenate([mine, theirs]))[0]
            mine, theirs, size = both[: len(mine)], both[len(mine) :], int(both.max()) + 1
        mine, theirs, size = mine * radix + given, theirs * radix + codes, size * radix
    order = np.argsort(theirs, kind="stable")
    ordered = theirs[order]
    found = np.minimum(np.searchsorted(ordered, mine), max(len(ordered) - 1, 0))
    hit = ordered[found] == mine if len(ordered) else np.zeros(len(mine), dtype=bool)
    return np.where(hit, order[found], -1)


def _upsert(
    conn: Connection, name: str, frame: pd.DataFrame, progress: Progress | None, keep: Sequence[str] = ()
) -> TableSummary:
    """Insert new rows and update changed ones by key. ``keep``: optional columns the file did not have:
    a stored row keeps its values there (an export without ``closed_on`` must not reopen closed tilbud);
    a new row gets the column's default."""
    spec = FILE_BY_NAME[name]
    table: Table = CONTRACT_TABLES[name].__table__  # type: ignore[assignment]
    key = list(spec.key)
    total = len(frame)
    if progress:
        progress(name, 0, total)
    stored = _read_table(conn, name)
    frame = frame.reset_index(drop=True)
    adopted = np.full(total, None, dtype=object)  # concerns: the stored key a row with an id takes over
    if spec.row_id is not None:  # concerns: keyed by (facility_id, concern_key), see ConcernRow
        key = ["facility_id", CONCERN_KEY]
        frame = frame.assign(**{CONCERN_KEY: concern_keys(frame)})
        stored = stored.assign(**{CONCERN_KEY: concern_keys(stored)})
    other = [c for c in spec.column_names if c not in key]
    if stored.empty:
        is_new = np.ones(total, dtype=bool)
        changed = np.zeros(total, dtype=bool)
    else:
        at = _stored_positions(frame, stored, key)
        is_new = at < 0
        take = np.where(is_new, 0, at)  # a new row is compared with stored row 0, and the result not used

        def old(col: str) -> pd.Series:
            """The stored values of ``col`` beside the upload's rows (a new row's is any stored row's)."""
            return pd.Series(stored[col].to_numpy()[take])

        kept = [c for c in keep if c in other]
        if kept and (~is_new).any():
            frame = frame.copy()
            for col in kept:
                original = frame[col]
                replaced = original.where(is_new, old(col).to_numpy())
                with contextlib.suppress(TypeError, ValueError):
                    replaced = replaced.astype(original.dtype)
                frame[col] = replaced
        same = np.ones(total, dtype=bool)
        for col in other:
            same &= _same(frame[col], old(col))
        changed = ~is_new & ~same
        if spec.row_id is not None:
            adopted = _adopted_concerns(frame, stored, is_new)
            taken = np.asarray([a is not None for a in adopted], dtype=bool)
            is_new, changed = is_new & ~taken, changed | taken
            is_new &= ~_stored_with_id(frame, stored, is_new)
    done = int(total - is_new.sum() - changed.sum())  # unchanged rows need no work
    inserts = np.flatnonzero(is_new)
    for start in range(0, len(inserts), CHUNK_ROWS):
        chunk = inserts[start : start + CHUNK_ROWS]
        conn.execute(table.insert(), _records(frame, name, chunk))
        done += len(chunk)
        if progress:
            progress(name, done, total)
    updates = np.flatnonzero(changed)
    if len(updates):
        rename = {k: f"key_{k}" for k in key}
        where = [table.c[k] == bindparam(f"key_{k}") for k in key]
        written = other if spec.row_id is None else [*other, CONCERN_KEY]
        statement = table.update().where(*where).values({c: bindparam(c) for c in written})
        for start in range(0, len(updates), CHUNK_ROWS):
            chunk = updates[start : start + CHUNK_ROWS]
            records = _records(frame, name, chunk, rename)
            if spec.row_id is not None:  # the row's own key; an adopted row is found by the key it had
                for pos, record in zip(chunk.tolist(), records, strict=True):
                    record[CONCERN_KEY] = record[f"key_{CONCERN_KEY}"]
                    if adopted[pos] is not None:
                        record[f"key_{CONCERN_KEY}"] = adopted[pos]
            conn.execute(statement, records)
            done += len(chunk)
            if progress:
                progress(name, done, total)
    if progress:
        progress(name, total, total)
    return TableSummary(
        table=name,
        rows=total,
        inserted=len(inserts),
        updated=len(updates),
        unchanged=int(total - len(inserts) - len(updates)),
    )


# --- concerns: two kinds of key, and withdrawal ------------------------------------------------------------

#: The storage-only key column of ``concerns`` (see :class:`data.db.ConcernRow`).
CONCERN_KEY = "concern_key"


def concern_keys(frame: pd.DataFrame) -> pd.Series:
    """Each concern's stored key: ``id:<concern_id>`` when it has an id, else ``<date>|<severity>``
    (``2026-02-03|high``), the key every concern had before ids (see :class:`data.db.ConcernRow`)."""
    plain = _plain_concern_keys(frame)
    ids = frame["concern_id"] if "concern_id" in frame else pd.Series([None] * len(frame), index=frame.index)
    with_id = ids.notna() & (ids.astype(str) != "")
    return plain.where(~with_id, CONCERN_ID_KEY_PREFIX + ids.astype(str)).astype(object)


def _plain_concern_keys(frame: pd.DataFrame) -> pd.Series:
    """``<date>|<severity>``: the key of a concern without an id."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    days = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    return (days + "|" + frame["severity"].astype(str)).astype(object)


def _adopted_concerns(frame: pd.DataFrame, stored: pd.DataFrame, is_new: np.ndarray) -> np.ndarray:
    """Per uploaded concern, the stored key it takes over, else None: a report sent with its id for the first time
    that matches a stored report *without* an id (same tilbud, date and severity) is that report, given its id
    (``updated``), not a second one. So a tilsyn that imported ``concerns.csv`` without ids and then lets its case
    system push the same reports with ids does not count each report twice. One stored row is taken over once, and
    not when the upload itself sends that row without an id."""
    out = np.full(len(frame), None, dtype=object)
    ids = frame["concern_id"]
    candidates = np.flatnonzero(is_new & ids.notna().to_numpy())
    if not len(candidates):
        return out
    without_id = stored[stored["concern_id"].isna()]
    free = set(zip(without_id["facility_id"].astype(str), without_id[CONCERN_KEY], strict=True))
    free -= set(zip(frame["facility_id"].astype(str), frame[CONCERN_KEY], strict=True))
    plain = _plain_concern_keys(frame)
    for pos in candidates.tolist():
        wanted = (str(frame["facility_id"].iat[pos]), plain.iat[pos])
        if wanted in free:
            free.discard(wanted)
            out[pos] = wanted[1]
    return out


def _stored_with_id(frame: pd.DataFrame, stored: pd.DataFrame, is_new: np.ndarray) -> np.ndarray:
    """Per uploaded concern, whether it is a report *without* an id that is stored *with* one (same tilbud, date and
    severity; the id not sent in this upload): the converse of :func:`_adopted_concerns`. A report without an id is
    known by its tilbud, date and severity, and that report is stored, under the id its case system gave it later; so
    a re-import of the old ``concerns.csv`` (no ``concern_id`` column) after a push with ids is ``unchanged`` instead
    of counting each report twice. Such a row has no other values, so nothing is written."""
    out = np.zeros(len(frame), dtype=bool)
    candidates = is_new & frame["concern_id"].isna().to_numpy()
    if not candidates.any():
        return out
    with_id = stored[stored["concern_id"].notna() & ~stored["concern_id"].isin(set(frame["concern_id"].dropna()))]
    if with_id.empty:
        return out
    known = set(zip(with_id["facility_id"].astype(str), _plain_concern_keys(with_id), strict=True))
    plain = _plain_concern_keys(frame)
    for pos in np.flatnonzero(candidates).tolist():
        out[pos] = (str(frame["facility_id"].iat[pos]), plain.iat[pos]) in known
    return out


@dataclass(frozen=True)
class WithdrawnConcern:
    """A concern report removed by its id (:func:`withdraw_concern`), as it was stored, and the batch that logs it."""

    batch_id: int
    withdrawn_at: dt.datetime
    facility_id: str
    concern_id: str
    date: dt.date
    severity: str


WITHDRAWAL_SOURCE = "tilbagetrukket"


def concern_owners(engine: Engine, concern_ids: Sequence[str]) -> dict[str, str]:
    """The tilbud each of ``concern_ids`` is stored for (ids not stored are left out)."""
    table: Table = ConcernRow.__table__  # type: ignore[assignment]
    if not concern_ids:
        return {}
    query = select(table.c.concern_id, table.c.facility_id).where(table.c.concern_id.in_(list(concern_ids)))
    with engine.connect() as conn:
        return {str(cid): str(fid) for cid, fid in conn.execute(query)}


def withdraw_concern(
    engine: Engine, facility_id: str, concern_id: str, source: str | None = None
) -> WithdrawnConcern | None:
    """Remove the concern report ``concern_id`` of ``facility_id`` (a report sent by mistake) and log it as an import
    batch (``summary.withdrawn`` names the row as it was), in one transaction; ``None`` (nothing written) when the
    tilbud has no report with that id. Only reports sent with an id can be withdrawn so: a report without one has no
    identity beyond its values."""
    table: Table = ConcernRow.__table__  # type: ignore[assignment]
    now = _now()
    withdrawn_at = _local(now)
    with engine.begin() as conn:
        row = _remove_row(conn, table, (table.c.facility_id == facility_id, table.c.concern_id == concern_id))
        if row is None:
            return None
        day = _as_date(row["date"])
        assert day is not None
        record = {
            "facility_id": facility_id,
            "concern_id": concern_id,
            "date": day.isoformat(),
            "severity": str(row["severity"]),
        }
        label = source or f"{WITHDRAWAL_SOURCE}: concerns {facility_id} {concern_id}"
        batch_id = _log_removal(conn, now, label, "concerns", "withdrawn", record)
    return WithdrawnConcern(
        batch_id=batch_id,
        withdrawn_at=withdrawn_at,
        facility_id=facility_id,
        concern_id=concern_id,
        date=day,
        severity=str(row["severity"]),
    )


UNLOCK_SOURCE = "oplåst"


def unlock_visit(engine: Engine, facility_id: str, day: dt.date) -> int | None:
    """Remove the lock of ``facility_id`` on ``day`` and log it as an import batch (``summary.unlocked`` names the
    row as it was), in one transaction: an unlock changes what the next plan may do, as a lock does, and the import
    log is what an integrator syncs and a stored plan is compared by. Returns the batch id; ``None`` (nothing
    written) when there was no such lock."""
    table: Table = LockedVisitRow.__table__  # type: ignore[assignment]
    now = _now()
    with engine.begin() as conn:
        row = _remove_row(conn, table, (table.c.facility_id == facility_id, table.c.date == day))
        if row is None:
            return None
        record = {
            "facility_id": facility_id,
            "date": day.isoformat(),
            "inspector_id": str(row["inspector_id"]),
            "announced": bool(row["announced"]),
        }
        label = f"{UNLOCK_SOURCE}: {facility_id} {day.isoformat()}"
        return _log_removal(conn, now, label, "locked_visits", "unlocked", record)


# --- status ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusReport:
    """What is loaded: rows per table, date ranges, facilities per authority, the last import."""

    database: str  # the URL, password hidden
    rows: dict[str, int]
    date_ranges: dict[str, tuple[dt.date | None, dt.date | None]]  # "visits.date" -> (first, last)
    facilities_per_authority: dict[str, int]  # every stored facility, closed ones included
    active_per_authority: dict[str, int]  # not closed on the day the status was taken
    imports: int
    last_import: dict[str, Any] | None

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())

    @property
    def data_end(self) -> dt.date | None:
        """The newest reported record (a month of magtanvendelser counts to its last day), as
        :meth:`Dataset.reported_until`."""
        ends = []
        for key, (_first, last) in self.date_ranges.items():
            if last is None:
                continue
            if key == "use_of_force.month":
                last = add_months(last.replace(day=1), 1) - dt.timedelta(days=1)
            ends.append(last)
        return max(ends, default=None)

    def stale_note(self, as_of: dt.date) -> str | None:
        """:func:`data.dataset.stale_data_note` for the stored data's end."""
        return stale_data_note(self.data_end, as_of)


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def empty_status(settings: Settings) -> StatusReport:
    """The status of a database that does not exist yet."""
    return StatusReport(
        database=safe_url(settings.resolved_database_url),
        rows={spec.name: 0 for spec in FILES},
        date_ranges={f"{t}.{c}": (None, None) for t, c in DATED_COLUMNS},
        facilities_per_authority={},
        active_per_authority={},
        imports=0,
        last_import=None,
    )


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def loaded_authorities(engine: Engine) -> set[str]:
    """The socialtilsyn with at least one stored facility (one query; for the forms' choices)."""
    facilities: Table = FacilityRow.__table__  # type: ignore[assignment]
    with engine.connect() as conn:
        return {str(a) for (a,) in conn.execute(select(facilities.c.authority).distinct())}


def database_status(engine: Engine, today: dt.date | None = None) -> StatusReport:
    """Rows per table, date ranges of the dated tables, facilities per authority and the last import.

    A facility is active when it has no ``closed_on`` or closes after ``today`` (without ``today``: no
    ``closed_on``)."""
    batches: Table = ImportBatchRow.__table__  # type: ignore[assignment]
    facilities: Table = FacilityRow.__table__  # type: ignore[assignment]
    with engine.connect() as conn:
        rows = {
            spec.name: int(
                conn.execute(select(func.count()).select_from(CONTRACT_TABLES[spec.name].__table__)).scalar_one()
            )
            for spec in FILES
        }
        ranges: dict[str, tuple[dt.date | None, dt.date | None]] = {}
        for table_name, column in DATED_COLUMNS:
            c = CONTRACT_TABLES[table_name].__table__.c[column]
            first, last = conn.execute(select(func.min(c), func.max(c))).one()
            ranges[f"{table_name}.{column}"] = (_as_date(first), _as_date(last))
        per_authority = {
            str(a): int(n)
            for a, n in conn.execute(
                select(facilities.c.authority, func.count())
                .group_by(facilities.c.authority)
                .order_by(facilities.c.authority)
            )
        }
        open_ = (
            facilities.c.closed_on.is_(None)
            if today is None
            else or_(facilities.c.closed_on.is_(None), facilities.c.closed_on > today)
        )
        active = {
            str(a): int(n)
            for a, n in conn.execute(
                select(facilities.c.authority, func.count())
                .where(open_)
                .group_by(facilities.c.authority)
                .order_by(facilities.c.authority)
            )
        }
        imports = int(conn.execute(select(func.count()).select_from(batches)).scalar_one())
        last = conn.execute(select(batches).order_by(batches.c.id.desc()).limit(1)).mappings().first()
    last_import: dict[str, Any] | None = None
    if last is not None:
        tables = (last["summary"] or {}).get("tables", {})
        last_import = {
            "id": int(last["id"]),
            # with the offset: without, a batch of the autumn's repeated hour read as the first pass's (+02:00)
            "imported_at": _stored_time(last["imported_at"], last["imported_at_utc"])
            .astimezone()
            .isoformat(timespec="seconds"),
            "source": last["source"],
            "inserted": sum(int(t.get("inserted", 0)) for t in tables.values()),
            "updated": sum(int(t.get("updated", 0)) for t in tables.values()),
            "unchanged": sum(int(t.get("unchanged", 0)) for t in tables.values()),
            "warnings": int((last["summary"] or {}).get("warning_count", 0)),
        }
    return StatusReport(
        database=safe_url(engine.url.render_as_string(hide_password=False)),
        rows=rows,
        date_ranges=ranges,
        facilities_per_authority=per_authority,
        active_per_authority={a: active.get(a, 0) for a in per_authority},
        imports=imports,
        last_import=last_import,
    )

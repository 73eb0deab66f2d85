"""Storage: SQLAlchemy 2 tables and engine. SQLite by default, any database URL by setting.

The schema is managed with Alembic (``data/migrations``); :func:`migrate` brings a database to the
newest revision and is called before every use, so a fresh file needs no extra step.

Tables of the contract mirror its files (same column names). Tables without an id in the contract
are keyed by their natural key (see ``data.contract``), which is also the upsert key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from data.errors import DatabaseBusyError


class Base(DeclarativeBase):
    pass


# --- the contract's tables ---------------------------------------------------------------------


class FacilityRow(Base):
    __tablename__ = "facilities"
    facility_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    authority: Mapped[str] = mapped_column(String(20), index=True)
    municipality: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    facility_type: Mapped[str] = mapped_column(String(40))
    ownership: Mapped[str] = mapped_column(String(20))
    places: Mapped[int] = mapped_column(Integer)
    target_group: Mapped[str | None] = mapped_column(String(300))
    approved_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    has_board: Mapped[bool] = mapped_column(Boolean, default=False)
    respite_only: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_since: Mapped[dt.date | None] = mapped_column(Date)
    last_unannounced_visit: Mapped[dt.date | None] = mapped_column(Date)


class InspectorRow(Base):
    __tablename__ = "inspectors"
    inspector_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(20), index=True)
    competences: Mapped[str] = mapped_column(Text)
    visits_per_week: Mapped[int] = mapped_column(Integer)
    postcode: Mapped[str | None] = mapped_column(String(10))


class VisitRow(Base):
    __tablename__ = "visits"
    visit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    announced: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(20))
    inspector_ids: Mapped[str | None] = mapped_column(Text)


class IndicatorScoreRow(Base):
    __tablename__ = "indicator_scores"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.visit_id"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(10), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)


class ThemeScoreRow(Base):
    __tablename__ = "theme_scores"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.visit_id"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class UseOfForceRow(Base):
    __tablename__ = "use_of_force"
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True, default="")
    count: Mapped[int] = mapped_column(Integer)


class StaffFigureRow(Base):
    __tablename__ = "staff_figures"
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_turnover_pct: Mapped[float | None] = mapped_column(Float)
    sickness_absence_pct: Mapped[float | None] = mapped_column(Float)


#: A stored concern key made from the case system's id starts with this (one made from date and severity with a digit).
CONCERN_ID_KEY_PREFIX = "id:"


class ConcernRow(Base):
    """One bekymringshenvendelse. The primary key is ``(facility_id, concern_key)``, where ``concern_key`` is derived
    from the row (``data.store.concern_keys``): ``id:<concern_id>`` for a report sent with the case system's id
    (``concerns.concern_id``, a contract extension), ``<date>|<severity>`` (``2026-02-03|high``) for one without.

    Why a derived key column: a report with an id is identified by it (a correction of its date or severity updates
    the row), one without by (facility_id, date, severity) as always, and both kinds live in one table. A primary key
    column cannot be NULL, so ``concern_id`` itself cannot be part of it; a surrogate id with two partial unique
    indexes would work too, but every contract table is upserted by its key columns (``data.store._upsert``), and one
    derived column keeps that single code path. The two forms cannot collide (a date begins with a digit). Rows of a
    database from before the extension get ``<date>|<severity>`` (migration 0004), so they keep their identity.
    ``concern_id`` is unique in the table: a case system's id names one report of one tilbud."""

    __tablename__ = "concerns"
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    concern_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    severity: Mapped[str] = mapped_column(String(10))
    concern_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)


class SanctionRow(Base):
    __tablename__ = "sanctions"
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class AbsenceRow(Base):
    __tablename__ = "absences"
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspectors.inspector_id"), primary_key=True)
    start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    end: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class LockedVisitRow(Base):
    __tablename__ = "locked_visits"
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspectors.inspector_id"))
    announced: Mapped[bool] = mapped_column(Boolean)


#: Contract table name -> ORM class.
CONTRACT_TABLES: dict[str, type[Base]] = {
    "facilities": FacilityRow,
    "inspectors": InspectorRow,
    "visits": VisitRow,
    "indicator_scores": IndicatorScoreRow,
    "theme_scores": ThemeScoreRow,
    "use_of_force": UseOfForceRow,
    "staff_figures": StaffFigureRow,
    "concerns": ConcernRow,
    "sanctions": SanctionRow,
    "absences": AbsenceRow,
    "locked_visits": LockedVisitRow,
}


# --- the product's own tables ------------------------------------------------------------------


class ImportBatchRow(Base):
    """One successful import: where it came from and what it changed."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The server's local time, naive (what ``since`` of the import log is compared with).
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: The same moment in UTC, naive (null for batches stored before revision 0005): in the hour repeated when summer
    #: time ends, the local time names two moments, and the import log showed a batch of the second with the first's
    #: offset (+02:00).
    imported_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    source: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON)


class RiskRunRow(Base):
    """One scoring of all active facilities with one model, as of one date."""

    __tablename__ = "risk_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    model_version: Mapped[str] = mapped_column(String(100))


class RiskScoreRow(Base):
    __tablename__ = "risk_scores"
    run_id: Mapped[int] = mapped_column(ForeignKey("risk_runs.id", ondelete="CASCADE"), primary_key=True)
    facility_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    risk: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(20))
    top_factors: Mapped[list] = mapped_column(JSON)


class PlanRow(Base):
    """One stored plan version. ``analysis`` holds the plan's breakdown (rule costs, bound, gap, baseline)."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    quarter: Mapped[str] = mapped_column(String(6))  # "2026Q4": the plan of record
    as_of: Mapped[dt.date] = mapped_column(Date)
    authority: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # optimal / feasible
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    risk_run_id: Mapped[int | None] = mapped_column(ForeignKey("risk_runs.id"))
    settings: Mapped[dict] = mapped_column(JSON)
    analysis: Mapped[dict] = mapped_column(JSON)


class PlanVisitRow(Base):
    __tablename__ = "plan_visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    facility_id: Mapped[str] = mapped_column(String(64), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    inspector_ids: Mapped[str] = mapped_column(Text)
    announced: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


# --- the web app's own state ------------------------------------------------------------------------


class WebSessionRow(Base):
    """One browser login (``/login`` to ``/logout``). The cookie holds a random session id; the table keeps
    only its SHA-256 (a copy of the table opens no session) and the fingerprint of the token that logged in
    (a session of a token that is no longer configured is no session). ``/logout`` deletes the row, so a
    copied cookie is useless afterwards, in every worker process and after a restart."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class FormSubmissionRow(Base):
    """A web form that creates something (a plan, an import), claimed by its one-time token when it is first
    sent: a second send of the same form (a double-click, a reload) finds the row and answers with the
    first one's ``result`` (e.g. ``/planer/7``) instead of creating a second plan."""

    __tablename__ = "form_submissions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    result: Mapped[str | None] = mapped_column(String(200))


def make_engine(url: str, *, busy_timeout_s: float | None = None) -> Engine:
    """An engine for ``url``; for SQLite files the parent folder is created and foreign keys enforced.

    ``busy_timeout_s``: how long SQLite waits for a database another process is writing to (the driver's
    default, 5 s, when ``None``), and PostgreSQL for a lock (its ``lock_timeout``; none when ``None``).
    When the wait runs out the engine
    raises :class:`~data.errors.DatabaseBusyError` instead of the driver's ``OperationalError``, so every
    command and request says "try again" instead of failing with a stack trace.
    """
    connect_args: dict[str, object] = {}
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite") and busy_timeout_s is not None:
        connect_args["timeout"] = busy_timeout_s
    if url.startswith("postgresql") and busy_timeout_s is not None:
        # the server gives up on a lock after this long (SQLSTATE 55P03), mapped to DatabaseBusyError below
        connect_args["options"] = f"-c lock_timeout={max(1, round(busy_timeout_s * 1000))}"
    engine = create_engine(url, future=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    waited = (busy_timeout_s or 5.0) if engine.dialect.name == "sqlite" else busy_timeout_s

    @event.listens_for(engine, "handle_error")
    def _busy(context: ExceptionContext) -> None:
        if database_busy(context.original_exception):
            raise DatabaseBusyError(waited) from context.original_exception

    return engine


def one_writer_at_a_time(conn: Connection, table: str) -> None:
    """Wait for any other transaction writing ``table`` (up to the busy timeout, then
    :class:`~data.errors.DatabaseBusyError`) before this one reads what it will write.

    For writes that read before they write (an import reads the stored keys, a risk run looks for the run it
    replaces): run at the same time, both read the same state and the second died on a unique violation or a
    deadlock (PostgreSQL), or stored a second copy (SQLite: three scorings of the same date and model at once
    left three runs). Call it first in the transaction, so what is read after it includes the other's commit.
    PostgreSQL: ``SHARE ROW EXCLUSIVE`` on ``table`` conflicts only with itself and with writes to it; reading
    goes on. SQLite: the database's write lock, taken now with ``BEGIN IMMEDIATE`` (the driver begins a
    transaction only at the first write, after the reads); readers go on."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
    elif conn.dialect.name == "sqlite":
        sqlite_write_lock(conn)


def sqlite_write_lock(conn: Connection) -> None:
    """Take SQLite's database write lock now (``BEGIN IMMEDIATE``), waiting up to the busy timeout for another
    writer. Python's driver begins a transaction only at the first INSERT/UPDATE/DELETE, and runs DDL
    (``CREATE TABLE``) outside any transaction: so two connections that read and then write, or that create the
    schema, both read the same state first. After this call the reads see the other's commit and the DDL is part
    of this transaction. A no-op when a transaction is already open."""
    driver = conn.connection.dbapi_connection
    if driver is not None and not getattr(driver, "in_transaction", True):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


#: SQLite's result codes for a database (SQLITE_BUSY) or table (SQLITE_LOCKED) another connection holds.
_SQLITE_BUSY_CODES = (5, 6)
#: PostgreSQL's SQLSTATE lock_not_available (a ``lock_timeout`` ran out, or ``NOWAIT``).
_PG_LOCK_NOT_AVAILABLE = "55P03"


def database_busy(error: BaseException) -> bool:
    """Whether a driver error means that another process holds the database (not that something is wrong)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_BUSY_CODES  # extended codes (SQLITE_BUSY_SNAPSHOT, ...) keep the base code
    return getattr(error, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE

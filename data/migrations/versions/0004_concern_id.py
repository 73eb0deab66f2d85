"""concerns.concern_id: a case system's own id for each concern report, and the derived key concern_key.

A concern report had no identity of its own: its key was (facility_id, date, severity), so two reports on one day
with the same severity could not both be stored, a corrected severity became a second report, and a pushed report
could not be withdrawn. A row sent with ``concern_id`` is now identified by it; a row without keeps its old identity.
The primary key becomes (facility_id, concern_key), concern_key being ``id:<concern_id>`` or ``<date>|<severity>``
(see ``data.db.ConcernRow``). Every stored row is kept, with the key ``<date>|<severity>`` and no id.

The table is rebuilt (a primary key cannot be changed in place on SQLite) and the rows copied in Python, so the key is
written the same way on every database (no dialect's date-to-text conversion).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 10_000


def _new_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("concern_key", sa.String(length=80), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("concern_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.facility_id"]),
        sa.PrimaryKeyConstraint("facility_id", "concern_key"),
    )


def _old_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["facility_id"], ["facilities.facility_id"]),
        sa.PrimaryKeyConstraint("facility_id", "date", "severity"),
    )


def _copy(source: str, target: sa.Table, row: Callable[[Mapping[str, Any]], dict[str, Any]]) -> None:
    bind = op.get_bind()
    table = sa.Table(source, sa.MetaData(), autoload_with=bind)
    rows = [row(dict(r)) for r in bind.execute(sa.select(table)).mappings()]
    seen: set[tuple[object, ...]] = set()
    unique: list[dict[str, Any]] = []
    for r in rows:
        key = tuple(r[c.name] for c in target.primary_key.columns)
        if key not in seen:  # only a downgrade can meet a key twice (two reports with ids on one day and severity)
            seen.add(key)
            unique.append(r)
    for start in range(0, len(unique), _CHUNK):
        bind.execute(target.insert(), unique[start : start + _CHUNK])


def _swap(new: str) -> None:
    """Drop ``concerns`` and give ``new`` its name (PostgreSQL: its constraints' names too)."""
    op.drop_table("concerns")
    op.rename_table(new, "concerns")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE concerns RENAME CONSTRAINT {new}_pkey TO concerns_pkey")
        op.execute(f"ALTER TABLE concerns RENAME CONSTRAINT {new}_facility_id_fkey TO concerns_facility_id_fkey")


def upgrade() -> None:
    """Upgrade schema (nothing to do on a database made from the current metadata before it was versioned:
    ``data.store`` stamps such a database at 0001)."""
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("concerns")}
    if "concern_key" in columns:
        return
    target = _new_table("concerns_new")
    _copy(
        "concerns",
        target,
        lambda r: {
            "facility_id": r["facility_id"],
            "concern_key": f"{_iso(r['date'])}|{r['severity']}",
            "date": r["date"],
            "severity": r["severity"],
            "concern_id": None,
        },
    )
    _swap("concerns_new")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concerns_concern_id"), ["concern_id"], unique=True)


def _iso(value: object) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]


def downgrade() -> None:
    """Downgrade schema: back to the key (facility_id, date, severity). Reports with ids that share a tilbud, day and
    severity become one row (the old key cannot tell them apart); the ids are dropped."""
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concerns_concern_id"))
    target = _old_table("concerns_old")
    _copy(
        "concerns",
        target,
        lambda r: {"facility_id": r["facility_id"], "date": r["date"], "severity": r["severity"]},
    )
    _swap("concerns_old")

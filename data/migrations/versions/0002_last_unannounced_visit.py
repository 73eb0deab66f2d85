"""facilities.last_unannounced_visit: the last unannounced visit when it predates visits.csv.

A tilsyn whose export covers only the last years has tilbud whose last unannounced visit is older than
the export; without this date their two-year deadline counted from the approval and they looked overdue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (nothing to do on a database made from the current metadata before it was versioned:
    ``data.store`` stamps such a database at 0001)."""
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("facilities")}
    if "last_unannounced_visit" in columns:
        return
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_unannounced_visit", sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("last_unannounced_visit")

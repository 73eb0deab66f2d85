"""import_batches.imported_at_utc: the moment of each import batch in UTC.

``imported_at`` is the server's local time without an offset: in the hour repeated when summer time ends (02:00-03:00
twice in Denmark) it names two moments, and the import log showed a batch of the second pass with the first's offset
(``2026-10-25T02:30:00+02:00`` for what was ``+01:00``). A batch now stores its moment in UTC as well; ``imported_at``
stays as it was (the import log's ``since`` compares it). Batches stored before keep it null: their local time is read
as before, since which pass of the hour they were imported in is not known.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (nothing to do on a database made from the current metadata before it was versioned:
    ``data.store`` stamps such a database at 0001)."""
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("import_batches")}
    if "imported_at_utc" in columns:
        return
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_at_utc", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("imported_at_utc")

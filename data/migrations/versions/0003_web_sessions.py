"""web_sessions and form_submissions: the web app's logins and one-time form tokens.

A login's cookie was a hash of the token, the same for every login and still valid after /logout; now it
is a random session id whose row /logout deletes. A form that creates something (a plan, an import) is
claimed by its one-time token, so a double-click creates one plan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (a database made from the current metadata before it was versioned has the tables:
    ``data.store`` stamps such a database at 0001)."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "web_sessions" not in existing:
        _create_web_sessions()
    if "form_submissions" not in existing:
        _create_form_submissions()


def _create_web_sessions() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_expires_at"), ["expires_at"], unique=False)


def _create_form_submissions() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_created_at"))
    op.drop_table("form_submissions")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_expires_at"))
    op.drop_table("web_sessions")

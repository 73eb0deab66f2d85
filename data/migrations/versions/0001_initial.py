"""Initial schema: every table of ``data.db`` (the contract's files, import batches, risk runs and
scores, plans and plan visits).

Revision ID: 0001
Revises:
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "facilities",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("authority", sa.String(length=20), nullable=False),
        sa.Column("municipality", sa.String(length=100), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("facility_type", sa.String(length=40), nullable=False),
        sa.Column("ownership", sa.String(length=20), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("target_group", sa.String(length=300), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("has_board", sa.Boolean(), nullable=False),
        sa.Column("respite_only", sa.Boolean(), nullable=False),
        sa.Column("leader_since", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("facility_id"),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilities_authority"), ["authority"], unique=False)

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "inspectors",
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority", sa.String(length=20), nullable=False),
        sa.Column("competences", sa.Text(), nullable=False),
        sa.Column("visits_per_week", sa.Integer(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("inspector_id"),
    )
    with op.batch_alter_table("inspectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspectors_authority"), ["authority"], unique=False)

    op.create_table(
        "risk_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_runs_as_of"), ["as_of"], unique=False)

    op.create_table(
        "absences",
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspectors.inspector_id"],
        ),
        sa.PrimaryKeyConstraint("inspector_id", "start", "end"),
    )
    op.create_table(
        "concerns",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.PrimaryKeyConstraint("facility_id", "date", "severity"),
    )
    op.create_table(
        "locked_visits",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspectors.inspector_id"],
        ),
        sa.PrimaryKeyConstraint("facility_id", "date"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("authority", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("risk_run_id", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["plans.id"],
        ),
        sa.ForeignKeyConstraint(
            ["risk_run_id"],
            ["risk_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "risk_scores",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("top_factors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["risk_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "facility_id"),
    )
    op.create_table(
        "sanctions",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.PrimaryKeyConstraint("facility_id", "date", "kind"),
    )
    op.create_table(
        "staff_figures",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("staff_turnover_pct", sa.Float(), nullable=True),
        sa.Column("sickness_absence_pct", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.PrimaryKeyConstraint("facility_id", "year"),
    )
    op.create_table(
        "use_of_force",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.PrimaryKeyConstraint("facility_id", "month", "kind"),
    )
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inspector_ids", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_facility_id"), ["facility_id"], unique=False)

    op.create_table(
        "indicator_scores",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id", "indicator"),
    )
    op.create_table(
        "plan_visits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("inspector_ids", sa.Text(), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_visits_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_visits_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "theme_scores",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.visit_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id", "theme"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("theme_scores")
    with op.batch_alter_table("plan_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_visits_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_visits_facility_id"))

    op.drop_table("plan_visits")
    op.drop_table("indicator_scores")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_facility_id"))
        batch_op.drop_index(batch_op.f("ix_visits_date"))

    op.drop_table("visits")
    op.drop_table("use_of_force")
    op.drop_table("staff_figures")
    op.drop_table("sanctions")
    op.drop_table("risk_scores")
    op.drop_table("plans")
    op.drop_table("locked_visits")
    op.drop_table("concerns")
    op.drop_table("absences")
    with op.batch_alter_table("risk_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_runs_as_of"))

    op.drop_table("risk_runs")
    with op.batch_alter_table("inspectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspectors_authority"))

    op.drop_table("inspectors")
    op.drop_table("import_batches")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_authority"))

    op.drop_table("facilities")

"""Dashboard snapshots: the municipal dashboard computed by a worker.

Revision ID: 0013_dashboard
Revises: 0017_matching_speed
Create Date: 2026-11-29 23:30:24.525515+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0013_dashboard"
down_revision: str | None = "0017_matching_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_snapshot",
        sa.Column("key", sa.String(length=6), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("computed_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dashboard_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("dashboard_snapshot")

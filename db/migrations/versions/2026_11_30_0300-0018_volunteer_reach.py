"""Volunteer reach: a covering index for finding the volunteers near one need.

Revision ID: 0018_volunteer_reach
Revises: 0013_dashboard
Create Date: 2026-11-30 03:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_volunteer_reach"
down_revision: str | None = "0013_dashboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["pc4", "latitude", "longitude", "radius_km", "id", "updated_at"]


def upgrade() -> None:
    op.create_index("ix_volunteer_reach", "volunteer", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_volunteer_reach", table_name="volunteer")

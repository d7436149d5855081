"""Matching speed: a partial covering index for counting a resource's open proposals.

Revision ID: 0017_matching_speed
Revises: 0016_referrals_intakes
Create Date: 2026-11-29 23:42:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_matching_speed"
down_revision: str | None = "0016_referrals_intakes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXPOSED = "status IN ('proposed', 'offered', 'approved', 'active')"


def upgrade() -> None:
    op.create_index("ix_match_exposure", "match", ["resource_kind", "resource_id"],
                    postgresql_include=["need_id", "call_id"],
                    postgresql_where=sa.text(EXPOSED), sqlite_where=sa.text(EXPOSED))


def downgrade() -> None:
    op.drop_index("ix_match_exposure", table_name="match")

"""Match decisions: the reason code and note a broker gives.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:01:19.258355
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("decision_note")
        batch_op.drop_column("decision_reason")

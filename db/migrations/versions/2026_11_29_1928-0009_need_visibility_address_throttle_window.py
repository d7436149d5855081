"""Who may read a need (public or brokers only); the address throttle's sliding window.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 19:28:37.316669+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recent", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )

    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=20), nullable=False, server_default="public")
        )
    # What a broker posted for a resident was never meant for the public page.
    op.execute(
        "UPDATE need SET visibility = 'brokers' WHERE id IN (SELECT need_id FROM resident_contact)"
    )


def downgrade() -> None:
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("visibility")

    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("recent")

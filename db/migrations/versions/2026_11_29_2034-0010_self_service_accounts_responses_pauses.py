"""Self-service: confirmed addresses, the initiative's answer to a suggestion, volunteer pauses.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 20:34:16.459174+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("initiative_response", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("initiative_response_reason", sa.String(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column("initiative_response_at", db.types.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", db.types.UTCDateTime(timezone=True), nullable=True)
        )
    # Accounts made by staff or the command line were never asked to confirm.
    op.execute("UPDATE user_account SET email_verified_at = created_at")

    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_column("paused_until")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")

    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("initiative_response_at")
        batch_op.drop_column("initiative_response_reason")
        batch_op.drop_column("initiative_response")

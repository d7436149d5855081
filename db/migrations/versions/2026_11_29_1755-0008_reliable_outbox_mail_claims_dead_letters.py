"""Outbox messages done when processed, mail claimed before SMTP, dead letters.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 17:55:37.414486+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_name", sa.String(length=120), nullable=False),
        sa.Column("task_id", sa.String(length=200), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=2000), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retried_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letter")),
    )
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dead_letter_failed_at"), ["failed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dead_letter_outbox_message_id"), ["outbox_message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dead_letter_task_name"), ["task_name"], unique=False)

    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_mail_message_failed_at"), ["failed_at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_mail_message_message_id"), ["message_id"])

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_message_processed_at"), ["processed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_processed_at"))
        batch_op.drop_column("failed_at")
        batch_op.drop_column("processed_at")

    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_mail_message_message_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_mail_message_failed_at"))
        batch_op.drop_column("failed_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("message_id")

    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letter_task_name"))
        batch_op.drop_index(batch_op.f("ix_dead_letter_outbox_message_id"))
        batch_op.drop_index(batch_op.f("ix_dead_letter_failed_at"))

    op.drop_table("dead_letter")

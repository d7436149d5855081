"""Case notes on a need's case file (issue 16).

Revision ID: 0015_case_notes
Revises: 0014_price_list
Create Date: 2026-11-29 23:29:32.699054+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0015_case_notes"
down_revision: str | None = "0014_price_list"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"],
                                name=op.f("fk_case_note_need_id_need"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"],
                                name=op.f("fk_case_note_municipality_code_municipality")),
        sa.ForeignKeyConstraint(["by_user_id"], ["user_account.id"],
                                name=op.f("fk_case_note_by_user_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_note_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_note_municipality_code"),
                              ["municipality_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_note_created_at"), ["created_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_note_created_at"))
        batch_op.drop_index(batch_op.f("ix_case_note_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_case_note_need_id"))
    op.drop_table("case_note")

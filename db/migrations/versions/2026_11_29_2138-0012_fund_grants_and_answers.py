"""Funds: grants awarded from a call, and the fund's answer to a suggestion.

Revision ID: 0012_fund
Revises: 0011_saved_search
Create Date: 2026-11-29 21:38:11.778826+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0012_fund"
down_revision: str | None = "0011_saved_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("amount_eur", sa.Integer(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["fund_call.id"], name=op.f("fk_fund_grant_call_id_fund_call"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_fund_grant_fund_id_fund"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiative.id"],
            name=op.f("fk_fund_grant_initiative_id_initiative"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_fund_grant_need_id_need"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_grant"))
    )
    with op.batch_alter_table("fund_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_grant_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_grant_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fund_grant_initiative_id"), ["initiative_id"], unique=False
        )

    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_response", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("resource_response_at", db.types.UTCDateTime(timezone=True), nullable=True)
        )



def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("resource_response_at")
        batch_op.drop_column("resource_response")

    with op.batch_alter_table("fund_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_grant_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_fund_grant_fund_id"))
        batch_op.drop_index(batch_op.f("ix_fund_grant_call_id"))

    op.drop_table("fund_grant")

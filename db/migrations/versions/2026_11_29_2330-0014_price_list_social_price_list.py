"""Social price list: a municipality's amounts per item, every change a new row.

Revision ID: 0014_price_list
Revises: 0012_fund
Create Date: 2026-11-29 23:30:43.407570+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0014_price_list"
down_revision: str | None = "0012_fund"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "price_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("item_code", sa.String(length=60), nullable=False),
        sa.Column("value_cents", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value_cents >= 0", name=op.f("ck_price_entry_value_not_negative")),
        sa.ForeignKeyConstraint(["changed_by"], ["user_account.id"],
                                name=op.f("fk_price_entry_changed_by_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"],
                                name=op.f("fk_price_entry_municipality_code_municipality")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_entry")),
    )
    with op.batch_alter_table("price_entry", schema=None) as batch_op:
        batch_op.create_index("ix_price_entry_current",
                              ["municipality_code", "item_code", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("price_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_price_entry_current")
    op.drop_table("price_entry")

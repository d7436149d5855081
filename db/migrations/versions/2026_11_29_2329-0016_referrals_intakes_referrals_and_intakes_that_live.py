"""Referrals that live (contact person, outcome, dates) and intakes that can be corrected.

Revision ID: 0016_referrals_intakes
Revises: 0015_case_notes
Create Date: 2026-11-29 23:29:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0016_referrals_intakes"
down_revision: str | None = "0015_case_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_intake_updated_by_user_id_user_account", "user_account",
            ["updated_by_user_id"], ["id"])

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.String(length=1000), nullable=False,
                                      server_default=""))
        batch_op.add_column(
            sa.Column("accepted_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_referral_closed_at"), ["closed_at"], unique=False)
    # The default only filled existing rows; the model supplies it from now on.
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("outcome_note", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_closed_at"))
        for column in ("updated_at", "closed_at", "accepted_at", "outcome_note", "outcome",
                       "contact_email", "contact_phone", "contact_name"):
            batch_op.drop_column(column)

    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_constraint("fk_intake_updated_by_user_id_user_account",
                                 type_="foreignkey")
        batch_op.drop_column("updated_by_user_id")
        batch_op.drop_column("updated_at")

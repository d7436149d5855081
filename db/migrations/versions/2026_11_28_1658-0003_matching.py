"""Matching: funds, calls, instruments, matches, runs; need availability, paid-work flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:58:30.931132
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_latitude"), ["latitude"], unique=False)
    op.create_table(
        "matching_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("needs_total", sa.Integer(), nullable=False),
        sa.Column("needs_done", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.Integer(), nullable=False),
        sa.Column("proposals_written", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_run")),
    )
    op.create_table(
        "instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("need_kinds", sa.JSON(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("legal_forms", sa.JSON(), nullable=False),
        sa.Column("max_amount_eur", sa.Integer(), nullable=True),
        sa.Column("desk_name", sa.String(length=200), nullable=False),
        sa.Column("desk_email", sa.String(length=320), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_instrument_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument")),
    )
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instrument_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("life_groups", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("need_kinds", sa.JSON(), nullable=False),
        sa.Column("legal_forms", sa.JSON(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("min_amount_eur", sa.Integer(), nullable=False),
        sa.Column("max_amount_eur", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_fund_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund")),
    )
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("resource_kind", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_match_need_id_need"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match")),
        sa.UniqueConstraint("need_id", "resource_kind", "resource_id", name="uq_match_pair"),
    )
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            "ix_match_resource", ["resource_kind", "resource_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_match_status"), ["status"], unique=False)

    op.create_table(
        "fund_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("budget_eur", sa.Integer(), nullable=False),
        sa.Column("granted_eur", sa.Integer(), nullable=False),
        sa.Column("max_grant_eur", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_fund_call_fund_id_fund"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_call")),
    )
    with op.batch_alter_table("fund_call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_call_fund_id"), ["fund_id"], unique=False)

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("province_code", sa.String(length=4), nullable=True))

    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("availability", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )

    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_paid_work_replaced", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_latitude"))
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("no_paid_work_replaced")

    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("availability")

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("province_code")

    with op.batch_alter_table("fund_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_call_fund_id"))

    op.drop_table("fund_call")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_status"))
        batch_op.drop_index("ix_match_resource")
        batch_op.drop_index(batch_op.f("ix_match_need_id"))

    op.drop_table("match")
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_organisation_id"))

    op.drop_table("fund")
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_municipality_code"))

    op.drop_table("instrument")
    op.drop_table("matching_run")

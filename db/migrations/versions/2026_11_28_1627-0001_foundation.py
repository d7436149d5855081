"""Foundation: municipalities, initiative profiles with needs and offers, outbox, full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 16:27:25.594880
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    _create_fulltext()


def _create_tables() -> None:
    op.create_table(
        "municipality",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_municipality")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_name", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_message_published_at"), ["published_at"], unique=False
        )

    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("pc4", sa.String(length=4), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("actor_type", sa.String(length=40), nullable=True),
        sa.Column("actor_subtype", sa.String(length=40), nullable=True),
        sa.Column("added_value", sa.String(length=40), nullable=True),
        sa.Column("added_value_subtype", sa.String(length=40), nullable=True),
        sa.Column("transformation_role", sa.String(length=40), nullable=True),
        sa.Column("government_relation", sa.String(length=40), nullable=True),
        sa.Column("phase", sa.String(length=40), nullable=True),
        sa.Column("threshold", sa.String(length=40), nullable=True),
        sa.Column("initiator_kind", sa.String(length=40), nullable=True),
        sa.Column("target_focus", sa.String(length=40), nullable=True),
        sa.Column("size_volunteers", sa.String(length=20), nullable=True),
        sa.Column("size_professionals", sa.String(length=20), nullable=True),
        sa.Column("size_people_helped", sa.String(length=20), nullable=True),
        sa.Column("legal_form", sa.String(length=40), nullable=True),
        sa.Column("revenue_now", sa.String(length=20), nullable=True),
        sa.Column("revenue_in_two_years", sa.String(length=20), nullable=True),
        sa.Column("founding_year", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("last_verified_on", sa.Date(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("completeness", sa.Float(), nullable=True),
        sa.Column("profile_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "founding_year IS NULL OR founding_year BETWEEN 1800 AND 2100",
            name=op.f("ck_initiative_founding_year_range"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_initiative_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative")),
    )
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_actor_type"), ["actor_type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_initiative_municipality_code"), ["municipality_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_initiative_sort_name"), ["sort_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiative_pc4"), ["pc4"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiative_phase"), ["phase"], unique=False)

    op.create_table(
        "initiative_label",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("lens", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_initiative_label_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "lens", "code", name=op.f("pk_initiative_label")),
    )
    with op.batch_alter_table("initiative_label", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_label_lens_code", ["lens", "code", "initiative_id"], unique=False
        )

    op.create_table(
        "need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_eur", sa.Integer(), nullable=True),
        sa.Column("hours_per_week", sa.Float(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_eur IS NULL OR amount_eur >= 0", name=op.f("ck_need_amount_not_negative")
        ),
        sa.CheckConstraint(
            "hours_per_week IS NULL OR hours_per_week >= 0", name=op.f("ck_need_hours_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_need_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_initiative_id"), ["initiative_id"], unique=False)
        batch_op.create_index("ix_need_kind_status", ["kind", "status"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_offer_capacity_positive")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_offer_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_initiative_id"), ["initiative_id"], unique=False)


# The search document is normalised in Python (core/dutch.py); both databases index
# that text with a plain tokenizer so they return the same hits.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE initiative_fts USING fts5("
    "search_text, content='initiative', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER initiative_fts_ai AFTER INSERT ON initiative BEGIN "
    "INSERT INTO initiative_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER initiative_fts_ad AFTER DELETE ON initiative BEGIN "
    "INSERT INTO initiative_fts(initiative_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER initiative_fts_au AFTER UPDATE OF search_text ON initiative BEGIN "
    "INSERT INTO initiative_fts(initiative_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO initiative_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRES_FTS = [
    "CREATE INDEX ix_initiative_search_tsv ON initiative "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]


def _create_fulltext() -> None:
    statements = SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_FTS
    for statement in statements:
        op.execute(statement)


def _drop_fulltext() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("initiative_fts_ai", "initiative_fts_ad", "initiative_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS initiative_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_initiative_search_tsv")


def downgrade() -> None:
    _drop_fulltext()
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_initiative_id"))

    op.drop_table("offer")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index("ix_need_kind_status")
        batch_op.drop_index(batch_op.f("ix_need_initiative_id"))

    op.drop_table("need")
    with op.batch_alter_table("initiative_label", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_label_lens_code")

    op.drop_table("initiative_label")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_phase"))
        batch_op.drop_index(batch_op.f("ix_initiative_pc4"))
        batch_op.drop_index(batch_op.f("ix_initiative_sort_name"))
        batch_op.drop_index(batch_op.f("ix_initiative_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_initiative_actor_type"))

    op.drop_table("initiative")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_created_at"))

    op.drop_table("outbox_message")
    op.drop_table("municipality")

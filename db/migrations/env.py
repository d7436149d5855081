"""Alembic environment: migrations are the only way a Koppel schema is made."""

from alembic import context
from sqlalchemy import Connection

import db.models
from core.config import get_settings
from db.engine import make_engine

config = context.config
target_metadata = db.models.metadata

# Objects made by raw SQL in migrations that the ORM metadata does not describe.
FULLTEXT_OBJECTS = {"ix_initiative_search_tsv"}
FULLTEXT_TABLE_PREFIX = "initiative_fts"


def include_name(name, type_, parent_names) -> bool:
    """Leave the full-text index objects out of autogenerate comparisons."""
    if type_ == "table" and name and name.startswith(FULLTEXT_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in FULLTEXT_OBJECTS)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    """Run against the connection handed in by tests, or the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().sqlalchemy_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")
run_migrations_online()

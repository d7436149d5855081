"""Migrations are the only way a schema is made, on SQLite and PostgreSQL alike."""

import pytest
from alembic import command
from sqlalchemy import inspect, text

from db import migrate
from db.engine import make_engine
from tests.conftest import BACKENDS, discard_database, fresh_database_url


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path):
    url = fresh_database_url(request.param, tmp_path)
    yield request.param, url
    discard_database(request.param, url)


def test_upgrade_check_downgrade_and_upgrade_again(empty_db):
    backend, url = empty_db
    migrate.upgrade(url)
    migrate.check(url)  # raises when the models and the migrations differ
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"municipality", "initiative", "initiative_label", "need", "offer",
            "outbox_message", "alembic_version"} <= tables
    if backend == "sqlite":
        assert "initiative_fts" in tables
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    else:
        with engine.connect() as conn:
            index = conn.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_initiative_search_tsv'"
            )).scalar()
        assert "gin" in index and "to_tsvector('simple'" in index
    fks = inspect(engine).get_foreign_keys("need")
    assert fks[0]["name"] == "fk_need_initiative_id_initiative"
    engine.dispose()
    command.downgrade(migrate.alembic_config(url), "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    migrate.check(url)


def test_migration_files_are_date_prefixed():
    names = [p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py")]
    assert names and all(n[:4].isdigit() and n[4] == "_" for n in names)

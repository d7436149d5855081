"""Engine factory: one place for dialect-specific connection settings."""

from functools import lru_cache
from pathlib import Path

import orjson
from psycopg.types.json import set_json_loads
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from core.config import get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Take transaction control away from pysqlite, which would otherwise commit implicitly
    # around SAVEPOINTs; SQLAlchemy then emits BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked on every connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the web process read while a task writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    # Wait for the writer instead of failing at once (see _sqlite_begin).
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Take the write lock when the transaction starts. A deferred transaction that read first
    # and writes later cannot wait for another writer: SQLite fails it at once with "database
    # is locked". Started IMMEDIATE, a second writer simply waits its turn (busy_timeout).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite file or PostgreSQL URL with Koppel's settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # orjson parses the JSON columns several times faster than the standard library, which
    # matters when a national rematch reads half a million volunteer profiles.
    set_json_loads(orjson.loads)
    settings = get_settings()
    return create_engine(url, pool_pre_ping=True, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow,
                         pool_timeout=settings.db_pool_timeout,
                         connect_args={"connect_timeout": settings.db_connect_timeout})


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().sqlalchemy_url)

"""Shared fixtures: real PostgreSQL and SQLite, isolated by transaction rollback."""

import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

# Tests decide the broker themselves; never inherit one from the shell. They run in
# development mode (the placeholder secret is refused anywhere else), as `make demo` does.
os.environ.pop("KOPPEL_REDIS_URL", None)
os.environ["KOPPEL_ENV"] = "development"
# The tests start dozens of Python processes (`koppel`, Celery workers, a pytest): let them keep
# compiled bytecode, or each compiles every module it imports again (seconds each) wherever
# PYTHONDONTWRITEBYTECODE is set, as in our Docker image.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import psycopg  # noqa: E402
import pytest  # noqa: E402
import time_machine  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection, Engine  # noqa: E402
from sqlmodel import select  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import User  # noqa: E402
from db.session import SessionFactory, unit_of_work  # noqa: E402
from services import demo  # noqa: E402
from services.api.app import create_app  # noqa: E402
from services.auth import service as auth  # noqa: E402

# The browser fixtures (one served demo, Chromium) for every browser test module.
pytest_plugins = ["tests.browser_kit"]

PG_ADMIN_DSN = os.environ.get("KOPPEL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
# With `pytest -n 2` each worker process gets a Redis database of its own: 15, 14, ... or,
# with KOPPEL_TEST_REDIS_URL=redis://host:port/9, 9, 8, ... (so runs side by side don't meet).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_REDIS_BASE, _, _REDIS_DB = os.environ.get("KOPPEL_TEST_REDIS_URL",
                                           "redis://127.0.0.1:6379/15").rpartition("/")
REDIS_TEST_URL = (f"{_REDIS_BASE}/{int(_REDIS_DB) - _WORKER}" if _REDIS_DB.isdigit()
                  else os.environ["KOPPEL_TEST_REDIS_URL"])
# KOPPEL_TEST_BACKENDS=sqlite narrows a run to one backend (`make mutate` does); default both.
BACKENDS = os.environ.get("KOPPEL_TEST_BACKENDS", "sqlite,postgresql").split(",")
# KOPPEL_TEST_DAYS_AHEAD=730 runs the tests (in this process) with the clock moved ahead, to
# prove that no date in the tests or the demo data decides open, closed or expired by itself.
DAYS_AHEAD = int(os.environ.get("KOPPEL_TEST_DAYS_AHEAD", "0"))
# KOPPEL_TEST_SQLITE_TEMPLATE=file keeps the first migrated demo database and copies it for every
# later session instead of building it again (`make mutate` starts hundreds of sessions).
SQLITE_TEMPLATE = os.environ.get("KOPPEL_TEST_SQLITE_TEMPLATE")


def pytest_report_header() -> str | None:
    """Say so at the top of the run when the clock is moved."""
    if DAYS_AHEAD:
        shifted = (datetime.now(UTC) + timedelta(days=DAYS_AHEAD)).date()
        return f"clock moved {DAYS_AHEAD} days ahead: today is {shifted.isoformat()}"
    return None


@pytest.fixture(scope="session", autouse=True)
def shifted_clock() -> Iterator[None]:
    """Move the clock of the whole test process when KOPPEL_TEST_DAYS_AHEAD is set."""
    if not DAYS_AHEAD:
        yield
        return
    with time_machine.travel(datetime.now(UTC) + timedelta(days=DAYS_AHEAD), tick=True):
        yield


def create_pg_database(prefix: str) -> str:
    """Create an empty PostgreSQL database and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by create_pg_database."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database_url(backend: str, tmp_dir) -> str:
    """An empty database of the given backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'koppel-{uuid.uuid4().hex[:8]}.db'}"
    return create_pg_database("koppel_test")


def discard_database(backend: str, url: str) -> None:
    """Remove a database made by fresh_database_url."""
    if backend == "postgresql":
        drop_pg_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The database backend a test runs on: every database test runs on both."""
    return request.param


def _from_template(backend: str, url: str) -> bool:
    """Copy the kept SQLite demo database to url, when there is one."""
    if backend != "sqlite" or not SQLITE_TEMPLATE or not os.path.exists(SQLITE_TEMPLATE):
        return False
    shutil.copyfile(SQLITE_TEMPLATE, url.removeprefix("sqlite:///"))
    return True


def _keep_template(backend: str, url: str) -> None:
    """Keep a copy of a freshly built SQLite demo database, when asked to."""
    if backend != "sqlite" or not SQLITE_TEMPLATE or os.path.exists(SQLITE_TEMPLATE):
        return
    partial = f"{SQLITE_TEMPLATE}.{os.getpid()}"
    source, copy = sqlite3.connect(url.removeprefix("sqlite:///")), sqlite3.connect(partial)
    source.backup(copy)
    source.close()
    copy.close()
    os.replace(partial, SQLITE_TEMPLATE)


@pytest.fixture(scope="session")
def _databases() -> Iterator[dict[str, tuple[str, Engine]]]:
    """The demo databases built so far, by backend, kept until the session ends: pytest sets the
    backend up again at every file under xdist's loadfile, and a rebuild costs seconds."""
    built: dict[str, tuple[str, Engine]] = {}
    yield built
    for backend, (url, engine) in built.items():
        engine.dispose()
        discard_database(backend, url)


@pytest.fixture(scope="session")
def engine(backend, _databases, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database with the demo data committed, shared by the session."""
    if backend not in _databases:
        url = fresh_database_url(backend, tmp_path_factory.mktemp(backend))
        built = not _from_template(backend, url)
        if built:
            migrate.upgrade(url)
        _databases[backend] = url, make_engine(url)
        SessionFactory.configure(bind=_databases[backend][1])
        if built:
            with unit_of_work() as session:
                demo.load(session)
            _keep_template(backend, url)
    engine = _databases[backend][1]
    SessionFactory.configure(bind=engine)
    yield engine
    SessionFactory.configure(bind=None)


@pytest.fixture
def connection(engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test.

    Every unit of work in the test (requests, eager tasks) joins it through savepoints.
    """
    conn = engine.connect()
    outer = conn.begin()
    SessionFactory.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield conn
    finally:
        SessionFactory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
        outer.rollback()
        conn.close()


@pytest.fixture
def session(connection):
    """A session in the test's transaction, for arranging and asserting."""
    s = SessionFactory()
    yield s
    s.close()


@pytest.fixture
def client(connection) -> Iterator[TestClient]:
    """An anonymous httpx client over ASGI to the whole app (API and web)."""
    app = create_app(embedded_worker=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def token_for(email: str) -> str:
    """A fresh API token for an existing account."""
    with unit_of_work() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        token, _row = auth.issue_token(session, user, name="test")
    return token


@pytest.fixture
def login_as(connection) -> Iterator[Callable[[str], TestClient]]:
    """login_as("broker") → a client with an API token of that demo account (or e-mail)."""
    opened: list[TestClient] = []

    def make(who: str) -> TestClient:
        email = who if "@" in who else f"{who}@demo.koppel.nl"
        test_client = TestClient(create_app(embedded_worker=False),
                                 raise_server_exceptions=False,
                                 headers={"Authorization": f"Bearer {token_for(email)}"})
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.fixture
def admin(login_as) -> TestClient:
    """A client signed in as the demo admin."""
    return login_as("admin")

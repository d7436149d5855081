"""The refresh task end to end: API write → outbox → Redis → a real Celery worker → PostgreSQL."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlmodel import select

from db import migrate
from db.engine import make_engine
from db.models import Initiative, OutboxMessage
from db.session import SessionFactory, unit_of_work
from services.api.app import create_app
from services.auth import service as auth
from services.municipalities import service as municipalities
from services.worker.app import celery_app
from tests.conftest import REDIS_TEST_URL, create_pg_database, drop_pg_database, token_for
from tests.factories import initiative_payload, need_payload
from tests.helpers import koppel_env

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.worker


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def committed_pg():
    """A migrated PostgreSQL database whose writes really commit (a worker must see them)."""
    url = create_pg_database("koppel_worker")
    migrate.upgrade(url)
    engine = make_engine(url)
    previous = SessionFactory.kw.get("bind")
    SessionFactory.configure(bind=engine)
    with unit_of_work() as session:
        municipalities.ensure(session, code="GM0392", name="Haarlem")
        auth.create_user(session, email="admin@worker.test", password="x" * 16, role="admin")
    yield url
    SessionFactory.configure(bind=previous)
    engine.dispose()
    drop_pg_database(url)


@pytest.fixture(scope="module")
def redis_broker():
    """Point our Celery app at the test Redis database instead of running tasks eagerly."""
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.update(broker_url=REDIS_TEST_URL, task_always_eager=False)
    yield REDIS_TEST_URL
    celery_app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


@pytest.fixture(scope="module")
def worker(committed_pg, redis_broker, tmp_path_factory):
    """A real Celery worker process consuming from Redis and writing to PostgreSQL."""
    env = koppel_env()
    env |= {"KOPPEL_DATABASE_URL": committed_pg, "KOPPEL_REDIS_URL": redis_broker}
    tmp_path = tmp_path_factory.mktemp("worker")
    name = f"test-{uuid.uuid4().hex[:6]}@localhost"
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "services.worker.app:celery_app", "worker",
         "--pool", "solo", "--loglevel", "INFO", "-n", name,
         "-Q", "koppel.default,koppel.matching,koppel.notifications"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: proc.poll() is not None or celery_app.control.ping(
            destination=[name], timeout=0.5), 60, "the worker to answer a ping")
        assert proc.poll() is None, (tmp_path / "worker.log").read_text()
        yield proc, tmp_path / "worker.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_api_write_is_refreshed_by_a_real_worker(worker):
    proc, log_path = worker
    app = create_app(embedded_worker=False)
    headers = {"Authorization": f"Bearer {token_for('admin@worker.test')}"}
    with TestClient(app, headers=headers) as client:
        created = client.post("/api/v1/initiatives", json=initiative_payload(
            needs=[need_payload()], phase="startup"))
        assert created.status_code == 201, created.text
        initiative_id = created.json()["id"]
        # The response is sent before the worker ran: the score is filled in afterwards.
        assert created.json()["completeness"] is None

    def refreshed():
        with unit_of_work() as session:
            row = session.get(Initiative, initiative_id)
            return row.completeness if row.profile_refreshed_at else None

    completeness = _wait_for(refreshed, 30, "the worker to refresh the profile")
    assert 0 < completeness < 1
    with unit_of_work() as session:
        messages = session.exec(select(OutboxMessage).where(
            OutboxMessage.task_name == "initiatives.refresh_profile")).all()
        assert len(messages) == 1 and messages[0].published_at is not None
    assert proc.poll() is None
    assert "initiatives.refresh_profile" in log_path.read_text()


def test_new_need_is_matched_by_the_worker(worker):
    headers = {"Authorization": f"Bearer {token_for('admin@worker.test')}"}
    with TestClient(create_app(embedded_worker=False), headers=headers) as client:
        desk = client.post("/api/v1/instruments", json={
            "municipality": "GM0392", "family": "regulation", "title": "Vergunningsloket",
            "need_kinds": ["permit"], "desk_name": "Vergunningen Haarlem"})
        assert desk.status_code == 201, desk.text
        created = client.post("/api/v1/initiatives", json=initiative_payload(
            name="Straatfeest Zijlweg", needs=[need_payload(kind="permit",
                                                            title="Vergunning straatfeest")]))
        need_id = created.json()["needs"][0]["id"]

        def matched():
            found = client.get(f"/api/v1/needs/{need_id}/matches").json()
            return found if found else None

        matches = _wait_for(matched, 30, "the worker to propose the permit desk")
    assert [(m["resource_kind"], m["resource_id"]) for m in matches] == [
        ("instrument", desk.json()["id"])]
    assert "gemeente Haarlem" in matches[0]["explanation"]


def test_worker_survives_a_task_for_a_vanished_row(worker):
    proc, log_path = worker
    celery_app.send_task("initiatives.refresh_profile", kwargs={"initiative_id": 424242})
    _wait_for(lambda: "vanished" in log_path.read_text(), 30, "the no-op to be logged")
    assert proc.poll() is None

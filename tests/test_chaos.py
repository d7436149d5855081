"""Faults on real processes: a worker killed mid-batch, the broker's messages dropped, the same
message delivered twice, two relays at once, PostgreSQL restarted under writes. Afterwards every
accepted write's follow-on work is done, once, and every mail arrived exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import func, select

from core.config import get_settings
from core.permissions import SYSTEM
from db import migrate
from db.engine import make_engine
from db.models import DeadLetter, Initiative, MailMessage, Match, Need, OutboxMessage
from db.session import SessionFactory, unit_of_work
from db.types import utcnow
from services.api.app import create_app
from services.auth import service as auth
from services.brokerage import review
from services.municipalities import service as municipalities
from services.outbox import relay
from services.outbox import service as outbox
from services.people import service as people
from services.people.schemas import VolunteerCreate
from services.worker.app import celery_app
from services.worker.queues import TaskName
from tests.conftest import REDIS_TEST_URL, create_pg_database, drop_pg_database, token_for
from tests.factories import initiative_payload, need_payload
from tests.helpers import Inbox, free_port, koppel_env
from tests.test_web_auth import csrf_token, web_login

ROOT = Path(__file__).resolve().parents[1]
# The same Redis database as the worker tests: Celery keeps one broker connection pool.
REDIS_URL = REDIS_TEST_URL
QUEUES = "koppel.default,koppel.matching,koppel.notifications"
pytestmark = [pytest.mark.worker, pytest.mark.chaos]


def wait_for(predicate, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A committed PostgreSQL database, Redis as broker, an SMTP inbox and a worker factory."""
    url = create_pg_database("koppel_chaos")
    migrate.upgrade(url)
    engine = make_engine(url)
    previous_bind = SessionFactory.kw.get("bind")
    SessionFactory.configure(bind=engine)
    inbox, smtp_port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    redis.Redis.from_url(REDIS_URL).flushdb()
    os.environ.update({"KOPPEL_SMTP_HOST": "127.0.0.1", "KOPPEL_SMTP_PORT": str(smtp_port)})
    get_settings.cache_clear()
    with unit_of_work() as session:
        municipalities.ensure(session, code="GM0392", name="Haarlem", province="PV27")
        auth.create_user(session, email="admin@chaos.test", password="x" * 16, role="admin")
        auth.create_user(session, email="broker@chaos.test", password="koppel-chaos-1",
                         role="broker", municipality="GM0392")
        outbox.batch(session, "matching.")
        # Enough volunteers for every need's five proposals (at most three each).
        for i in range(25):
            people.create_volunteer(session, SYSTEM, VolunteerCreate(
                name=f"Vrijwilliger {i}", email=f"v{i}@example.org", pc4="2011",
                municipality="GM0392", hours_per_week=4, radius_km=10, consent=True))
    logs = tmp_path_factory.mktemp("chaos")
    env = koppel_env()
    env |= {"KOPPEL_DATABASE_URL": url, "KOPPEL_REDIS_URL": REDIS_URL,
            "KOPPEL_SMTP_HOST": "127.0.0.1", "KOPPEL_SMTP_PORT": str(smtp_port)}
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        name = f"chaos-{uuid.uuid4().hex[:6]}@localhost"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "services.worker.app:celery_app", "worker",
             "--pool", "solo", "--loglevel", "INFO", "-n", name, "-Q", QUEUES],
            cwd=ROOT, env=env, stdout=(logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT)
        workers.append(proc)
        wait_for(lambda: proc.poll() is not None or celery_app.control.ping(
            destination=[name], timeout=0.5), 60, "a worker to answer a ping")
        assert proc.poll() is None
        return proc

    yield {"url": url, "inbox": inbox, "env": env, "start_worker": start_worker}
    for proc in workers:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)
    smtp.stop()
    for key in ("KOPPEL_SMTP_HOST", "KOPPEL_SMTP_PORT"):
        os.environ.pop(key, None)
    get_settings.cache_clear()
    celery_app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
    redis.Redis.from_url(REDIS_URL).flushdb()
    SessionFactory.configure(bind=previous_bind)
    engine.dispose()
    drop_pg_database(url)


def unfinished() -> int:
    with unit_of_work() as session:
        return session.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.processed_at.is_(None), OutboxMessage.failed_at.is_(None))).one()


def reconcile_later() -> None:
    """What the periodic relay does once the lost messages' time limits have passed."""
    with time_machine.travel(utcnow() + timedelta(hours=1)):
        relay.publish_pending()


def settle(timeout: float) -> None:
    """Wait until every message is processed, reconciling now and then as beat would."""
    deadline = time.monotonic() + timeout
    while unfinished():
        assert time.monotonic() < deadline, f"{unfinished()} messages never processed"
        reconcile_later()
        wait_until = time.monotonic() + 5
        while unfinished() and time.monotonic() < wait_until:
            time.sleep(0.25)


def api() -> TestClient:
    headers = {"Authorization": f"Bearer {token_for('admin@chaos.test')}"}
    return TestClient(create_app(embedded_worker=False), headers=headers,
                      raise_server_exceptions=False)


def test_a_killed_worker_and_a_flushed_broker_lose_no_follow_on_work(world):
    worker = world["start_worker"]()
    with api() as client:
        created = [client.post("/api/v1/initiatives", json=initiative_payload(
            name=f"Buurtinitiatief {i}", needs=[need_payload(title=f"Hulp gezocht {i}")]))
            for i in range(10)]
    assert {r.status_code for r in created} == {201}
    # Kill it while a few messages are still open: a fast worker must not drain the batch
    # between the look and the kill.
    wait_for(lambda: 3 <= unfinished() < 17, 30, "the worker to be busy with the batch", 0.02)
    worker.send_signal(signal.SIGKILL)  # mid-batch: its current task is never acknowledged
    worker.wait(timeout=10)
    redis.Redis.from_url(REDIS_URL).flushdb()  # and the broker forgets what it held
    assert unfinished() > 0
    world["start_worker"]()
    settle(120)
    ids = [r.json()["id"] for r in created]
    with unit_of_work() as session:
        refreshed = session.exec(select(func.count()).select_from(Initiative).where(
            Initiative.id.in_(ids), Initiative.profile_refreshed_at.is_not(None))).one()
        assert refreshed == len(ids)
        assert session.exec(select(func.count()).select_from(DeadLetter)).one() == 0
        needs = list(session.exec(select(Need.id).join(Initiative).where(
            Initiative.id.in_(ids))))
        per_need = dict(session.exec(select(Match.need_id, func.count()).where(
            Match.need_id.in_(needs)).group_by(Match.need_id)).all())
    # Every need was matched (its rematch ran) and none got more than its five proposals.
    assert sorted(per_need) == sorted(needs)
    assert max(per_need.values()) <= 5


def test_every_mail_arrives_exactly_once_through_duplicates_two_relays_and_a_restart(world):
    worker = world["start_worker"]()
    inbox = world["inbox"]
    with api() as client:
        for i in range(2):
            client.post("/api/v1/initiatives", json=initiative_payload(
                name=f"Taalcafé {i}", needs=[need_payload(title=f"Taalmaatjes {i}")]))

    def proposed() -> list[int]:
        with unit_of_work() as session:
            return list(session.exec(select(Match.id).where(
                Match.status == "proposed", Match.resource_kind == "volunteer")
                .order_by(Match.id).limit(8)))

    proposals = wait_for(lambda: len(proposed()) == 8 and proposed(), 60, "eight proposals")
    browser = TestClient(create_app(embedded_worker=False), raise_server_exceptions=False)
    with browser:
        web_login(browser, email="broker@chaos.test", password="koppel-chaos-1")
        token = csrf_token(browser, "/broker/queue")
        for match_id in proposals[:4]:
            browser.post(f"/broker/matches/{match_id}/approve", data={"csrftoken": token})
        # Four more written while the publish after commit is lost (a crash in between).
        with unit_of_work() as session:
            outbox.batch(session, "notifications.")
            broker = auth.actor_for(session, auth.verify_credentials(
                session, "broker@chaos.test", "koppel-chaos-1"))
            for match_id in proposals[4:]:
                review.decide(session, broker, match_id, approve=True)
            for mail in session.exec(select(MailMessage).where(
                    MailMessage.match_id.in_(proposals[4:]))):
                session.add(OutboxMessage(task_name=TaskName.SEND_MAIL,
                                          payload={"mail_id": mail.id}))
        # One message delivered twice, back to back.
        with unit_of_work() as session:
            first = session.exec(select(OutboxMessage).where(
                OutboxMessage.task_name == TaskName.SEND_MAIL,
                OutboxMessage.published_at.is_not(None)).order_by(OutboxMessage.id)).first()
        for _ in range(2):
            celery_app.send_task(first.task_name, kwargs=first.payload,
                                 task_id=relay.task_id_for(first.id))
        # Two relays at once, as two processes, over the messages never published.
        relays = [subprocess.Popen([sys.executable, "-m", "services.cli", "outbox", "relay"],
                                   cwd=ROOT, env=world["env"] | {
                                       "KOPPEL_OUTBOX_GRACE_SECONDS": "-1"},
                                   stdout=subprocess.PIPE, text=True) for _ in range(2)]
        published = sum(int(p.communicate(timeout=60)[0].split()[1]) for p in relays)
        assert published == 4  # each lost message published by exactly one relay
        # PostgreSQL restarts while people keep writing.
        statuses = restart_postgres_under_writes()
        assert 500 not in statuses and 503 in statuses and statuses[-1] == 201
        settle(120)
    with unit_of_work() as session:
        mails = session.exec(select(MailMessage)).all()
    assert mails and all(m.sent_at is not None for m in mails)
    received = Counter(m["Message-ID"] for m in inbox.messages)
    assert sorted(received) == sorted(m.message_id for m in mails)
    assert set(received.values()) == {1}
    assert worker.poll() is None


def restart_postgres_under_writes() -> list[int]:
    """Restart the PostgreSQL cluster while initiatives are written through the API."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    restart = subprocess.Popen(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                                "restart", "-m", "fast"])
    statuses = []
    with api() as client:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            response = client.post("/api/v1/initiatives", json=initiative_payload(
                name=f"Tijdens herstart {len(statuses)}"))
            statuses.append(response.status_code)
            if restart.poll() is not None and response.status_code == 201:
                break
            time.sleep(0.1)
    assert restart.wait(timeout=60) == 0
    return statuses

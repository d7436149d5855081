"""Follow-on work that is never lost, mail that is never sent twice, failures people can see,
and 503 (never 500) when the service is overloaded or its database is away."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from celery import Celery
from sqlalchemy import create_engine
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, select

from core.config import get_settings
from core.permissions import Actor, Role
from db import session as session_module
from db.models import DeadLetter, Initiative, MailMessage, Match, Need, OutboxMessage
from db.session import unit_of_work
from db.types import utcnow
from services.brokerage import review
from services.notifications import tasks as mail_tasks
from services.outbox import relay
from services.outbox import service as outbox
from services.worker import beat
from services.worker.app import celery_app
from services.worker.queues import LIMITS, TaskName
from tests.helpers import Inbox, free_port, koppel_env
from tests.test_web_auth import csrf_token, web_login

ROOT = Path(__file__).resolve().parents[1]


class Refusing(Inbox):
    """An SMTP server that answers every message with the given code."""

    def __init__(self, code: int) -> None:
        super().__init__()
        self.code = code

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(envelope)
        return f"{self.code} Niet nu" if self.code < 500 else f"{self.code} Geweigerd"


@pytest.fixture
def smtp_server(monkeypatch):
    """Start an in-process SMTP server with a given handler and point Koppel at it."""
    controllers = []

    def start(handler):
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        monkeypatch.setenv("KOPPEL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("KOPPEL_SMTP_PORT", str(port))
        get_settings.cache_clear()
        return handler

    yield start
    for controller in controllers:
        controller.stop()
    monkeypatch.delenv("KOPPEL_SMTP_HOST", raising=False)
    monkeypatch.delenv("KOPPEL_SMTP_PORT", raising=False)
    get_settings.cache_clear()


def approved_invitation(session) -> MailMessage:
    """A broker approves a Haarlem volunteer proposal; its invitation mail is written."""
    match = session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.name == "BUUV", Match.resource_kind == "volunteer",
        Match.status == "proposed").order_by(Match.id)).first()
    with unit_of_work() as s:
        broker = Actor(user_id=1, email="broker@demo.koppel.nl", role=Role.BROKER,
                       municipality_code="GM0392")
        outbox.batch(s, "notifications.")  # write the mail, do not send it yet
        review.decide(s, broker, match.id, approve=True)
    return session.exec(select(MailMessage).where(MailMessage.match_id == match.id,
                                                  MailMessage.kind == "invitation")).one()


def test_a_message_is_done_when_its_task_has_run(admin, session):
    created = admin.post("/api/v1/initiatives", json={
        "name": "Buurtkeuken", "scope": "local", "municipality": "GM0392"}).json()
    session.expire_all()
    message = session.exec(select(OutboxMessage).where(
        OutboxMessage.task_name == TaskName.REFRESH_PROFILE,
        OutboxMessage.payload["initiative_id"].as_integer() == created["id"])).one()
    assert message.published_at is not None and message.processed_at is not None


def test_a_published_message_whose_task_never_ran_is_published_again(connection, session):
    # Handed to the broker long ago, then lost (a broker restart drops what it held).
    hard = LIMITS[TaskName.REFRESH_PROFILE][1]
    with unit_of_work() as s:
        lost = OutboxMessage(task_name=TaskName.REFRESH_PROFILE, payload={"initiative_id": 1},
                             published_at=utcnow() - timedelta(seconds=hard + 120), attempts=1)
        recent = OutboxMessage(task_name=TaskName.REFRESH_PROFILE,
                               payload={"initiative_id": 2}, published_at=utcnow(),
                               attempts=1, created_at=utcnow() - timedelta(hours=1))
        s.add_all([lost, recent])
    relay.publish_pending()
    session.expire_all()
    again = session.get(OutboxMessage, lost.id)
    assert again.attempts == 2 and again.processed_at is not None
    assert session.get(Initiative, 1).profile_refreshed_at is not None
    waiting = session.get(OutboxMessage, recent.id)  # may still be running: left alone
    assert waiting.attempts == 1 and waiting.processed_at is None


def test_a_task_that_cannot_take_its_payload_becomes_a_dead_letter(admin, session):
    with unit_of_work() as s:
        message = outbox.enqueue(s, TaskName.REFRESH_PROFILE, initiative="geen getal")
    session.expire_all()
    letter = session.exec(select(DeadLetter).where(
        DeadLetter.outbox_message_id == message.id)).one()
    assert letter.task_name == TaskName.REFRESH_PROFILE and "initiative" in letter.error
    assert session.get(OutboxMessage, message.id).failed_at is not None
    listed = admin.get("/api/v1/tasks/failed").json()
    assert listed["waiting"] >= 1 and letter.id in [item["id"] for item in listed["items"]]
    retried = admin.post(f"/api/v1/tasks/failed/{letter.id}/retry")
    assert retried.status_code == 202
    assert admin.post(f"/api/v1/tasks/failed/{letter.id}/retry").status_code == 409


def test_a_mail_delivered_twice_is_sent_once_with_a_fixed_message_id(session, smtp_server):
    inbox = smtp_server(Inbox())
    mail = approved_invitation(session)
    for _ in range(2):  # the same message delivered twice, back to back
        mail_tasks.send_mail.apply(kwargs={"mail_id": mail.id})
    assert len(inbox.messages) == 1
    session.expire_all()
    stored = session.get(MailMessage, mail.id)
    assert inbox.messages[0]["Message-ID"] == stored.message_id
    assert stored.sent_at is not None and stored.attempts == 1


def test_a_mail_claimed_before_a_crash_is_never_sent_again(session, smtp_server):
    inbox = smtp_server(Inbox())
    mail = approved_invitation(session)
    with unit_of_work() as s:  # SMTP said 250, then the worker died before recording it
        s.get(MailMessage, mail.id).claimed_at = utcnow()
    mail_tasks.send_mail.apply(kwargs={"mail_id": mail.id})
    assert inbox.messages == []


def test_a_refused_mail_is_recorded_and_offered_to_the_broker_again(client, session,
                                                                    smtp_server):
    refusing = smtp_server(Refusing(554))
    mail = approved_invitation(session)
    mail_tasks.send_mail.apply(kwargs={"mail_id": mail.id})
    assert len(refusing.messages) == 1  # a permanent refusal is not retried
    session.expire_all()
    failed = session.get(MailMessage, mail.id)
    assert failed.failed_at is not None and failed.sent_at is None
    assert failed.attempts == 1 and "554" in failed.last_error
    web_login(client, email="broker@demo.koppel.nl")
    page = BeautifulSoup(client.get("/broker/follow-up").text, "html.parser")
    assert "uitnodiging niet bezorgd" in page.get_text()
    button = page.find("form", attrs={"action": f"/broker/mails/{mail.id}/resend"})
    assert button is not None
    accepting = smtp_server(Inbox())
    client.post(f"/broker/mails/{mail.id}/resend",
                data={"csrftoken": csrf_token(client, "/broker/follow-up")})
    assert len(accepting.messages) == 1
    session.expire_all()
    assert session.get(MailMessage, mail.id).sent_at is not None


def test_a_mail_the_server_defers_is_retried_and_then_given_up(session, smtp_server,
                                                               monkeypatch):
    deferring = smtp_server(Refusing(451))
    mail = approved_invitation(session)
    mail_tasks.send_mail.apply(kwargs={"mail_id": mail.id})  # eager: retries run at once
    assert len(deferring.messages) == mail_tasks.MAX_RETRIES + 1
    session.expire_all()
    given_up = session.get(MailMessage, mail.id)
    assert given_up.failed_at is not None and "451" in given_up.last_error
    assert given_up.attempts == mail_tasks.MAX_RETRIES + 1


@pytest.mark.parametrize("failure", [
    sa_exc.TimeoutError("QueuePool limit reached"),
    sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))])
def test_no_connection_answers_503_never_500(client, monkeypatch, failure):
    def unavailable():
        raise failure

    monkeypatch.setattr(session_module, "new_session", unavailable)
    api = client.get("/api/v1/initiatives")
    assert api.status_code == 503
    assert api.json()["error"] == "unavailable" and int(api.headers["retry-after"]) > 0
    page = client.get("/")
    assert page.status_code == 503 and "Probeer het" in page.text
    assert int(page.headers["retry-after"]) > 0
    assert client.get("/healthz").status_code == 200


def test_cli_lists_and_retries_failed_tasks(tmp_path):
    env = koppel_env()
    env["KOPPEL_DATABASE_URL"] = f"sqlite:///{tmp_path / 'tasks.db'}"
    koppel = [sys.executable, "-m", "services.cli"]

    def run(*args):
        return subprocess.run(koppel + list(args), cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    run("db", "upgrade")
    engine = create_engine(env["KOPPEL_DATABASE_URL"])
    with Session(engine) as s:
        s.add(DeadLetter(task_name=TaskName.REFRESH_PROFILE, payload={"initiative_id": 7},
                         error="TypeError: iets klopte niet"))
        s.commit()
    engine.dispose()
    listed = run("tasks", "failed")
    assert "1 failed tasks not retried yet" in listed.stdout
    assert "initiatives.refresh_profile" in listed.stdout and '"initiative_id": 7' in listed.stdout
    retried = run("tasks", "retry", "1")
    assert retried.returncode == 0 and "queued again" in retried.stdout
    assert run("tasks", "retry", "1").returncode == 1


def test_a_second_beat_refuses_to_start_while_the_first_runs(tmp_path):
    app = Celery("beat-test", broker="redis://127.0.0.1:6379/12")
    redis.Redis.from_url(app.conf.broker_url).delete(beat.LOCK_KEY)
    first = beat.SingleBeat(app=app, schedule_filename=str(tmp_path / "first"))
    assert beat.is_running(app.conf.broker_url)
    with pytest.raises(SystemExit, match="already running"):
        beat.SingleBeat(app=app, schedule_filename=str(tmp_path / "second"))
    assert first.tick() <= beat.LOCK_SECONDS / 3  # renews the lock in time
    first.close()
    assert not beat.is_running(app.conf.broker_url)
    beat.SingleBeat(app=app, schedule_filename=str(tmp_path / "third")).close()


def test_the_broker_holds_a_task_no_longer_than_the_longest_time_limit_allows():
    conf = celery_app.conf
    longest = max(hard for _soft, hard in LIMITS.values())
    assert longest < conf.broker_transport_options["visibility_timeout"] <= longest + 600
    for name, (soft, hard) in LIMITS.items():
        assert conf.task_annotations[name.value] == {"soft_time_limit": soft, "time_limit": hard}
        assert soft < hard
    assert conf.task_acks_late and conf.task_reject_on_worker_lost

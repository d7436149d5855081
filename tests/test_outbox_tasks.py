"""Outbox rows are written with the change and published after commit; tasks are idempotent."""

import logging

from sqlmodel import select

from db.models import Initiative, OutboxMessage
from db.session import unit_of_work
from services.initiatives import tasks
from services.outbox import relay
from services.outbox import service as outbox
from tests.factories import initiative_payload, need_payload


def test_write_publishes_refresh_task_that_scores_completeness(admin, session):
    created = admin.post("/api/v1/initiatives", json=initiative_payload(
        needs=[need_payload()], phase="idea", legal_form="foundation")).json()
    session.expire_all()
    messages = session.exec(select(OutboxMessage).where(
        OutboxMessage.payload["initiative_id"].as_integer() == created["id"])).all()
    assert [m.task_name for m in messages] == ["initiatives.refresh_profile"]
    assert messages[0].published_at is not None and messages[0].attempts == 1
    initiative = session.get(Initiative, created["id"])
    assert initiative.profile_refreshed_at is not None
    assert 0 < initiative.completeness < 1
    assert admin.get(f"/api/v1/initiatives/{created['id']}").json()["completeness"] == \
        initiative.completeness


def test_refresh_task_is_idempotent(admin, session):
    created = admin.post("/api/v1/initiatives", json=initiative_payload()).json()
    tasks.refresh_profile.apply(kwargs={"initiative_id": created["id"]})
    session.expire_all()
    first = session.get(Initiative, created["id"])
    snapshot = (first.search_text, first.completeness)
    tasks.refresh_profile.apply(kwargs={"initiative_id": created["id"]})
    session.expire_all()
    again = session.get(Initiative, created["id"])
    assert (again.search_text, again.completeness) == snapshot


def test_refresh_of_a_vanished_initiative_is_a_logged_no_op(caplog, connection):
    caplog.set_level(logging.INFO, logger="services.initiatives.tasks")
    result = tasks.refresh_profile.apply(kwargs={"initiative_id": 987654})
    assert result.successful()
    assert "vanished" in caplog.text


def test_failed_transaction_leaves_no_outbox_row(connection, session):
    before = len(session.exec(select(OutboxMessage)).all())
    try:
        with unit_of_work() as s:
            outbox.enqueue(s, "initiatives.refresh_profile", initiative_id=1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    session.expire_all()
    assert len(session.exec(select(OutboxMessage)).all()) == before


def test_pending_messages_are_published_by_the_periodic_relay(connection, session, monkeypatch):
    monkeypatch.setattr(relay, "get_settings", lambda: type("S", (), {
        "outbox_grace_seconds": -1})())
    with unit_of_work() as s:
        # Written without the after-commit hook, as after a crash between commit and publish.
        message = OutboxMessage(task_name="initiatives.refresh_profile",
                                payload={"initiative_id": 1})
        s.add(message)
    assert relay.publish_pending() >= 1
    session.expire_all()
    assert session.get(OutboxMessage, message.id).published_at is not None
    assert session.get(Initiative, 1).profile_refreshed_at is not None


def test_publish_failure_keeps_the_message_pending(connection, session, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(relay, "dispatch", broken)
    with unit_of_work() as s:
        message = OutboxMessage(task_name="initiatives.refresh_profile",
                                payload={"initiative_id": 1})
        s.add(message)
    assert relay.publish([message.id]) == 0
    session.expire_all()
    stored = session.get(OutboxMessage, message.id)
    assert stored.published_at is None
    assert stored.attempts == 1 and "broker down" in stored.last_error


def test_a_message_is_published_only_after_its_transaction_commits(connection, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(relay, "dispatch", lambda name, payload, **_: sent.append(name))
    with unit_of_work() as s:
        outbox.enqueue(s, "initiatives.refresh_profile", initiative_id=1)
        s.flush()
        assert sent == []  # written, not yet announced: a worker would not find the change
    assert sent == ["initiatives.refresh_profile"]
    try:
        with unit_of_work() as s:
            outbox.enqueue(s, "initiatives.refresh_profile", initiative_id=1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert sent == ["initiatives.refresh_profile"]  # a rolled-back change is never announced

"""Outbox rows are written with the change and published after commit; tasks are idempotent."""

import logging
from datetime import timedelta

import pytest
from sqlmodel import select

from core.errors import Conflict, NotFound
from db.models import DeadLetter, Initiative, OutboxMessage
from db.session import unit_of_work
from db.types import utcnow
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


def _message(task_name: str, seconds_ago: float | None, attempts: int = 1, **fields):
    """An outbox row published that long ago (None: not yet), written without the hook."""
    now = utcnow()
    published = None if seconds_ago is None else now - timedelta(seconds=seconds_ago)
    return OutboxMessage(task_name=task_name, payload={"initiative_id": 1},
                         published_at=published, attempts=attempts, **fields)


def test_the_relay_publishes_again_only_what_its_task_limit_says_is_lost(connection,
                                                                          monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(relay, "dispatch", lambda name, payload, task_id: sent.append(task_id))
    refresh, rematch = "initiatives.refresh_profile", "matching.full_rematch"
    rows = {  # REFRESH_PROFILE is lost after 90 s + 60 s, FULL_REMATCH after 1800 s + 60 s
        "running": _message(refresh, 120), "lost": _message(refresh, 200),
        "long_task": _message(rematch, 200), "unknown_young": _message("oud.taak", 200),
        "unknown_lost": _message("oud.taak", 2000), "just_written": _message(refresh, None),
        "hook_missed": _message(refresh, None, created_at=utcnow() - timedelta(seconds=60)),
        "exhausted": _message(refresh, 2000, attempts=10)}
    with unit_of_work() as s:
        s.add_all(rows.values())
    assert relay.publish_pending(limit=1) == 1
    relay.publish_pending()
    ours = {relay.task_id_for(row.id): name for name, row in rows.items()}
    assert sorted(ours[t] for t in sent if t in ours) == ["hook_missed", "lost", "unknown_lost"]


def test_publish_sends_the_given_unfinished_messages_and_releases_one_the_broker_refuses(
        connection, session, monkeypatch):
    refresh = "initiatives.refresh_profile"
    rows = {name: _message(refresh, None) for name in ("refused", "first", "second", "other")}
    rows |= {"done": _message(refresh, None, processed_at=utcnow()),
             "dead": _message(refresh, None, failed_at=utcnow())}
    with unit_of_work() as s:
        s.add_all(rows.values())
    ids = {name: row.id for name, row in rows.items()}
    sent: list[str] = []

    def flaky(name, payload, task_id):
        if task_id == relay.task_id_for(ids["refused"]):
            raise ConnectionError("broker down")
        sent.append(task_id)

    monkeypatch.setattr(relay, "dispatch", flaky)
    given = [ids[name] for name in ("refused", "first", "second", "done", "dead")]
    assert relay.publish(given) == 2
    assert sent == [relay.task_id_for(ids["first"]), relay.task_id_for(ids["second"])]
    session.expire_all()
    assert session.get(OutboxMessage, ids["refused"]).published_at is None
    assert session.get(OutboxMessage, ids["other"]).published_at is None


def test_a_message_published_ten_times_without_result_becomes_a_dead_letter(connection, session,
                                                                            monkeypatch):
    monkeypatch.setattr(relay, "dispatch", lambda *_args, **_kwargs: None)
    refresh = "initiatives.refresh_profile"
    rows = {"silent": _message(refresh, 2000, attempts=10),
            "failing": _message(refresh, 2000, attempts=10, last_error="kapot"),
            "recent": _message(refresh, 100, attempts=10),
            "done": _message(refresh, 2000, attempts=10, processed_at=utcnow()),
            "buried": _message(refresh, 2000, attempts=10, failed_at=utcnow()),
            "ninth": _message(refresh, 2000, attempts=9)}
    with unit_of_work() as s:
        s.add_all(rows.values())
    relay.publish_pending()
    relay.publish_pending()
    session.expire_all()
    letters = {letter.outbox_message_id: letter for letter in session.exec(select(DeadLetter))}
    ids = {name: row.id for name, row in rows.items()}
    assert {name for name, i in ids.items() if i in letters} == {"silent", "failing"}
    silent = letters[ids["silent"]]
    assert (silent.task_name, silent.task_id, silent.payload) == \
        (refresh, f"outbox-{ids['silent']}", {"initiative_id": 1})
    assert silent.error == "10 keer verstuurd zonder resultaat; laatste fout: onbekend"
    assert letters[ids["failing"]].error.endswith("laatste fout: kapot")
    message = session.get(OutboxMessage, ids["silent"])
    assert message.failed_at is not None and message.last_error == silent.error
    assert message.attempts == 10
    assert session.get(OutboxMessage, ids["ninth"]).attempts == 10


def test_a_dead_letter_keeps_the_error_up_to_2000_characters_and_the_message_500(connection,
                                                                                 session):
    with unit_of_work() as s:
        message = _message("initiatives.refresh_profile", 2000)
        s.add(message)
    with unit_of_work() as s:
        relay.bury(s, message.task_name, relay.task_id_for(message.id), {"a": 1}, "e" * 3000)
    session.expire_all()
    letter = session.exec(select(DeadLetter).where(
        DeadLetter.outbox_message_id == message.id)).one()
    assert (letter.task_id, letter.payload, letter.error) == \
        (f"outbox-{message.id}", {"a": 1}, "e" * 2000)
    assert session.get(OutboxMessage, message.id).last_error == "e" * 500
    assert [d.id for d in outbox.dead_letters(session, limit=1)] == [letter.id]


def test_batch_mode_skips_per_item_messages_until_it_ends(connection, monkeypatch):
    monkeypatch.setattr(relay, "dispatch", lambda *_args, **_kwargs: None)
    with unit_of_work() as s:
        outbox.unbatch(s)  # ending a batch that never began is harmless
        outbox.batch(s, "initiatives.")
        assert outbox.enqueue(s, "initiatives.refresh_profile", initiative_id=1) is None
        assert outbox.enqueue(s, "matching.rematch_needs", need_ids=[1]) is not None
        outbox.unbatch(s)
        assert outbox.enqueue(s, "initiatives.refresh_profile", initiative_id=1) is not None


def test_the_failed_task_list_shows_the_newest_hundred(connection, session):
    with unit_of_work() as s:
        s.add_all([DeadLetter(task_name="oud.taak", payload={}, error=f"fout {i}")
                   for i in range(101)])
    listed = outbox.dead_letters(session)
    assert len(listed) == 100
    assert listed[0].error == "fout 100" and listed[0].id > listed[-1].id


def test_a_failed_task_is_retried_once_with_its_own_payload(connection, session, monkeypatch):
    monkeypatch.setattr(relay, "dispatch", lambda *_args, **_kwargs: None)
    with unit_of_work() as s:
        letter = DeadLetter(task_name="initiatives.refresh_profile",
                            payload={"initiative_id": 1}, error="kapot")
        s.add(letter)
    with unit_of_work() as s:
        message = outbox.retry(s, letter.id)
        assert (message.task_name, message.payload) == (letter.task_name, {"initiative_id": 1})
    with unit_of_work() as s, pytest.raises(Conflict) as again:
        outbox.retry(s, letter.id)
    assert again.value.detail == "Deze taak is al opnieuw gestart."
    with unit_of_work() as s, pytest.raises(NotFound) as missing:
        outbox.retry(s, 999999)
    assert missing.value.detail == "Mislukte taak 999999 bestaat niet."

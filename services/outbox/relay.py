"""Hand committed outbox rows to Celery, and keep handing them until their task has finished.

A message is claimed (published_at set) in a committed transaction before it is dispatched, so
two relays never publish the same row at the same moment (FOR UPDATE SKIP LOCKED on
PostgreSQL; SQLite has one writer at a time). A message published but not processed within its
task's hard time limit was lost somewhere (a broker restart, a killed worker) and is published
again; every task is idempotent, so that is safe.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from core.config import get_settings
from db.models import DeadLetter, OutboxMessage
from db.session import unit_of_work
from db.types import utcnow
from services.worker.app import dispatch
from services.worker.queues import LIMITS, TaskName

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 500
# After this many publishes without the task finishing, the message is a dead letter.
MAX_ATTEMPTS = 10
# Slack on top of a task's hard time limit before its message counts as lost.
LOST_AFTER_MARGIN = timedelta(seconds=60)
TASK_ID_PREFIX = "outbox-"

M = OutboxMessage


def task_id_for(message_id: int) -> str:
    """The Celery task id of an outbox message (so a task knows which message it serves)."""
    return f"{TASK_ID_PREFIX}{message_id}"


def message_id_of(task_id: str | None) -> int | None:
    """The outbox message behind a Celery task id, if it came from the outbox."""
    if task_id and task_id.startswith(TASK_ID_PREFIX):
        suffix = task_id.removeprefix(TASK_ID_PREFIX)
        return int(suffix) if suffix.isdigit() else None
    return None


def publish(message_ids: list[int]) -> int:
    """Publish just-committed messages (called after commit)."""
    return _publish_claimed(lambda now: M.id.in_(message_ids) & M.published_at.is_(None))


def publish_pending(limit: int = 500) -> int:
    """Publish what waited too long, and again what was published but never processed."""
    grace = timedelta(seconds=get_settings().outbox_grace_seconds)

    def due(now: datetime):
        lost = [and_(M.task_name == name.value, M.published_at < now - limits)
                for name, limits in _lost_after().items()]
        known = [name.value for name in TaskName]
        lost.append(and_(M.task_name.not_in(known), M.published_at < now - max(
            _lost_after().values())))
        return and_(M.attempts < MAX_ATTEMPTS,
                    or_(and_(M.published_at.is_(None), M.created_at < now - grace), *lost))

    published = _publish_claimed(due, limit)
    _bury_exhausted()
    return published


def _lost_after() -> dict[TaskName, timedelta]:
    return {name: timedelta(seconds=hard) + LOST_AFTER_MARGIN
            for name, (_soft, hard) in LIMITS.items()}


def _publish_claimed(condition, limit: int = 500) -> int:
    claimed = _claim(condition, limit)
    published = 0
    for message_id, task_name, payload in claimed:
        try:
            dispatch(task_name, payload, task_id=task_id_for(message_id))
        except Exception as exc:  # a broker outage must not fail the committed request
            log.warning("outbox message %s not published: %s", message_id, exc)
            _release(message_id, exc)
            continue
        published += 1
    return published


def _claim(condition, limit: int) -> list[tuple[int, str, dict]]:
    """Mark due messages as published, in a transaction of their own; return them."""
    now = utcnow()
    with unit_of_work() as session:
        due = select(M.id).where(M.processed_at.is_(None), M.failed_at.is_(None),
                                 condition(now)).order_by(M.id).limit(limit)
        if _dialect(session) == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = session.execute(
            update(M).where(M.id.in_(due.scalar_subquery()))
            .values(published_at=now, attempts=M.attempts + 1)
            .returning(M.id, M.task_name, M.payload)).all()
    return [(r[0], r[1], dict(r[2])) for r in sorted(rows)]


def _release(message_id: int, error: Exception) -> None:
    """The broker did not take it: let the periodic relay try again."""
    try:
        with unit_of_work() as session:
            session.execute(update(M).where(M.id == message_id).values(
                published_at=None, last_error=str(error)[:MAX_ERROR_LENGTH]))
    except Exception:  # recording is best effort; the claim then simply expires
        log.exception("could not release outbox message %s", message_id)


def _bury_exhausted() -> None:
    """Messages that were published MAX_ATTEMPTS times and never finished become dead letters."""
    with unit_of_work() as session:
        rows = session.execute(select(M).where(
            M.processed_at.is_(None), M.failed_at.is_(None), M.attempts >= MAX_ATTEMPTS,
            M.published_at < utcnow() - max(_lost_after().values()))).scalars().all()
        for message in rows:
            bury(session, message.task_name, task_id_for(message.id), message.payload,
                 f"{message.attempts} keer verstuurd zonder resultaat; "
                 f"laatste fout: {message.last_error or 'onbekend'}")


def mark_processed(task_id: str | None) -> None:
    """The task behind a message finished: the message is done."""
    message_id = message_id_of(task_id)
    if message_id is None:
        return
    with unit_of_work() as session:
        session.execute(update(M).where(M.id == message_id, M.processed_at.is_(None))
                        .values(processed_at=utcnow()))


def bury(session: Session, task_name: str, task_id: str | None, payload: dict,
         error: str) -> DeadLetter:
    """Record a task that failed for good, and stop publishing its message."""
    message_id = message_id_of(task_id)
    letter = DeadLetter(task_name=task_name, task_id=task_id, outbox_message_id=message_id,
                        payload=payload, error=error[:2000])
    session.add(letter)
    if message_id is not None:
        session.execute(update(M).where(M.id == message_id).values(
            failed_at=utcnow(), last_error=error[:MAX_ERROR_LENGTH]))
    session.flush()
    return letter


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


"""Publish committed outbox rows to Celery (or run them in-process when no broker is set)."""

import logging
from datetime import timedelta

from sqlmodel import select

from core.config import get_settings
from db.models import OutboxMessage
from db.session import unit_of_work
from db.types import utcnow
from services.worker.app import dispatch

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 500
# After this many failed publishes a message waits for an operator (see last_error).
MAX_ATTEMPTS = 10


def publish(message_ids: list[int]) -> int:
    """Publish the given messages; failures stay pending for the periodic relay.

    Dispatch happens before the row is marked, outside any transaction of ours: a crash in
    between sends a task twice, which is harmless because every task is idempotent, and an
    eager task can write without waiting for our lock.
    """
    published = 0
    for message_id in message_ids:
        with unit_of_work() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None or message.published_at is not None:
                continue
            task_name, payload = message.task_name, dict(message.payload)
        try:
            dispatch(task_name, payload, message_id=message_id)
        except Exception as exc:  # a broker outage must not fail the committed request
            log.warning("outbox message %s not published: %s", message_id, exc)
            _record(message_id, error=exc)
            continue
        _record(message_id, error=None)
        published += 1
    return published


def publish_pending(limit: int = 500) -> int:
    """Publish messages that stayed pending longer than the grace period."""
    cutoff = utcnow() - timedelta(seconds=get_settings().outbox_grace_seconds)
    with unit_of_work() as session:
        ids = list(
            session.exec(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.published_at.is_(None),
                    OutboxMessage.created_at < cutoff,
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
    return publish(ids)


def _record(message_id: int, *, error: Exception | None) -> None:
    try:
        with unit_of_work() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                return
            message.attempts += 1
            if error is None:
                message.published_at = utcnow()
                message.last_error = None
            else:
                message.last_error = str(error)[:MAX_ERROR_LENGTH]
    except Exception:  # recording is best effort; the row is then simply retried
        log.exception("could not record the outcome of outbox message %s", message_id)

"""Write messages for workers into the outbox, inside the caller's transaction."""

from sqlmodel import Session

from db.models import OutboxMessage
from db.session import after_commit
from services.outbox import relay

_BATCHED = "koppel_outbox_batched_prefixes"


def batch(session: Session, prefix: str) -> None:
    """Skip per-item messages whose task name starts with prefix in this unit of work.

    For bulk loads that queue one batch task at the end instead of one task per row.
    """
    session.info.setdefault(_BATCHED, set()).add(prefix)


def unbatch(session: Session) -> None:
    """End batch mode: from here on every message is queued again."""
    session.info.pop(_BATCHED, None)


def enqueue(session: Session, task_name: str, **kwargs: object) -> OutboxMessage | None:
    """Record a task to run; it is published only once the transaction commits."""
    if any(task_name.startswith(p) for p in session.info.get(_BATCHED, ())):
        return None
    message = OutboxMessage(task_name=task_name, payload=dict(kwargs))
    session.add(message)
    session.flush()
    message_id = message.id

    after_commit(session, lambda: relay.publish([message_id]))
    return message

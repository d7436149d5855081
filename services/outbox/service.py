"""Write messages for workers into the outbox, inside the caller's transaction; dead letters."""

from sqlmodel import Session, func, select

from core.errors import Conflict, NotFound
from db.models import DeadLetter, OutboxMessage
from db.session import after_commit
from db.types import utcnow
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


def dead_letters(session: Session, limit: int = 100) -> list[DeadLetter]:
    """Tasks that failed for good, newest first."""
    return list(session.exec(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)))


def dead_letter_count(session: Session) -> int:
    """How many failed tasks wait for someone to look (not retried yet)."""
    return session.exec(select(func.count()).select_from(DeadLetter)
                        .where(DeadLetter.retried_at.is_(None))).one()


def retry(session: Session, letter_id: int) -> OutboxMessage:
    """Run a failed task again, through the outbox like any other message."""
    letter = session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFound(f"Mislukte taak {letter_id} bestaat niet.")
    if letter.retried_at is not None:
        raise Conflict("Deze taak is al opnieuw gestart.")
    letter.retried_at = utcnow()
    return enqueue(session, letter.task_name, **letter.payload)

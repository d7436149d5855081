"""Write messages for workers into the outbox, inside the caller's transaction."""

from sqlmodel import Session

from db.models import OutboxMessage
from db.session import after_commit


def enqueue(session: Session, task_name: str, **kwargs: object) -> OutboxMessage:
    """Record a task to run; it is published only once the transaction commits."""
    message = OutboxMessage(task_name=task_name, payload=dict(kwargs))
    session.add(message)
    session.flush()
    message_id = message.id

    def _publish() -> None:
        from services.outbox import relay  # the relay needs the Celery app; load it lazily

        relay.publish([message_id])

    after_commit(session, _publish)
    return message

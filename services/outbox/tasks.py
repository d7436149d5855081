"""Outbox tasks, and the bookkeeping every task's end triggers."""

import logging

from celery.signals import task_failure, task_success

from db.session import unit_of_work
from services.outbox import relay
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.RELAY_PENDING, ignore_result=True)
def relay_pending() -> int:
    """Publish outbox rows left pending or lost on the way (see schedules.py)."""
    count = relay.publish_pending()
    if count:
        log.info("outbox relay published %d messages", count)
    return count


@task_success.connect
def _processed(sender=None, **_kwargs) -> None:
    """A task finished: its outbox message is done."""
    relay.mark_processed(sender.request.id)


@task_failure.connect
def _dead_letter(sender=None, task_id=None, exception=None, kwargs=None, **_rest) -> None:
    """A task failed for good (retries used up, or a payload it cannot take): keep it."""
    log.error("task %s (%s) failed for good: %r", sender.name, task_id, exception)
    with unit_of_work() as session:
        relay.bury(session, sender.name, task_id, dict(kwargs or {}),
                   f"{type(exception).__name__}: {exception}")

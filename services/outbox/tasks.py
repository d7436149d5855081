"""Outbox tasks."""

import logging

from services.outbox import relay
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.RELAY_PENDING, ignore_result=True)
def relay_pending() -> int:
    """Publish outbox rows left pending (see schedules.py)."""
    count = relay.publish_pending()
    if count:
        log.info("outbox relay published %d pending messages", count)
    return count

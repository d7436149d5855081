"""Scheduled privacy jobs."""

import logging

from db.session import unit_of_work
from services.people import retention
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.APPLY_RETENTION, ignore_result=True)
def apply_retention(dry_run: bool = False) -> dict:
    """Erase personal data past its retention period; idempotent."""
    with unit_of_work() as session:
        report = retention.apply(session, dry_run=dry_run)
    for line in report.lines():
        log.info("retention: %s", line)
    return {"volunteers": report.volunteers, "clients": report.clients,
            "sessions": report.sessions, "dry_run": dry_run}

"""Saved-search tasks: the daily digest run."""

from db.session import unit_of_work
from services.searches import digest
from services.worker.app import celery_app
from services.worker.queues import TaskName


@celery_app.task(name=TaskName.SEND_SEARCH_DIGESTS, ignore_result=True)
def send_digests() -> int:
    """Mail what is new for every due saved search (see schedules.py)."""
    with unit_of_work() as session:
        return digest.send_due(session)

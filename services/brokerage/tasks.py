"""Brokerage tasks: the daily follow-up question, and a need closed as fulfilled."""

import logging

from sqlalchemy.exc import OperationalError

from db.models import Need
from db.session import unit_of_work
from services.brokerage import followup
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.ASK_FOLLOW_UPS, ignore_result=True)
def follow_ups() -> int:
    """Ask "Is de hulp gelukt?" for matches accepted long enough ago (see schedules.py)."""
    with unit_of_work() as session:
        return followup.ask_due(session)


@celery_app.task(name=TaskName.NEED_CLOSED, autoretry_for=(OperationalError,),
                 retry_backoff=True, max_retries=5, ignore_result=True)
def need_closed(need_id: int) -> None:
    """A need was closed as fulfilled: that answers the follow-up of its active matches."""
    with unit_of_work() as session:
        need = session.get(Need, need_id)
        if need is None:
            log.info("need %s vanished before it was closed; nothing to do", need_id)
            return
        followup.close_need(session, need)

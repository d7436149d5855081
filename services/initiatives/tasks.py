"""Initiative tasks: take IDs, open their own unit of work, reload, tolerate vanished rows."""

import logging

from sqlalchemy.exc import OperationalError

from core.errors import NotFound
from db.session import unit_of_work
from services.initiatives import service
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(
    name=TaskName.REFRESH_PROFILE,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def refresh_profile(initiative_id: int) -> None:
    """Recompute an initiative's search document and completeness score (idempotent)."""
    with unit_of_work() as session:
        try:
            initiative = service.get(session, initiative_id)
        except NotFound:
            log.info("initiative %s vanished before its refresh; nothing to do", initiative_id)
            return
        service.refresh_profile(session, initiative)

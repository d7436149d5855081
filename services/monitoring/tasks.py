"""Dashboard tasks: refresh one municipality's snapshot, or every one (see schedules.py)."""

import logging

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from db.models import Municipality
from db.session import unit_of_work
from services.monitoring import service
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.REFRESH_DASHBOARD, autoretry_for=(OperationalError,),
                 retry_backoff=True, max_retries=5, ignore_result=True)
def refresh_dashboard(key: str) -> None:
    """Recompute one snapshot ("NL": every municipality together)."""
    with unit_of_work() as session:
        if key != service.ALL and session.get(Municipality, key) is None:
            log.info("municipality %s vanished before its dashboard was refreshed", key)
            return
        service.refresh(session, key)


@celery_app.task(name=TaskName.REFRESH_DASHBOARDS, ignore_result=True)
def refresh_dashboards() -> int:
    """Recompute every snapshot, one unit of work per municipality so one slow one blocks none."""
    with unit_of_work() as session:
        keys = [*session.exec(select(Municipality.code).order_by(Municipality.code)), service.ALL]
    for key in keys:
        with unit_of_work() as session:
            service.refresh(session, key)
    return len(keys)

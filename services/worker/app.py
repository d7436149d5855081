"""The Celery application, configured from settings."""

import logging

from celery import Celery

from core.config import get_settings
from services.worker.queues import ROUTES, Queue
from services.worker.schedules import BEAT_SCHEDULE

log = logging.getLogger(__name__)

TASK_MODULES = [
    "services.initiatives.tasks",
    "services.outbox.tasks",
    "services.people.tasks",
    "services.matching.tasks",
    "services.notifications.tasks",
    "services.brokerage.tasks",
]


def make_celery() -> Celery:
    """A Celery app on Redis, or an eager in-process one when no broker is configured."""
    settings = get_settings()
    app = Celery("koppel", include=TASK_MODULES)
    broker = settings.redis_url or "memory://"
    app.conf.update(
        broker_url=broker,
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=settings.eager_tasks,
        task_eager_propagates=True,
        task_default_queue=Queue.DEFAULT.value,
        task_routes=ROUTES,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule=BEAT_SCHEDULE,
        timezone="Europe/Amsterdam",
        enable_utc=True,
    )
    return app


celery_app = make_celery()


def dispatch(task_name: str, kwargs: dict, *, message_id: int | None = None) -> None:
    """Send a task by name; runs it right here when tasks are eager."""
    if celery_app.conf.task_always_eager:
        celery_app.loader.import_default_modules()
        celery_app.tasks[task_name].apply(kwargs=kwargs)
        return
    task_id = f"outbox-{message_id}" if message_id is not None else None
    celery_app.send_task(task_name, kwargs=kwargs, task_id=task_id)

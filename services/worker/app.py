"""The Celery application, configured from settings."""

import logging

from celery import Celery

from core.config import get_settings
from services.worker.queues import LIMITS, ROUTES, VISIBILITY_TIMEOUT, Queue
from services.worker.schedules import BEAT_SCHEDULE

log = logging.getLogger(__name__)

TASK_MODULES = [
    "services.initiatives.tasks",
    "services.outbox.tasks",
    "services.people.tasks",
    "services.matching.tasks",
    "services.notifications.tasks",
    "services.brokerage.tasks",
    "services.searches.tasks",  # saved searches
    "services.monitoring.tasks",  # municipal dashboard
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
        # In-process tasks fail like a worker's would: recorded as a dead letter (see
        # services/outbox/tasks.py), never as an error in the request that queued them.
        task_eager_propagates=False,
        task_default_queue=Queue.DEFAULT.value,
        task_routes=ROUTES,
        # A message is acknowledged when its task ends, so a killed worker's task is delivered
        # again: after the visibility timeout by Redis, or sooner by the outbox reconciler.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_annotations={name.value: {"soft_time_limit": soft, "time_limit": hard}
                          for name, (soft, hard) in LIMITS.items()},
        # Never wait long for a broker that is down: the outbox keeps the message meanwhile.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2,
                                   "interval_step": 0.5, "interval_max": 1},
        beat_schedule=BEAT_SCHEDULE,
        timezone="Europe/Amsterdam",
        enable_utc=True,
    )
    return app


celery_app = make_celery()


def dispatch(task_name: str, kwargs: dict, *, task_id: str | None = None) -> None:
    """Send a task by name; runs it right here when tasks are eager."""
    if celery_app.conf.task_always_eager:
        celery_app.loader.import_default_modules()
        celery_app.tasks[task_name].apply(kwargs=kwargs, task_id=task_id)
        return
    celery_app.send_task(task_name, kwargs=kwargs, task_id=task_id)

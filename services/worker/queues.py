"""Queue names: every task is routed to one of these."""

from enum import StrEnum


class Queue(StrEnum):
    """Celery queues Koppel uses."""

    DEFAULT = "koppel.default"
    MATCHING = "koppel.matching"
    NOTIFICATIONS = "koppel.notifications"


# Task-name prefix → queue.
ROUTES = {
    "initiatives.*": {"queue": Queue.DEFAULT.value},
    "outbox.*": {"queue": Queue.DEFAULT.value},
    "privacy.*": {"queue": Queue.DEFAULT.value},
    "matching.*": {"queue": Queue.MATCHING.value},
    "notifications.*": {"queue": Queue.NOTIFICATIONS.value},
}

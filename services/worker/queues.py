"""Task names and queues: every task has a name from TaskName and is routed to a Queue."""

from enum import StrEnum


class Queue(StrEnum):
    """Celery queues Koppel uses."""

    DEFAULT = "koppel.default"
    MATCHING = "koppel.matching"
    NOTIFICATIONS = "koppel.notifications"


class TaskName(StrEnum):
    """Every task a worker runs; outbox messages and schedules name tasks only through this."""

    REFRESH_PROFILE = "initiatives.refresh_profile"
    RELAY_PENDING = "outbox.relay_pending"
    APPLY_RETENTION = "privacy.apply_retention"
    REMATCH_NEEDS = "matching.rematch_needs"
    REMATCH_FOR_RESOURCE = "matching.rematch_for_resource"
    FULL_REMATCH = "matching.full_rematch"
    NIGHTLY_REMATCH = "matching.nightly"
    SEND_MAIL = "notifications.send_mail"
    ASK_FOLLOW_UPS = "brokerage.follow_ups"
    NEED_CLOSED = "brokerage.need_closed"


# Task-name prefix → queue.
ROUTES = {
    "initiatives.*": {"queue": Queue.DEFAULT.value},
    "outbox.*": {"queue": Queue.DEFAULT.value},
    "privacy.*": {"queue": Queue.DEFAULT.value},
    "brokerage.*": {"queue": Queue.DEFAULT.value},
    "matching.*": {"queue": Queue.MATCHING.value},
    "notifications.*": {"queue": Queue.NOTIFICATIONS.value},
}

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
    SEND_SEARCH_DIGESTS = "searches.send_digests"  # saved searches
    FULL_REMATCH_SHARD = "matching.full_rematch_shard"  # one region of a sharded full rematch
    REFRESH_DASHBOARD = "monitoring.refresh_dashboard"  # municipal dashboard
    REFRESH_DASHBOARDS = "monitoring.refresh_dashboards"  # municipal dashboard


# What each task does, in Dutch, for the people who look after failed ones.
DESCRIPTIONS: dict[TaskName, str] = {
    TaskName.REFRESH_PROFILE: "Zoektekst en volledigheid van een profiel bijwerken",
    TaskName.RELAY_PENDING: "Wachtende berichten aan de werkers doorgeven",
    TaskName.APPLY_RETENTION: "Persoonsgegevens na de bewaartermijn wissen",
    TaskName.REMATCH_NEEDS: "Voorstellen voor hulpvragen opnieuw berekenen",
    TaskName.REMATCH_FOR_RESOURCE: "Voorstellen na een gewijzigd fonds, vrijwilliger of regeling",
    TaskName.FULL_REMATCH: "Alle voorstellen opnieuw berekenen",
    TaskName.NIGHTLY_REMATCH: "Nachtelijke herberekening van alle voorstellen",
    TaskName.SEND_MAIL: "Een e-mail versturen",
    TaskName.ASK_FOLLOW_UPS: "Vragen of de hulp gelukt is",
    TaskName.NEED_CLOSED: "Een vervulde hulpvraag afronden",
    TaskName.SEND_SEARCH_DIGESTS: "Overzichten van bewaarde zoekopdrachten mailen",
    TaskName.FULL_REMATCH_SHARD: "Eén regio van een verdeelde herberekening",
    TaskName.REFRESH_DASHBOARD: "Het dashboard van een gemeente bijwerken",
    TaskName.REFRESH_DASHBOARDS: "De dashboards van alle gemeenten bijwerken",
}

# Soft and hard time limits per task, in seconds. A task over its soft limit gets a chance to
# stop cleanly; the hard limit kills it. A national rematch takes about a minute (make bench),
# so half an hour is generous; the broker's visibility timeout must stay above the longest.
LIMITS: dict[TaskName, tuple[int, int]] = {
    TaskName.REFRESH_PROFILE: (60, 90),
    TaskName.RELAY_PENDING: (120, 180),
    TaskName.APPLY_RETENTION: (600, 660),
    TaskName.REMATCH_NEEDS: (300, 360),
    TaskName.REMATCH_FOR_RESOURCE: (600, 660),
    TaskName.FULL_REMATCH: (1500, 1800),
    TaskName.NIGHTLY_REMATCH: (1500, 1800),
    TaskName.SEND_MAIL: (60, 90),
    TaskName.ASK_FOLLOW_UPS: (300, 360),
    TaskName.NEED_CLOSED: (60, 90),
    TaskName.SEND_SEARCH_DIGESTS: (600, 660),  # saved searches
    TaskName.FULL_REMATCH_SHARD: (1500, 1800),
    TaskName.REFRESH_DASHBOARD: (120, 180),  # municipal dashboard
    TaskName.REFRESH_DASHBOARDS: (1200, 1500),  # municipal dashboard
}
VISIBILITY_TIMEOUT = max(hard for _soft, hard in LIMITS.values()) + 300

# Task-name prefix → queue.
ROUTES = {
    "initiatives.*": {"queue": Queue.DEFAULT.value},
    "outbox.*": {"queue": Queue.DEFAULT.value},
    "privacy.*": {"queue": Queue.DEFAULT.value},
    "brokerage.*": {"queue": Queue.DEFAULT.value},
    "matching.*": {"queue": Queue.MATCHING.value},
    "notifications.*": {"queue": Queue.NOTIFICATIONS.value},
    "searches.*": {"queue": Queue.DEFAULT.value},  # saved searches
    "monitoring.*": {"queue": Queue.DEFAULT.value},  # municipal dashboard
}

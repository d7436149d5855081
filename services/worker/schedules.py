"""Every periodic job in one place (Celery beat, or the in-process loop in embedded mode)."""

from datetime import timedelta

BEAT_SCHEDULE = {
    # Safety net: a message whose publish failed right after commit (broker down, crash)
    # is picked up here, so no committed change is ever left unannounced.
    "outbox-relay-pending": {
        "task": "outbox.relay_pending",
        "schedule": timedelta(seconds=60),
    },
}

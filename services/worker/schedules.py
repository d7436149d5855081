"""Every periodic job in one place (Celery beat, or the in-process loop in embedded mode)."""

from datetime import timedelta

from celery.schedules import crontab

from services.worker.queues import TaskName

BEAT_SCHEDULE = {
    # Safety net: a message whose publish failed right after commit (broker down, crash)
    # is picked up here, so no committed change is ever left unannounced.
    "outbox-relay-pending": {
        "task": TaskName.RELAY_PENDING,
        "schedule": timedelta(seconds=60),
    },
    # Personal data must not outlive its retention period; a quiet hour keeps the erasure
    # away from office use.
    "privacy-apply-retention": {
        "task": TaskName.APPLY_RETENTION,
        "schedule": crontab(hour=3, minute=30),
    },
    # Once a day is enough for a question asked two weeks after an introduction.
    "brokerage-follow-ups": {
        "task": TaskName.ASK_FOLLOW_UPS,
        "schedule": crontab(hour=9, minute=0),
    },
    # Targeted rematches follow every change; the nightly run also catches what time alone
    # changes (calls opening or closing, volunteers going quiet) and rebalances exposure.
    "matching-nightly": {
        "task": TaskName.NIGHTLY_REMATCH,
        "schedule": crontab(hour=2, minute=0),
    },
    # Saved searches: one digest run a day, early, so the mail is there at the start of work;
    # weekly searches are simply not due on the other days.
    "searches-digests": {
        "task": TaskName.SEND_SEARCH_DIGESTS,
        "schedule": crontab(hour=7, minute=0),
    },
    # Municipal dashboard: snapshots every hour, so the page reads a stored figure and opening
    # it never waits on a national aggregate; a stale page also asks for one through the outbox.
    "monitoring-dashboards": {
        "task": TaskName.REFRESH_DASHBOARDS,
        "schedule": crontab(minute=17),
    },
}

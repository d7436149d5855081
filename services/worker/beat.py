"""Celery beat that refuses to run twice: two beats would start every periodic job twice."""

import contextlib
import logging

import redis
from celery.beat import PersistentScheduler
from redis.exceptions import LockError

log = logging.getLogger(__name__)
LOCK_KEY = "koppel:beat"
# The lock outlives a missed tick or two; a beat that died frees it within this time.
LOCK_SECONDS = 60


def is_running(broker_url: str) -> bool:
    """Whether some beat holds the lock right now (for a healthcheck)."""
    return bool(redis.Redis.from_url(broker_url, socket_timeout=3).exists(LOCK_KEY))


class SingleBeat(PersistentScheduler):
    """Holds a lock in the broker's Redis while it runs, renewed on every tick."""

    def setup_schedule(self) -> None:
        """Take the lock before scheduling anything; leave when another beat has it."""
        client = redis.Redis.from_url(self.app.conf.broker_url)
        self._lock = client.lock(LOCK_KEY, timeout=LOCK_SECONDS, thread_local=False)
        if not self._lock.acquire(blocking=False):
            raise SystemExit("another Koppel beat is already running; this one stops")
        log.info("beat lock taken (%s)", LOCK_KEY)
        super().setup_schedule()

    def tick(self, *args, **kwargs) -> float:
        """Renew the lock, then run what is due; wake up in time to renew it again."""
        try:
            self._lock.reacquire()
        except LockError:
            raise SystemExit("the beat lock was lost; stopping so that no job runs twice") \
                from None
        return min(super().tick(*args, **kwargs), LOCK_SECONDS / 3)

    def close(self) -> None:
        """Free the lock at a clean stop, so a new beat can start at once."""
        with contextlib.suppress(LockError):
            self._lock.release()
        super().close()

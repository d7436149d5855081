"""Matching tasks: targeted rematches after a change, and the nightly full rematch."""

import logging
import time

import redis
from celery.signals import worker_process_init
from sqlalchemy.exc import OperationalError

from core import dutch
from core.config import get_settings
from db.models import MatchingRun
from db.session import unit_of_work
from db.types import utcnow
from services.matching import loader, runner, shards
from services.outbox import service as outbox
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "ignore_result": True}


@worker_process_init.connect
def warm_up(**_kwargs) -> None:
    """Load what every rematch reads (the lemma dictionary takes seconds, the codebook and
    the PC4 grid less) when a worker process starts, not in the first new need's time."""
    dutch.normalise("vrijwilligers gezocht")
    loader.codebook()
    loader.pc4_grid().neighbours(25.0)
    try:
        with unit_of_work() as session:
            kept = loader.warm_volunteers(session)
        log.info("kept %d volunteers for targeted rematches", kept)
    except Exception:  # no database yet: the first rematch reads what it needs
        log.warning("could not read volunteers at start", exc_info=True)


@celery_app.task(name=TaskName.REMATCH_NEEDS, **RETRY)
def rematch_needs(need_ids: list[int]) -> dict:
    """Rematch a block of needs (idempotent: the same data gives the same proposals)."""
    with unit_of_work() as session:
        stats = runner.rematch(session, list(need_ids))
    log.info("rematched %d needs: %s", len(need_ids), stats)
    return stats


@celery_app.task(name=TaskName.REMATCH_FOR_RESOURCE, **RETRY)
def rematch_for_resource(kind: str, resource_id: int) -> int:
    """A fund, call, volunteer, client or instrument changed: rematch the needs it touches."""
    with unit_of_work() as session:
        affected = runner.needs_affected_by(session, kind, resource_id)
    for block in runner.blocks(affected):
        with unit_of_work() as session:
            runner.rematch(session, block)
    log.info("%s %s changed: %d needs rematched", kind, resource_id, len(affected))
    return len(affected)


@celery_app.task(name=TaskName.FULL_REMATCH, **RETRY)
def full_rematch(run_id: int, shard_count: int | None = None) -> None:
    """Rematch every open need (see schedules.py and POST /api/v1/matching/runs), in
    KOPPEL_MATCHING_SHARDS shards (or the given number)."""
    settings = get_settings()
    count = shard_count or settings.matching_shards
    if count <= 1:
        runner.full_run(unit_of_work, run_id)
    elif not settings.redis_url:
        # No broker, one process: the shards run one after the other.
        runner.full_run(unit_of_work, run_id,
                        lambda factory: shards.run_local(factory, count, run_id=run_id))
    elif runner.start(unit_of_work, run_id):
        with unit_of_work() as session:
            parts = shards.plan(session, count)
        shards.publish_plan(_redis(), run_id, parts)
        with unit_of_work() as session:
            for index in range(count):
                outbox.enqueue(session, TaskName.FULL_REMATCH_SHARD, run_id=run_id,
                               index=index, count=count)


@celery_app.task(name=TaskName.FULL_REMATCH_SHARD, ignore_result=True)
def full_rematch_shard(run_id: int, index: int, count: int) -> None:
    """One region of a sharded full rematch; shard 0 combines and records the run."""
    started = time.perf_counter()
    try:
        stats = shards.run_shard(unit_of_work, _redis(), run_id, index, count)
    except Exception as exc:
        runner.fail(unit_of_work, run_id, exc)
        raise
    if index == 0:
        with unit_of_work() as session:
            run = session.get(MatchingRun, run_id)
            created = run.created_at if run is not None else None
        seconds = time.perf_counter() - started
        if created is not None:
            seconds = max(seconds, (utcnow() - created).total_seconds())
        runner.finish(unit_of_work, run_id, stats, seconds)


def _redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url)


@celery_app.task(name=TaskName.NIGHTLY_REMATCH, ignore_result=True)
def nightly() -> None:
    """Create a run and execute it."""
    with unit_of_work() as session:
        run = MatchingRun(kind="nightly")
        session.add(run)
        session.flush()
        run_id = run.id
    runner.full_run(unit_of_work, run_id)

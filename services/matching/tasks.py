"""Matching tasks: targeted rematches after a change, and the nightly full rematch."""

import logging

from sqlalchemy.exc import OperationalError

from db.models import MatchingRun
from db.session import unit_of_work
from services.matching import runner
from services.worker.app import celery_app
from services.worker.queues import TaskName

log = logging.getLogger(__name__)
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5,
         "ignore_result": True}


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
def full_rematch(run_id: int) -> None:
    """Rematch every open need (see schedules.py and POST /api/v1/matching/runs)."""
    runner.full_run(unit_of_work, run_id)


@celery_app.task(name=TaskName.NIGHTLY_REMATCH, ignore_result=True)
def nightly() -> None:
    """Create a run and execute it."""
    with unit_of_work() as session:
        run = MatchingRun(kind="nightly")
        session.add(run)
        session.flush()
        run_id = run.id
    runner.full_run(unit_of_work, run_id)

"""Matching as the rest of Koppel reads it: suggestions and matching runs (the engine itself
runs in services/matching/runner.py, on workers)."""

from enum import StrEnum

from sqlmodel import Session, select

from core.errors import NotFound
from core.permissions import Actor
from db.models import Match, MatchingRun
from services.matching.schemas import MatchRead
from services.outbox import service as outbox
from services.worker.queues import TaskName


class RunStatus(StrEnum):
    """Where a matching run stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def matches_where(session: Session, **where: object) -> list[MatchRead]:
    """Matches with the given column values, best first, as the API shows them."""
    stmt = select(Match).order_by(Match.score.desc(), Match.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Match, key) == value)
    return [MatchRead.model_validate(m, from_attributes=True) for m in session.exec(stmt)]


def start_run(session: Session, actor: Actor) -> MatchingRun:
    """Queue a full rematch; its progress is kept on the returned run."""
    run = MatchingRun(kind="full", status=RunStatus.QUEUED, requested_by=actor.user_id)
    session.add(run)
    session.flush()
    outbox.enqueue(session, TaskName.FULL_REMATCH, run_id=run.id)
    return run


def get_run(session: Session, run_id: int) -> MatchingRun:
    """A matching run, or NotFound."""
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound(f"Run {run_id} bestaat niet.")
    return run


def recent_runs(session: Session, limit: int = 20) -> list[MatchingRun]:
    """The latest matching runs, newest first (beheer)."""
    return list(session.exec(select(MatchingRun).order_by(MatchingRun.id.desc()).limit(limit)))

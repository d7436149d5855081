"""JSON API for matches and matching runs."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from db.models import Match, MatchingRun, Need, ParticipationClient
from services.api.deps import SessionDep
from services.api.errors import ERROR_RESPONSES
from services.auth.deps import Allowed
from services.errors import NotFound
from services.initiatives import service as initiatives
from services.matching import followup
from services.matching.schemas import MatchRead, RunRead
from services.outbox import service as outbox
from services.privacy import NoBsn
from services.resources import service as resources

router = APIRouter(tags=["matching"], responses=ERROR_RESPONSES)


def _matches(session, **where) -> list[MatchRead]:
    stmt = select(Match).order_by(Match.score.desc(), Match.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Match, key) == value)
    return [MatchRead.model_validate(m, from_attributes=True) for m in session.exec(stmt)]


@router.get("/needs/{need_id}/matches", response_model=list[MatchRead], name="api_need_matches")
def need_matches(session: SessionDep, actor: Allowed("need.matches"), need_id: int):
    """Suggestions for one need, best first, with reasons."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"Behoefte {need_id} bestaat niet.")
    initiatives.get_editable(session, actor, need.initiative_id, "need.matches")
    return _matches(session, need_id=need_id)


@router.get("/funds/{fund_id}/matches", response_model=list[MatchRead], name="api_fund_matches")
def fund_matches(session: SessionDep, actor: Allowed("fund.matches"), fund_id: int):
    """Needs suggested to a fund."""
    resources.get_fund(session, actor, fund_id, "fund.matches")
    return _matches(session, resource_kind="fund", resource_id=fund_id)


@router.get("/volunteers/me/matches", response_model=list[MatchRead],
            name="api_volunteer_my_matches")
def my_matches(session: SessionDep, actor: Allowed("volunteer.matches")):
    """Needs suggested to the signed-in volunteer."""
    if actor.volunteer_id is None:
        return []
    return _matches(session, resource_kind="volunteer", resource_id=actor.volunteer_id)


@router.get("/clients/{client_id}/matches", response_model=list[MatchRead],
            name="api_client_matches")
def client_matches(session: SessionDep, actor: Allowed("client.matches"), client_id: int):
    """Participation places suggested for a client, for their consultant."""
    client = session.get(ParticipationClient, client_id)
    if client is None or client.consultant_user_id != actor.user_id:
        raise NotFound(f"Cliënt {client_id} bestaat niet.")
    return _matches(session, resource_kind="placement", resource_id=client_id)


class HoursIn(BaseModel):
    """Hours given through a match."""

    model_config = ConfigDict(extra="forbid")

    hours: Annotated[float, Field(gt=0, le=24)]
    on_date: date
    note: Annotated[str, Field(max_length=500), NoBsn] = ""


@router.post("/matches/{match_id}/hours", status_code=status.HTTP_201_CREATED,
             name="api_hours_log")
def log_hours(session: SessionDep, actor: Allowed("hours.log"), match_id: int,
              data: HoursIn) -> dict:
    """Log hours: the initiator for their initiative, the volunteer for themselves."""
    if actor.role == "initiator":
        match = followup.match_for_initiator(session, actor, match_id)
    else:
        match = followup.match_for_volunteer(session, actor, match_id)
    entry = followup.log_hours(session, match, by=actor.role, hours=data.hours,
                               on_date=data.on_date, note=data.note)
    return {"id": entry.id, "match_id": match.id, "hours": entry.hours,
            "on_date": entry.on_date.isoformat(), "logged_by": entry.logged_by}


@router.post("/matching/runs", response_model=RunRead, status_code=status.HTTP_202_ACCEPTED,
             name="api_run_create")
def start_run(session: SessionDep, actor: Allowed("matching.run")):
    """Start a full rematch; follow it at GET /api/v1/matching/runs/{id}."""
    run = MatchingRun(kind="full", requested_by=actor.user_id)
    session.add(run)
    session.flush()
    outbox.enqueue(session, "matching.full_rematch", run_id=run.id)
    return RunRead.model_validate(run, from_attributes=True)


@router.get("/matching/runs/{run_id}", response_model=RunRead, name="api_run_get")
def get_run(session: SessionDep, actor: Allowed("matching.run"), run_id: int):
    """Progress and figures of a run."""
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound(f"Run {run_id} bestaat niet.")
    return RunRead.model_validate(run, from_attributes=True)

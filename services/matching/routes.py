"""JSON API for matches and matching runs."""

from fastapi import APIRouter, status

from core.errors import ERROR_RESPONSES, NotFound
from core.fields import Id
from core.permissions import Allowed, covers
from db.models import Need, ParticipationClient
from db.session import SessionDep
from services.initiatives import service as initiatives
from services.matching import service
from services.matching.schemas import MatchRead, RunRead
from services.resources import service as resources

router = APIRouter(tags=["matching"], responses=ERROR_RESPONSES)


@router.get("/needs/{need_id}/matches", response_model=list[MatchRead],
            name="api_need_matches")
def need_matches(session: SessionDep, actor: Allowed("need.matches"), need_id: Id):
    """Suggestions for one need, best first, with reasons."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"Behoefte {need_id} bestaat niet.")
    initiatives.get_editable(session, actor, need.initiative_id, "need.matches")
    return service.matches_where(session, need_id=need_id)


@router.get("/funds/{fund_id}/matches", response_model=list[MatchRead],
            name="api_fund_matches")
def fund_matches(session: SessionDep, actor: Allowed("fund.matches"), fund_id: Id):
    """Needs suggested to a fund."""
    resources.get_fund(session, actor, fund_id, "fund.matches")
    return service.matches_where(session, resource_kind="fund", resource_id=fund_id)


@router.get("/volunteers/me/matches", response_model=list[MatchRead],
            name="api_volunteer_my_matches")
def my_matches(session: SessionDep, actor: Allowed("volunteer.matches")):
    """Needs suggested to the signed-in volunteer."""
    if actor.volunteer_id is None:
        return []
    return service.matches_where(session, resource_kind="volunteer",
                                 resource_id=actor.volunteer_id)


@router.get("/clients/{client_id}/matches", response_model=list[MatchRead],
            name="api_client_matches")
def client_matches(session: SessionDep, actor: Allowed("client.matches"), client_id: Id):
    """Participation places suggested for a client, for their consultant."""
    client = session.get(ParticipationClient, client_id)
    if client is None or not covers(actor, "client.matches", client):
        raise NotFound(f"Cliënt {client_id} bestaat niet.")
    return service.matches_where(session, resource_kind="placement", resource_id=client_id)


@router.post("/matching/runs", response_model=RunRead, status_code=status.HTTP_202_ACCEPTED,
             name="api_run_create")
def start_run(session: SessionDep, actor: Allowed("matching.run")):
    """Start a full rematch; follow it at GET /api/v1/matching/runs/{id}."""
    return RunRead.model_validate(service.start_run(session, actor), from_attributes=True)


@router.get("/matching/runs/{run_id}", response_model=RunRead, name="api_run_get")
def get_run(session: SessionDep, actor: Allowed("matching.run"), run_id: Id):
    """Progress and figures of a run."""
    return RunRead.model_validate(service.get_run(session, run_id), from_attributes=True)

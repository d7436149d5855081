"""JSON API for what happens after an introduction."""

from fastapi import APIRouter, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.brokerage import followup
from services.brokerage.schemas import HoursIn, HoursRead

router = APIRouter(tags=["brokerage"], responses=ERROR_RESPONSES)


@router.post("/matches/{match_id}/hours", response_model=HoursRead,
             status_code=status.HTTP_201_CREATED, name="api_hours_log")
def log_hours(session: SessionDep, actor: Allowed("hours.log"), match_id: Id, data: HoursIn):
    """Log hours: the initiator for their initiative, the volunteer for themselves."""
    match = followup.match_for_actor(session, actor, match_id)
    entry = followup.log_hours(session, match, by=actor.role, hours=data.hours,
                               on_date=data.on_date, note=data.note)
    return HoursRead.model_validate(entry, from_attributes=True)

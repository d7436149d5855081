"""JSON API for what happens after an introduction."""

from fastapi import APIRouter, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.brokerage import followup, offers, referrals, responses
from services.brokerage.schemas import (
    HoursIn,
    HoursRead,
    MatchAnswer,
    MatchAnswered,
    ReferralRead,
    ReferralUpdate,
)

router = APIRouter(tags=["brokerage"], responses=ERROR_RESPONSES)


@router.post("/matches/{match_id}/hours", response_model=HoursRead,
             status_code=status.HTTP_201_CREATED, name="api_hours_log")
def log_hours(session: SessionDep, actor: Allowed("hours.log"), match_id: Id, data: HoursIn):
    """Log hours: the initiator for their initiative, the volunteer for themselves."""
    match = followup.match_for_actor(session, actor, match_id)
    entry = followup.log_hours(session, match, by=actor.role, hours=data.hours,
                               on_date=data.on_date, note=data.note)
    return HoursRead.model_validate(entry, from_attributes=True)


# Mijn initiatief: the initiative answers a suggestion or an offer of help.
@router.post("/matches/{match_id}/response", response_model=MatchAnswered,
             name="api_match_respond")
def respond(session: SessionDep, actor: Allowed("match.respond"), match_id: Id,
            data: MatchAnswer):
    """Say "interested" or "not_a_fit" (with a reason) on a suggestion or offer of help."""
    match = responses.respond(session, actor, match_id, data.answer, data.reason)
    return MatchAnswered.model_validate(match, from_attributes=True)

# Board (D): a volunteer's "Ik wil helpen" on a need of the public board.
@router.post("/needs/{need_id}/offers-of-help", response_model=offers.OfferedMatch,
             status_code=status.HTTP_201_CREATED, name="api_need_offer_help")
def offer_help(session: SessionDep, actor: Allowed("need.offer_help"), need_id: Id,
               data: offers.HelpOffer | None = None):
    """Offer help with an open public need: a match in status "offered" that the initiative
    and the municipality's broker see; 409 when the pair already has a match."""
    match = offers.offer_help(session, actor, need_id, data.message if data else "")
    return offers.offered_match(match)


# Referrals that live (16): a broker moves a referral on and keeps its contact person current.
# 200, 403, 404, 409 and 422 are declared (the router declares every error status).
@router.patch("/referrals/{referral_id}", response_model=ReferralRead, name="api_referral_update")
def update_referral(session: SessionDep, actor: Allowed("referral.update"), referral_id: Id,
                    data: ReferralUpdate):
    """Change status (open → accepted → closed), outcome and contact person; only what is sent.

    Closing needs an outcome (422); a step back or out of "closed" is refused (409)."""
    referral = referrals.update(session, actor, referral_id, data)
    return ReferralRead.model_validate(referral, from_attributes=True)

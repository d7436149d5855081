"""A volunteer's "Ik wil helpen" on the public board: an offered match, once per pair."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import Conflict, ValidationFailed
from core.permissions import Actor
from core.privacy import NoBsn
from core.vocabulary import get_vocabulary
from db.models import Match, Need
from services.brokerage.lifecycle import MatchStatus, transition
from services.initiatives import service as initiatives
from services.notifications import service as notifications

VOLUNTEER = "volunteer"
OFFERED_BY_VOLUNTEER = "Aangeboden door de vrijwilliger zelf"
# What applies when the pair already has a match, by its status.
ALREADY = {
    MatchStatus.OFFERED: "U heeft al hulp aangeboden bij deze hulpvraag. Het initiatief "
                         "laat weten of het past.",
    MatchStatus.APPROVED: "U bent al uitgenodigd voor deze hulpvraag. Kijk in uw e-mail om "
                          "te antwoorden.",
    MatchStatus.ACTIVE: "U helpt al bij deze hulpvraag.",
    MatchStatus.DONE: "U heeft al bij deze hulpvraag geholpen.",
    MatchStatus.DECLINED: "Voor deze hulpvraag is uw hulp al eens afgeslagen of heeft u "
                          "bedankt. Kies gerust een andere hulpvraag.",
    MatchStatus.REJECTED: "Over u en deze hulpvraag is al besloten. Kies gerust een andere "
                          "hulpvraag.",
}


class HelpOffer(BaseModel):
    """A volunteer's "Ik wil helpen", with an optional word to the initiative."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    message: Annotated[str, Field(max_length=1000), NoBsn] = ""


class OfferedMatch(BaseModel):
    """The match an offer of help created."""

    id: int
    need_id: int
    resource_kind: str
    resource_id: int
    score: float
    explanation: str
    status: str
    status_label: str
    created_at: datetime


def offered_match(match: Match) -> OfferedMatch:
    """The API's view of an offered match."""
    return OfferedMatch(id=match.id, need_id=match.need_id, resource_kind=match.resource_kind,
                        resource_id=match.resource_id, score=match.score,
                        explanation=match.explanation, status=match.status,
                        status_label=get_vocabulary().label("match_statuses", match.status),
                        created_at=match.created_at)


def volunteers_can_help(kind: str) -> bool:
    """Whether a volunteer can help with a need of this kind (not money, rules or permits)."""
    matches = get_vocabulary().item("support_needs", kind).get("matches", [])
    return VOLUNTEER in matches or kind == "other"


def _pair(session: Session, actor: Actor | None, need_id: int) -> Match | None:
    if actor is None or actor.volunteer_id is None:
        return None
    return session.exec(select(Match).where(
        Match.need_id == need_id, Match.resource_kind == VOLUNTEER,
        Match.resource_id == actor.volunteer_id)).first()


def existing_offer(session: Session, actor: Actor | None, need_id: int) -> Match | None:
    """The actor's match with this need that stands in the way of an offer, if any."""
    match = _pair(session, actor, need_id)
    return match if match is not None and match.status != MatchStatus.PROPOSED else None


def already_message(match: Match) -> str:
    """What applies to a pair that already has a match."""
    return ALREADY[MatchStatus(match.status)]


def offer_help(session: Session, actor: Actor, need_id: int, message: str = "") -> Match:
    """Offer help with a need on the board; Conflict when the pair already has a match."""
    need: Need = initiatives.board_need(session, need_id)
    if actor.volunteer_id is None:
        raise ValidationFailed({"volunteer": "maak eerst uw vrijwilligersprofiel aan"})
    if not volunteers_can_help(need.kind):
        raise Conflict("Bij deze hulpvraag kan een vrijwilliger niet helpen.")
    explanation = OFFERED_BY_VOLUNTEER + (f": “{message.strip()}”" if message.strip() else "")
    found = _pair(session, actor, need.id)
    if found is not None and found.status != MatchStatus.PROPOSED:
        raise Conflict(already_message(found))
    if found is not None:
        # Suggested by the engine and now offered by the volunteer: no broker review needed.
        match = transition(found, MatchStatus.OFFERED, by=actor.user_id)
        match.explanation = explanation
        session.flush()
    else:
        match = Match(need_id=need.id, resource_kind=VOLUNTEER,
                      resource_id=actor.volunteer_id, score=1.0, reasons=[],
                      explanation=explanation, status=MatchStatus.OFFERED.value)
        try:
            # Two clicks at once: the pair's unique constraint lets one through.
            with session.begin_nested():
                session.add(match)
                session.flush()
        except IntegrityError:
            raise Conflict(ALREADY[MatchStatus.OFFERED]) from None
    notifications.offer_of_help(session, match, need, message.strip())
    return match

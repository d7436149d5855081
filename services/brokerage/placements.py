"""Consulent: placements proposed for a consultant's clients, and the consultant's yes or no.

A consultant's "goedkeuren" on a proposal is the approval step of the lifecycle (proposed →
approved), with the same mails as a broker's approval: the invitation to the client's side
(the consultant, to talk it over with the client) and the notice to the initiative. Once the
client agrees, the consultant confirms (approved → active), the in-app twin of the mail link.
"""

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, select

from core.errors import NotFound
from core.permissions import Actor, covers
from db.models import Initiative, Match, Need, ParticipationClient
from services.brokerage import followup, review
from services.brokerage.lifecycle import MatchStatus

S = MatchStatus
# Suggestions that still wait for someone: the consultant's decision or the client's answer.
WAITING = (S.PROPOSED.value, S.APPROVED.value)


@dataclass
class Placement:
    """One placement suggested for a client, with the need and initiative behind it."""

    match: Match
    need: Need
    initiative: Initiative


def own_placement(session: Session, actor: Actor, match_id: int) -> Match:
    """A placement proposed for one of the actor's own clients; NotFound for anything else."""
    match = session.get(Match, match_id)
    client = session.get(ParticipationClient, match.resource_id) if match else None
    if (match is None or match.resource_kind != "placement" or client is None
            or client.erased_at is not None or not covers(actor, "placement.decide", client)):
        raise NotFound("Dit voorstel bestaat niet.")
    return match


def placements_of(session: Session, client_id: int) -> list[Placement]:
    """Every placement suggested for one client (the caller has checked the client), open first,
    then best first."""
    rows = session.exec(
        select(Match, Need, Initiative).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Match.resource_kind == "placement", Match.resource_id == client_id)
        .order_by(Match.score.desc(), Match.id)).all()
    placements = [Placement(match, need, initiative) for match, need, initiative in rows]
    return sorted(placements, key=lambda p: p.match.status not in WAITING)


def waiting_counts(session: Session, client_ids: list[int]) -> dict[int, int]:
    """Per client, how many suggestions still wait for a decision or an answer."""
    if not client_ids:
        return {}
    rows = session.exec(select(Match.resource_id).where(
        Match.resource_kind == "placement", Match.resource_id.in_(client_ids),
        Match.status.in_(WAITING))).all()
    return dict(Counter(rows))


def decide_placement(session: Session, actor: Actor, match_id: int, *, approve: bool,
                     reason: str | None = None, note: str | None = None) -> Match:
    """The consultant approves a proposal for their own client, or rejects it with a reason."""
    match = own_placement(session, actor, match_id)
    review.settle(session, actor, match, approve=approve, reason=reason, note=note)
    return match


def confirm_placement(session: Session, actor: Actor, match_id: int, *, accept: bool) -> Match:
    """After talking to the client: yes (the placement starts) or no (it closes)."""
    match = own_placement(session, actor, match_id)
    return followup.answer(session, match, accept=accept)

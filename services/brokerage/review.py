"""The broker's review of proposed matches: the queue, approval and rejection."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from core import nl
from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, scoped
from core.vocabulary import UnknownCode, get_vocabulary
from db.models import Initiative, Match, Need
from db.types import utcnow
from services.brokerage import views
from services.brokerage.lifecycle import MatchStatus, can, transition
from services.notifications import service as notifications


@dataclass
class QueueFilters:
    """What the broker narrows the queue to."""

    kind: str | None = None
    need_kind: str | None = None
    pc4: str | None = None
    max_age_days: int | None = None


@dataclass
class QueueRow:
    """One proposed match in the queue."""

    match_id: int
    initiative: str
    pc4: str | None
    need_title: str
    need_kind_label: str
    kind_label: str
    resource_name: str
    score: float
    explanation: str
    age_days: int
    # The initiative's own word on the suggestion ("interested"), if it gave one.
    initiative_response: str | None = None


def in_scope(actor: Actor, action: str = "broker.queue"):
    """Matches with their need and initiative, within the actor's reach."""
    stmt = select(Match, Need, Initiative).join(Need, Need.id == Match.need_id).join(
        Initiative, Initiative.id == Need.initiative_id)
    return scoped(stmt, actor, action, Initiative)


def queue(session: Session, actor: Actor, filters: QueueFilters,
          limit: int = 200) -> list[QueueRow]:
    """Proposed matches for the broker's municipality, best first."""
    stmt = in_scope(actor).where(Match.status == MatchStatus.PROPOSED)
    if filters.kind:
        stmt = stmt.where(Match.resource_kind == filters.kind)
    if filters.need_kind:
        stmt = stmt.where(Need.kind == filters.need_kind)
    if filters.pc4:
        stmt = stmt.where(Initiative.pc4 == filters.pc4)
    if filters.max_age_days is not None:
        stmt = stmt.where(Match.created_at >= utcnow() - timedelta(days=filters.max_age_days))
    now = utcnow()
    return [QueueRow(match.id, initiative.name, initiative.pc4, need.title,
                     nl.label("support_needs", need.kind),
                     nl.label("resource_kinds", match.resource_kind),
                     views.resource_name(session, match), match.score, match.explanation,
                     (now - match.created_at).days, match.initiative_response)
            for match, need, initiative in session.exec(
                stmt.order_by(Match.score.desc(), Match.id).limit(limit))]


def get_in_scope(session: Session, actor: Actor, match_id: int) -> tuple[Match, Need,
                                                                         Initiative]:
    """A match of the broker's municipality, or NotFound."""
    found = session.exec(in_scope(actor).where(Match.id == match_id)).first()
    if found is None:
        raise NotFound(f"Voorstel {match_id} bestaat niet.")
    return found


def decide(session: Session, actor: Actor, match_id: int, *, approve: bool,
           reason: str | None = None, note: str | None = None) -> bool:
    """Approve a proposal, or reject it with a reason code (and an optional note).

    Returns whether an invitation went out: an approved resource without an e-mail address
    must be contacted by the broker in person."""
    match, _need, _initiative = get_in_scope(session, actor, match_id)
    return settle(session, actor, match, approve=approve, reason=reason, note=note)


def settle(session: Session, actor: Actor, match: Match, *, approve: bool,
           reason: str | None = None, note: str | None = None) -> bool:
    """The decision itself, for a match the caller may decide on (broker or consultant)."""
    target = MatchStatus.APPROVED if approve else MatchStatus.REJECTED
    if not approve and can(match, target):
        try:
            get_vocabulary().check("rejection_reasons", reason or "")
        except UnknownCode:
            raise ValidationFailed({"reason": "kies een reden om af te wijzen"}) from None
    transition(match, target, by=actor.user_id, reason=None if approve else reason, note=note)
    session.flush()
    if not approve:
        return False
    mails = notifications.invite_for_approval(session, match)
    return any(mail.kind == "invitation" for mail in mails)


def approve_many(session: Session, actor: Actor, match_ids: list[int]) -> int:
    """Approve several proposals at once; ones already decided are skipped."""
    approved = 0
    for match_id in match_ids:
        match, _need, _initiative = get_in_scope(session, actor, match_id)
        if match.status == MatchStatus.PROPOSED:
            decide(session, actor, match_id, approve=True)
            approved += 1
    return approved

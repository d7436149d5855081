"""The broker's review of proposed matches: the queue, approval and rejection."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from db.models import Initiative, Match, Need
from db.types import utcnow
from db.vocabulary import UnknownCode, get_vocabulary
from services.auth.actor import Actor
from services.auth.permissions import Scope
from services.errors import Conflict, NotFound, ValidationFailed
from services.matching import views
from services.notifications import service as notifications

KINDS = ("volunteer", "fund", "placement", "instrument")


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


def _in_scope_stmt(actor: Actor):
    stmt = select(Match, Need, Initiative).join(Need, Need.id == Match.need_id).join(
        Initiative, Initiative.id == Need.initiative_id)
    if actor.scope("broker.queue") != Scope.ANY:
        stmt = stmt.where(Initiative.municipality_code == actor.municipality_code)
    return stmt


def queue(session: Session, actor: Actor, filters: QueueFilters,
          limit: int = 200) -> list[QueueRow]:
    """Proposed matches for the broker's municipality, best first."""
    stmt = _in_scope_stmt(actor).where(Match.status == "proposed")
    if filters.kind:
        stmt = stmt.where(Match.resource_kind == filters.kind)
    if filters.need_kind:
        stmt = stmt.where(Need.kind == filters.need_kind)
    if filters.pc4:
        stmt = stmt.where(Initiative.pc4 == filters.pc4)
    if filters.max_age_days is not None:
        stmt = stmt.where(Match.created_at >= utcnow() - timedelta(days=filters.max_age_days))
    vocab = get_vocabulary()
    now = utcnow()
    rows = []
    for match, need, initiative in session.exec(
            stmt.order_by(Match.score.desc(), Match.id).limit(limit)):
        rows.append(QueueRow(
            match.id, initiative.name, initiative.pc4, need.title,
            vocab.label("support_needs", need.kind), views.KIND_LABELS[match.resource_kind],
            views.resource_name(session, match), match.score, match.explanation,
            (now - match.created_at).days))
    return rows


def get_in_scope(session: Session, actor: Actor, match_id: int) -> tuple[Match, Need,
                                                                         Initiative]:
    """A match of the broker's municipality, or NotFound."""
    found = session.exec(_in_scope_stmt(actor).where(Match.id == match_id)).first()
    if found is None:
        raise NotFound(f"Voorstel {match_id} bestaat niet.")
    return found


def decide(session: Session, actor: Actor, match_id: int, *, approve: bool,
           reason: str | None = None, note: str | None = None) -> Match:
    """Approve a proposal, or reject it with a reason code (and an optional note)."""
    match, _need, _initiative = get_in_scope(session, actor, match_id)
    if match.status != "proposed":
        raise Conflict("Over dit voorstel is al besloten.")
    if not approve:
        try:
            get_vocabulary().check("rejection_reasons", reason or "")
        except UnknownCode:
            raise ValidationFailed({"reason": "kies een reden om af te wijzen"}) from None
    match.status = "approved" if approve else "rejected"
    match.decision_reason = None if approve else reason
    match.decision_note = (note or "").strip()[:1000] or None
    match.decided_at = match.updated_at = utcnow()
    match.decided_by = actor.user_id
    session.flush()
    if approve:
        notifications.invite_for_approval(session, match)
    return match


def approve_many(session: Session, actor: Actor, match_ids: list[int]) -> int:
    """Approve several proposals at once; ones already decided are skipped."""
    approved = 0
    for match_id in match_ids:
        match, _need, _initiative = get_in_scope(session, actor, match_id)
        if match.status == "proposed":
            decide(session, actor, match_id, approve=True)
            approved += 1
    return approved

"""The broker's review of proposed matches: the queue, approval and rejection."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, func, select

from core import nl
from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, scoped
from core.vocabulary import UnknownCode, get_vocabulary
from db.models import Initiative, Match, Need
from db.types import utcnow
from services.brokerage import referrals, views
from services.brokerage.lifecycle import MatchStatus, can, transition
from services.notifications import service as notifications


@dataclass
class QueueFilters:
    """What the broker narrows the queue to."""

    kind: str | None = None
    need_kind: str | None = None
    pc4: str | None = None
    max_age_days: int | None = None
    municipality: str | None = None  # admins pick one; brokers have their own already


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
    need_id: int | None = None
    # Where an escalated need went: the partner and how far they are.
    referred_to: str | None = None
    referral_status: str | None = None


# sort → (column, default order); "age" means the longest waiting first.
SORTS = {"score": "desc", "age": "desc", "kind": "asc"}


@dataclass
class QueuePage:
    """One page of the queue and where it sits in the whole."""

    rows: list[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the whole queue takes (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """Number of the first row on this page (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """Number of the last row on this page."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def in_scope(actor: Actor, action: str = "broker.queue"):
    """Matches with their need and initiative, within the actor's reach."""
    stmt = select(Match, Need, Initiative).join(Need, Need.id == Match.need_id).join(
        Initiative, Initiative.id == Need.initiative_id)
    return scoped(stmt, actor, action, Initiative)


def _queue_stmt(actor: Actor, filters: QueueFilters):
    stmt = in_scope(actor).where(Match.status == MatchStatus.PROPOSED)
    if filters.kind:
        stmt = stmt.where(Match.resource_kind == filters.kind)
    if filters.need_kind:
        stmt = stmt.where(Need.kind == filters.need_kind)
    if filters.pc4:
        stmt = stmt.where(Initiative.pc4 == filters.pc4)
    if filters.municipality:
        stmt = stmt.where(Initiative.municipality_code == filters.municipality)
    if filters.max_age_days is not None:
        stmt = stmt.where(Match.created_at >= utcnow() - timedelta(days=filters.max_age_days))
    return stmt


def _ordered(stmt, sort: str, order: str):
    descending = order == "desc"
    if sort == "age":  # older first when descending: created_at ascending
        keys = [Match.created_at.asc() if descending else Match.created_at.desc()]
    elif sort == "kind":
        keys = [Match.resource_kind.desc() if descending else Match.resource_kind.asc(),
                Match.score.desc()]
    else:
        keys = [Match.score.desc() if descending else Match.score.asc()]
    return stmt.order_by(*keys, Match.id)


def queue_page(session: Session, actor: Actor, filters: QueueFilters, *, sort: str = "score",
               order: str | None = None, page: int = 1, per_page: int = 20) -> QueuePage:
    """One page of proposed matches within reach, with the total for "41–60 van 95"."""
    sort = sort if sort in SORTS else "score"
    order = order if order in ("asc", "desc") else SORTS[sort]
    stmt = _queue_stmt(actor, filters)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = session.exec(_ordered(stmt, sort, order).offset((page - 1) * per_page)
                         .limit(per_page)).all()
    names = views.names_for_broker(session, actor, [m for m, _n, _i in found], "wachtrij")
    referred = referrals.of_needs(session, list({need.id for _m, need, _i in found}))
    now = utcnow()
    rows = []
    for match, need, initiative in found:
        referral = referred.get(need.id)
        rows.append(QueueRow(
            match.id, initiative.name, initiative.pc4, need.title,
            nl.label("support_needs", need.kind), nl.label("resource_kinds", match.resource_kind),
            names[match.id], match.score, match.explanation, (now - match.created_at).days,
            match.initiative_response, need.id, referral.partner if referral else None,
            nl.label("referral_statuses", referral.status) if referral else None))
    return QueuePage(rows, total, page, per_page)


def queue(session: Session, actor: Actor, filters: QueueFilters,
          limit: int = 200) -> list[QueueRow]:
    """Proposed matches within reach, best first (the first `limit`)."""
    return queue_page(session, actor, filters, per_page=limit).rows


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

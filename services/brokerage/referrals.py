"""Referrals that live: open → accepted by the partner → closed with an outcome."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.errors import Conflict, NotFound, ValidationFailed
from core.permissions import Actor, covers, scoped
from db.models import Initiative, Need, Referral
from db.types import utcnow
from services.audit import service as audit
from services.brokerage.schemas import ReferralUpdate

OPEN, ACCEPTED, CLOSED = "open", "accepted", "closed"
# Open may close at once: a partner that never picks up is closed with "geen contact".
STEPS = {OPEN: {ACCEPTED, CLOSED}, ACCEPTED: {CLOSED}, CLOSED: set()}
CONTACT = ("contact_name", "contact_phone", "contact_email")
STATUS_NL = {OPEN: "open", ACCEPTED: "opgepakt", CLOSED: "afgesloten"}


@dataclass
class ReferralFilters:
    """What the referral list is narrowed to."""

    status: str | None = None
    partner: str | None = None


def _stmt(actor: Actor, action: str):
    stmt = select(Referral, Need, Initiative).join(Need, Need.id == Referral.need_id).join(
        Initiative, Initiative.id == Need.initiative_id)
    return scoped(stmt, actor, action, Referral)


def listed(session: Session, actor: Actor,
           filters: ReferralFilters | None = None) -> list[tuple[Referral, Need, Initiative]]:
    """Referrals within reach, newest first, narrowed by status and partner (part of a name)."""
    filters = filters or ReferralFilters()
    stmt = _stmt(actor, "referral.list")
    if filters.status:
        stmt = stmt.where(Referral.status == filters.status)
    if filters.partner:
        stmt = stmt.where(Referral.partner.ilike(f"%{filters.partner}%"))
    return list(session.exec(stmt.order_by(Referral.id.desc())))


def partners(session: Session, actor: Actor) -> list[str]:
    """The partners referred to so far, for the filter."""
    return sorted({referral.partner for referral, _n, _i in listed(session, actor)})


def get(session: Session, actor: Actor, referral_id: int, *, action: str = "referral.list",
        purpose: str = "doorverwijzing bekijken") -> tuple[Referral, Need, Initiative]:
    """One referral with its need; the read of its contact person is audited (also a miss)."""
    audit.record_access(session, actor, action="read", subject_type="referral_contact",
                        subject_id=referral_id, purpose=purpose,
                        municipality_code=actor.municipality_code)
    found = session.exec(_stmt(actor, action).where(Referral.id == referral_id)).first()
    if found is None:
        raise NotFound(f"Doorverwijzing {referral_id} bestaat niet.")
    return found


def update(session: Session, actor: Actor, referral_id: int, data: ReferralUpdate) -> Referral:
    """Change what was given: a status step (validated), the outcome, the contact person."""
    referral = session.get(Referral, referral_id)
    if referral is None or not covers(actor, "referral.update", referral):
        raise NotFound(f"Doorverwijzing {referral_id} bestaat niet.")
    given = data.model_dump(exclude_unset=True)
    audit.record_access(session, actor, action="update", subject_type="referral_contact",
                        subject_id=referral.id, purpose="doorverwijzing bijwerken",
                        municipality_code=referral.municipality_code)
    target = given.get("status") or referral.status
    if target != referral.status and target not in STEPS[referral.status]:
        raise Conflict(f"Een doorverwijzing die {STATUS_NL[referral.status]} is, kan niet "
                       f"meer {STATUS_NL[target]} worden.")
    outcome = given.get("outcome", referral.outcome)
    if target == CLOSED and not outcome:
        raise ValidationFailed({"outcome": "kies de uitkomst om af te sluiten"})
    if outcome and target != CLOSED:
        raise ValidationFailed({"outcome": "een uitkomst hoort bij het afsluiten"})
    if "partner" in given and given["partner"] is None:
        raise ValidationFailed({"partner": "noem de partner"})
    now = utcnow()
    if target != referral.status:
        if target == ACCEPTED:
            referral.accepted_at = now
        if target == CLOSED:
            referral.closed_at = now
        referral.status = target
    for name, value in given.items():
        if name == "status":
            continue
        if name in CONTACT and isinstance(value, str):
            value = value.strip() or None
        setattr(referral, name, "" if name == "outcome_note" and value is None else value)
    referral.updated_at = now
    session.flush()
    return referral


def of_needs(session: Session, need_ids: list[int]) -> dict[int, Referral]:
    """The latest referral per need: where an escalated need went."""
    if not need_ids:
        return {}
    rows = session.exec(select(Referral).where(Referral.need_id.in_(need_ids))
                        .order_by(Referral.id)).all()
    return {referral.need_id: referral for referral in rows}


def erase_contacts(session: Session, closed_before: datetime, *, dry_run: bool) -> list[int]:
    """Clear the contact person of referrals closed before the date (retention)."""
    rows = session.exec(select(Referral).where(
        Referral.closed_at.is_not(None), Referral.closed_at < closed_before,
        Referral.contact_name.is_not(None) | Referral.contact_phone.is_not(None)
        | Referral.contact_email.is_not(None)).order_by(Referral.id)).all()
    if not dry_run:
        for referral in rows:
            referral.contact_name = referral.contact_phone = referral.contact_email = None
            audit.record_change(session, action="erase", subject_type="referral_contact",
                                subject_id=referral.id, purpose="bewaartermijn verstreken",
                                municipality_code=referral.municipality_code)
        session.flush()
    return [referral.id for referral in rows]

"""Brokerage, as other domains and the adapters use it: the match lifecycle, and broker work on
behalf of residents (needs for offline residents, intakes, escalations, referrals)."""

from sqlmodel import Session, select

from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, scoped
from db.models import EscalationStep, Initiative, Intake, Need, Referral, ResidentContact
from services.audit import service as audit
from services.brokerage.lifecycle import (
    DECIDED,
    OPEN,
    MatchStatus,
    transition,  # funds (13): a fund's "past niet"
)
from services.brokerage.offers import (  # board (D): a volunteer's "Ik wil helpen"
    HelpOffer,
    already_message,
    existing_offer,
    offer_help,
    offered_match,
    volunteers_can_help,
)
from services.brokerage.responses import confirm_help, log_hours, own_match, respond
from services.brokerage.responses import for_need as matches_of_need
from services.brokerage.schemas import Escalation, IntakeCreate, ResidentNeed
from services.brokerage.volunteering import (  # the volunteer's own area
    MyMatch,
    answer_invitation,
    log_my_hours,
    my_matches,
    record_my_outcome,
    withdraw_offer,
)
from services.initiatives import service as initiatives

__all__ = ["DECIDED", "OPEN", "MatchStatus", "escalate", "initiatives_of", "ladder",
           "post_need_for_resident", "record_intake", "referrals",
           # Mijn initiatief
           "confirm_help", "log_hours", "matches_of_need", "own_match", "respond",
           # Funds (13)
           "transition"]


def initiatives_of(session: Session, actor: Actor,
                   action: str = "broker.on_behalf") -> list[Initiative]:
    """Initiatives the actor may do this broker work for, by name."""
    stmt = select(Initiative).order_by(Initiative.sort_name)
    return list(session.exec(scoped(stmt, actor, action, Initiative)))


def post_need_for_resident(session: Session, actor: Actor, data: ResidentNeed) -> Need:
    """Add a need to an initiative of the municipality with the resident's minimal contact."""
    need = initiatives.add_need(session, data.initiative_id, initiatives.NeedCreate(
        kind=data.kind, title=data.title, description=data.description,
        hours_per_week=data.hours_per_week, visibility=data.visibility), actor)
    contact = ResidentContact(need_id=need.id, name=data.resident_name,
                              phone=data.resident_phone, by_user_id=actor.user_id)
    session.add(contact)
    session.flush()
    audit.record_access(session, actor, action="create", subject_type="resident_contact",
                        subject_id=contact.id, purpose="hulpvraag namens bewoner",
                        municipality_code=actor.municipality_code)
    return need


def record_intake(session: Session, actor: Actor, data: IntakeCreate) -> Intake:
    """Store an intake for an initiative of the municipality."""
    initiative = initiatives.get_editable(session, actor, data.initiative_id)
    intake = Intake(**data.model_dump(), municipality_code=initiative.municipality_code,
                    by_user_id=actor.user_id)
    session.add(intake)
    session.flush()
    return intake


def escalate(session: Session, actor: Actor, need_id: int, data: Escalation) -> Referral | None:
    """Record a step on the ladder; the professional-partner step creates a Referral."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"Behoefte {need_id} bestaat niet.")
    initiative = initiatives.get_editable(session, actor, need.initiative_id)
    referral = None
    if data.step == "professional_partner":
        errors = {}
        if not data.partner:
            errors["partner"] = "noem de partner, bijvoorbeeld het sociaal wijkteam"
        if not data.reason:
            errors["reason"] = "leg uit waarom dit te groot is voor een buurtgenoot"
        if errors:
            raise ValidationFailed(errors)
        referral = Referral(need_id=need.id, municipality_code=initiative.municipality_code,
                            partner=data.partner, reason=data.reason, by_user_id=actor.user_id)
        session.add(referral)
    session.add(EscalationStep(need_id=need.id, step=data.step, note=data.note,
                               by_user_id=actor.user_id))
    session.flush()
    return referral


def referrals(session: Session, actor: Actor) -> list[tuple[Referral, Need, Initiative]]:
    """Referrals of the actor's municipality, newest first."""
    stmt = select(Referral, Need, Initiative).join(Need, Need.id == Referral.need_id).join(
        Initiative, Initiative.id == Need.initiative_id).order_by(Referral.id.desc())
    return list(session.exec(scoped(stmt, actor, "referral.list", Referral)))


def ladder(session: Session, need_id: int) -> list[EscalationStep]:
    """The steps taken for a need, in order."""
    return list(session.exec(select(EscalationStep).where(EscalationStep.need_id == need_id)
                             .order_by(EscalationStep.id)))


__all__ += ["MyMatch", "answer_invitation", "log_my_hours", "my_matches", "record_my_outcome",
            "withdraw_offer"]

# Board (D)
__all__ += ["HelpOffer", "already_message", "existing_offer", "offer_help", "offered_match",
            "volunteers_can_help"]

# Consulent: placements for a consultant's clients
from services.brokerage.placements import (  # noqa: E402
    WAITING,
    Placement,
    confirm_placement,
    decide_placement,
    own_placement,
    placements_of,
    waiting_counts,
)

__all__ += ["WAITING", "Placement", "confirm_placement", "decide_placement", "own_placement",
            "placements_of", "waiting_counts"]

# Referrals that live (16): retention clears the partner's contact person of closed referrals.
from services.brokerage.referrals import erase_contacts as erase_referral_contacts  # noqa: E402

__all__ += ["erase_referral_contacts"]

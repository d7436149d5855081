"""After the introduction: "Is de hulp gelukt?", hours given, and what the broker must chase."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from db.models import HoursLog, Initiative, Match, Need
from db.types import utcnow
from services.auth.actor import Actor
from services.config import get_settings
from services.errors import Conflict, NotFound, ValidationFailed
from services.matching import review, views
from services.notifications import service as notifications

OUTCOMES = ("succeeded", "failed")


def ask_due(session: Session) -> int:
    """Queue the follow-up question for active matches accepted long enough ago; idempotent."""
    cutoff = utcnow() - timedelta(days=get_settings().follow_up_after_days)
    due = session.exec(select(Match).where(
        Match.status == "active", Match.follow_up_sent_at.is_(None), Match.outcome.is_(None),
        Match.answered_at < cutoff)).all()
    for match in due:
        notifications.follow_up(session, match)
        match.follow_up_sent_at = utcnow()
    session.flush()
    return len(due)


def record_outcome(session: Session, match: Match, outcome: str) -> Match:
    """Store the answer to "Is de hulp gelukt?"; the first answer counts."""
    if outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": "kies gelukt of niet gelukt"})
    if match.status not in ("active", "done"):
        raise Conflict("Deze koppeling is niet actief.")
    if match.outcome is None:
        match.outcome, match.outcome_at = outcome, utcnow()
        match.status = "done"
        session.flush()
    return match


def close_need(session: Session, need: Need) -> None:
    """A need marked fulfilled answers the question for its active matches."""
    for match in session.exec(select(Match).where(Match.need_id == need.id,
                                                  Match.status == "active")):
        record_outcome(session, match, "succeeded")


def log_hours(session: Session, match: Match, *, by: str, hours: float, on_date: date,
              note: str = "") -> HoursLog:
    """Hours given through an active (or finished) match."""
    if match.status not in ("active", "done"):
        raise Conflict("Uren kunnen alleen bij een lopende koppeling worden doorgegeven.")
    if not 0 < hours <= 24:
        raise ValidationFailed({"hours": "tussen 0 en 24 uur per keer"})
    if on_date > date.today():
        raise ValidationFailed({"on_date": "datum ligt in de toekomst"})
    entry = HoursLog(match_id=match.id, logged_by=by, hours=hours, on_date=on_date,
                     note=note.strip()[:500])
    session.add(entry)
    session.flush()
    return entry


def match_for_initiator(session: Session, actor: Actor, match_id: int) -> Match:
    """A match of the initiator's own initiative, else NotFound."""
    match = session.get(Match, match_id)
    need = session.get(Need, match.need_id) if match else None
    if need is None or need.initiative_id != actor.initiative_id:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    return match


def match_for_volunteer(session: Session, actor: Actor, match_id: int) -> Match:
    """A match of the signed-in volunteer, else NotFound."""
    match = session.get(Match, match_id)
    if match is None or match.resource_kind != "volunteer" or \
            match.resource_id != actor.volunteer_id:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    return match


@dataclass
class Overdue:
    """A match the broker should chase."""

    match_id: int
    initiative: str
    need_title: str
    resource: str
    since_days: int
    what: str


def overdue(session: Session, actor: Actor) -> list[Overdue]:
    """Invitations nobody answered and follow-ups nobody answered, oldest first."""
    settings = get_settings()
    cutoff = utcnow() - timedelta(days=settings.overdue_after_days)
    stmt = select(Match, Need, Initiative).join(Need, Need.id == Match.need_id).join(
        Initiative, Initiative.id == Need.initiative_id)
    if actor.municipality_code:
        stmt = stmt.where(Initiative.municipality_code == actor.municipality_code)
    rows = []
    now = utcnow()
    for match, need, initiative in session.exec(stmt.where(
            Match.status == "approved", Match.decided_at < cutoff)):
        rows.append(Overdue(match.id, initiative.name, need.title,
                            views.resource_name(session, match),
                            (now - match.decided_at).days, "uitnodiging onbeantwoord"))
    for match, need, initiative in session.exec(stmt.where(
            Match.status == "active", Match.outcome.is_(None),
            Match.follow_up_sent_at < cutoff)):
        rows.append(Overdue(match.id, initiative.name, need.title,
                            views.resource_name(session, match),
                            (now - match.follow_up_sent_at).days, "nazorg onbeantwoord"))
    return sorted(rows, key=lambda r: -r.since_days)


def reinvite(session: Session, actor: Actor, match_id: int) -> None:
    """Send the invitation once more (a reminder)."""
    match, _need, _initiative = review.get_in_scope(session, actor, match_id)
    if match.status != "approved":
        raise Conflict("Alleen een openstaande uitnodiging kan opnieuw worden verstuurd.")
    notifications.invite_for_approval(session, match, kind="reminder")


def give_up(session: Session, actor: Actor, match_id: int) -> None:
    """Stop waiting for this one; the next suggestion in the queue can be approved."""
    match, _need, _initiative = review.get_in_scope(session, actor, match_id)
    if match.status != "approved":
        raise Conflict("Deze uitnodiging is al beantwoord.")
    match.status, match.decision_note = "declined", "geen antwoord; volgende voorstel gekozen"
    match.updated_at = utcnow()
    session.flush()

"""After the introduction: answers to the invitation, "Is de hulp gelukt?", hours, and what
the broker must chase."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from core.config import get_settings
from core.errors import Conflict, NotFound, ValidationFailed
from core.permissions import Actor
from db.models import HoursLog, MailMessage, Match, Need
from db.types import local_today, utcnow
from services.brokerage import referrals, review, views
from services.brokerage.lifecycle import MatchStatus, Outcome, transition
from services.notifications import service as notifications

GIVEN_UP = "geen antwoord; volgende voorstel gekozen"


def respond(session: Session, token: str, *, accept: bool) -> Match:
    """The invited side answers by signed link: accepted becomes active, declined closes.

    Answering twice changes nothing (the link may be clicked again)."""
    return answer(session, match_from_link(session, token), accept=accept)


def answer(session: Session, match: Match, *, accept: bool) -> Match:
    """The invited side's answer, by link or in the app: one state change for both."""
    if match.status == MatchStatus.APPROVED:
        transition(match, MatchStatus.ACTIVE if accept else MatchStatus.DECLINED)
        session.flush()
    return match


def match_from_link(session: Session, token: str) -> Match:
    """The match a signed link points at, or NotFound (also for an expired link)."""
    match = session.get(Match, notifications.match_for_token(token))
    if match is None:
        raise NotFound("Deze link hoort niet (meer) bij een koppeling.")
    return match


def ask_due(session: Session) -> int:
    """Queue the follow-up question for active matches accepted long enough ago; idempotent."""
    cutoff = utcnow() - timedelta(days=get_settings().follow_up_after_days)
    due = session.exec(select(Match).where(
        Match.status == MatchStatus.ACTIVE, Match.follow_up_sent_at.is_(None),
        Match.outcome.is_(None), Match.answered_at < cutoff)).all()
    for match in due:
        notifications.follow_up(session, match)
        match.follow_up_sent_at = utcnow()
    session.flush()
    return len(due)


def record_outcome(session: Session, match: Match, outcome: str) -> Match:
    """Store the answer to "Is de hulp gelukt?"; the first answer counts."""
    if outcome not in set(Outcome):
        raise ValidationFailed({"outcome": "kies gelukt of niet gelukt"})
    if match.status == MatchStatus.ACTIVE:
        transition(match, MatchStatus.DONE, outcome=Outcome(outcome))
        session.flush()
    elif match.status != MatchStatus.DONE:
        raise Conflict("Deze koppeling is niet actief.")
    return match


def close_need(session: Session, need: Need) -> None:
    """A need marked fulfilled answers the question for its active matches."""
    for match in session.exec(select(Match).where(Match.need_id == need.id,
                                                  Match.status == MatchStatus.ACTIVE)):
        record_outcome(session, match, Outcome.SUCCEEDED)


def log_hours(session: Session, match: Match, *, by: str, hours: float, on_date: date,
              note: str = "") -> HoursLog:
    """Hours given through an active (or finished) match."""
    if match.status not in (MatchStatus.ACTIVE, MatchStatus.DONE):
        raise Conflict("Uren kunnen alleen bij een lopende koppeling worden doorgegeven.")
    if not 0 < hours <= 24:
        raise ValidationFailed({"hours": "tussen 0 en 24 uur per keer"})
    if on_date > local_today():
        raise ValidationFailed({"on_date": "datum ligt in de toekomst"})
    entry = HoursLog(match_id=match.id, logged_by=by, hours=hours, on_date=on_date,
                     note=note.strip()[:500])
    session.add(entry)
    session.flush()
    return entry


def match_for_actor(session: Session, actor: Actor, match_id: int) -> Match:
    """A match the signed-in initiator or volunteer takes part in, else NotFound."""
    match = session.get(Match, match_id)
    if match is not None and actor.role == "volunteer":
        mine = match.resource_kind == "volunteer" and match.resource_id == actor.volunteer_id
    else:
        need = session.get(Need, match.need_id) if match else None
        mine = need is not None and need.initiative_id == actor.initiative_id
    if not mine:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    return match


@dataclass
class Overdue:
    """A match the broker should chase (now, or soon)."""

    match_id: int
    initiative: str
    need_title: str
    resource: str
    since_days: int
    what: str
    mail_id: int | None = None  # an invitation that did not get through: send it again
    due_at: datetime | None = None  # when waiting turns into chasing
    need_id: int | None = None


def _waiting(session: Session, actor: Actor) -> list[Overdue]:
    """Every invitation and follow-up still without an answer, with the day it falls due."""
    wait = timedelta(days=get_settings().overdue_after_days)
    stmt = review.in_scope(actor)
    now = utcnow()
    invited = session.exec(stmt.where(Match.status == MatchStatus.APPROVED)).all()
    asked = session.exec(stmt.where(Match.status == MatchStatus.ACTIVE, Match.outcome.is_(None),
                                    Match.follow_up_sent_at.is_not(None))).all()
    names = views.names_for_broker(session, actor, [m for m, _n, _i in [*invited, *asked]],
                                   "nazorg")
    failed = notifications.undelivered(session, [match.id for match, _n, _i in invited])
    rows = []
    for match, need, initiative in invited:
        since = match.decided_at or match.updated_at
        mail = failed.get(match.id)
        rows.append(Overdue(match.id, initiative.name, need.title, names[match.id],
                            (now - since).days,
                            "uitnodiging niet bezorgd" if mail else "uitnodiging onbeantwoord",
                            mail_id=mail.id if mail else None,
                            # An invitation that did not get through is due at once.
                            due_at=since if mail else since + wait, need_id=need.id))
    for match, need, initiative in asked:
        rows.append(Overdue(match.id, initiative.name, need.title, names[match.id],
                            (now - match.follow_up_sent_at).days, "nazorg onbeantwoord",
                            due_at=match.follow_up_sent_at + wait, need_id=need.id))
    return rows


def overdue(session: Session, actor: Actor) -> list[Overdue]:
    """Invitations that did not get through, invitations nobody answered and follow-ups
    nobody answered in time, oldest first."""
    now = utcnow()
    return sorted((r for r in _waiting(session, actor) if r.due_at <= now),
                  key=lambda r: (-r.since_days, r.match_id))


@dataclass
class Chase:
    """What the broker must chase now, what falls due soon, and how much waits longer."""

    overdue: list[Overdue]
    due_soon: list[Overdue]
    later: int
    soon_days: int
    after_days: int


def to_chase(session: Session, actor: Actor) -> Chase:
    """Overdue items, and those falling due within the configured days (soonest first)."""
    settings = get_settings()
    now = utcnow()
    horizon = now + timedelta(days=settings.due_soon_days)
    rows = _waiting(session, actor)
    late = sorted((r for r in rows if r.due_at <= now), key=lambda r: (-r.since_days, r.match_id))
    soon = sorted((r for r in rows if now < r.due_at <= horizon),
                  key=lambda r: (r.due_at, r.match_id))
    return Chase(late, soon, sum(1 for r in rows if r.due_at > horizon),
                 settings.due_soon_days, settings.overdue_after_days)


def resend(session: Session, actor: Actor, mail_id: int) -> None:
    """Send an invitation that did not get through once more."""
    mail = session.get(MailMessage, mail_id)
    if mail is None or mail.match_id is None:
        raise NotFound(f"Bericht {mail_id} bestaat niet.")
    review.get_in_scope(session, actor, mail.match_id)  # NotFound outside the broker's reach
    notifications.resend(session, mail_id)


def reinvite(session: Session, actor: Actor, match_id: int) -> None:
    """Send the invitation once more (a reminder)."""
    match, _need, _initiative = review.get_in_scope(session, actor, match_id)
    if match.status != MatchStatus.APPROVED:
        raise Conflict("Alleen een openstaande uitnodiging kan opnieuw worden verstuurd.")
    notifications.invite_for_approval(session, match, kind="reminder")


def give_up(session: Session, actor: Actor, match_id: int) -> None:
    """Stop waiting for this one; the next suggestion in the queue can be approved."""
    match, _need, _initiative = review.get_in_scope(session, actor, match_id)
    transition(match, MatchStatus.DECLINED, by=actor.user_id, note=GIVEN_UP)
    session.flush()


@dataclass
class OpenCase:
    """A need the broker is working on: a match they approved, or a referral they made."""

    need_id: int
    need_title: str
    initiative: str
    what: str
    since: datetime


def my_open_cases(session: Session, actor: Actor) -> list[OpenCase]:
    """Needs with a match this broker approved that is still running, or a referral of theirs
    that is not closed; most recent first."""
    cases: dict[int, OpenCase] = {}
    for match, need, initiative in session.exec(review.in_scope(actor).where(
            Match.decided_by == actor.user_id,
            Match.status.in_([MatchStatus.APPROVED, MatchStatus.ACTIVE]))):
        what = "wacht op antwoord" if match.status == MatchStatus.APPROVED else "loopt"
        since = match.answered_at or match.decided_at or match.updated_at
        if need.id not in cases or cases[need.id].since < since:
            cases[need.id] = OpenCase(need.id, need.title, initiative.name, what, since)
    for referral, need, initiative in referrals.listed(session, actor):
        if referral.by_user_id != actor.user_id or referral.status == referrals.CLOSED:
            continue
        since = referral.accepted_at or referral.created_at
        if need.id not in cases or cases[need.id].since < since:
            what = f"doorverwezen naar {referral.partner}"
            cases[need.id] = OpenCase(need.id, need.title, initiative.name, what, since)
    return sorted(cases.values(), key=lambda c: (c.since, c.need_id), reverse=True)

"""Mijn vrijwilligerswerk: a volunteer's own invitations, offers, matches and hours."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from core.errors import Conflict, NotFound
from core.permissions import Actor
from db.models import HoursLog, Initiative, Match, Need
from services.brokerage import followup
from services.brokerage.lifecycle import MatchStatus, transition

S = MatchStatus
# What a volunteer is told about. A proposal waits for the broker first, and a broker's
# rejection is internal: neither is shown.
SECTIONS: dict[str, tuple[str, ...]] = {
    "invitations": (S.APPROVED,),
    "offered": (S.OFFERED,),
    "active": (S.ACTIVE,),
    "past": (S.DONE, S.DECLINED),
}
WITHDRAWN = "aanbod ingetrokken door de vrijwilliger"
VISIBLE = tuple(status.value for group in SECTIONS.values() for status in group)


@dataclass
class MyMatch:
    """One of the volunteer's matches with what the page shows about it."""

    match: Match
    need: Need
    initiative: Initiative
    hours: list[HoursLog] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        """Hours logged on this match, by either side."""
        return sum(entry.hours for entry in self.hours)

    @property
    def how_it_ended(self) -> str:
        """Why a past match ended, as a code the page words in Dutch."""
        match = self.match
        if match.status == S.DONE:
            return match.outcome or "succeeded"
        if match.decision_note == WITHDRAWN:
            return "withdrawn"
        if match.decision_note == followup.GIVEN_UP:
            return "no_answer"
        if match.decided_at is None:  # never a proposal: the volunteer's own offer
            return "offer_declined"
        return "declined"


def _own(session: Session, actor: Actor, match_id: int) -> Match:
    """The actor's own match as far as they were told of it; NotFound otherwise."""
    if actor.volunteer_id is None:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    match = followup.match_for_actor(session, actor, match_id)
    if match.status not in VISIBLE:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    return match


def my_matches(session: Session, actor: Actor) -> dict[str, list[MyMatch]]:
    """The volunteer's matches per section, newest first."""
    out: dict[str, list[MyMatch]] = {name: [] for name in SECTIONS}
    if actor.volunteer_id is None:
        return out
    rows = session.exec(
        select(Match, Need, Initiative).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Match.resource_kind == "volunteer", Match.resource_id == actor.volunteer_id,
               Match.status.in_(VISIBLE))
        .order_by(Match.updated_at.desc(), Match.id.desc())).all()
    hours = _hours(session, [match.id for match, _need, _initiative in rows])
    section_of = {status.value: name for name, group in SECTIONS.items() for status in group}
    for match, need, initiative in rows:
        out[section_of[match.status]].append(
            MyMatch(match, need, initiative, hours.get(match.id, [])))
    return out


def _hours(session: Session, match_ids: list[int]) -> dict[int, list[HoursLog]]:
    out: dict[int, list[HoursLog]] = {}
    if match_ids:
        for entry in session.exec(select(HoursLog).where(HoursLog.match_id.in_(match_ids))
                                  .order_by(HoursLog.on_date.desc(), HoursLog.id.desc())):
            out.setdefault(entry.match_id, []).append(entry)
    return out


def answer_invitation(session: Session, actor: Actor, match_id: int, *, accept: bool) -> Match:
    """Accept or decline an invitation in the app: the same step as the e-mail link."""
    return followup.answer(session, _own(session, actor, match_id), accept=accept)


def log_my_hours(session: Session, actor: Actor, match_id: int, *, hours: float,
                 on_date: date, note: str = "") -> HoursLog:
    """Hours the volunteer gave through one of their own matches."""
    return followup.log_hours(session, _own(session, actor, match_id), by="volunteer",
                              hours=hours, on_date=on_date, note=note)


def record_my_outcome(session: Session, actor: Actor, match_id: int, outcome: str) -> Match:
    """The volunteer's answer to "Is de hulp gelukt?"."""
    return followup.record_outcome(session, _own(session, actor, match_id), outcome)


def withdraw_offer(session: Session, actor: Actor, match_id: int) -> Match:
    """Take back an offer of help the initiative has not answered yet; twice changes nothing."""
    match = _own(session, actor, match_id)
    if match.status == S.OFFERED:
        transition(match, S.DECLINED, note=WITHDRAWN)
        session.flush()
    elif match.status != S.DECLINED:
        raise Conflict("Dit aanbod is al beantwoord en kan niet meer worden ingetrokken.")
    return match

"""The initiative's side of its matches: answering suggestions and offers of help, what it sees
per need (names and contact only once a match is accepted), confirming help and hours."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from core import nl
from core.errors import Conflict, NotFound, ValidationFailed
from core.permissions import Actor
from core.privacy import BSN_MESSAGE, contains_bsn
from db.models import Fund, HoursLog, Initiative, Instrument, Match, Need, User, Volunteer
from db.models import ParticipationClient as Client
from db.types import utcnow
from services.audit import service as audit
from services.brokerage import followup
from services.brokerage.lifecycle import MatchStatus, Outcome, transition
from services.notifications import service as notifications

INTERESTED, NOT_A_FIT = "interested", "not_a_fit"
ANSWERS = (INTERESTED, NOT_A_FIT)
# The decision reason stamped when the initiative itself turns a suggestion down; a code of
# the rejection_reasons vocabulary so every page can label it in Dutch.
NOT_A_FIT_REASON = "not_suitable"
# Only then do both sides learn who the other is.
INTRODUCED = (MatchStatus.ACTIVE, MatchStatus.DONE)

S = MatchStatus
NEXT_STEP = {
    S.PROPOSED: "Koppel stelt dit voor. Laat weten of u interesse heeft; de makelaar beslist "
                "daarna of de ander persoonlijk wordt uitgenodigd.",
    S.OFFERED: "Deze persoon wil graag helpen. Zegt u ja, dan krijgt de vrijwilliger uw "
               "contactgegevens en ziet u die van de vrijwilliger.",
    S.APPROVED: "De makelaar heeft de ander uitgenodigd. Zodra die ja zegt, ziet u hier naam "
                "en contactgegevens.",
    S.ACTIVE: "De hulp loopt. Neem contact op, geef de uren door en laat weten wanneer de hulp "
              "gegeven is.",
    S.REJECTED: "Dit voorstel gaat niet door. Koppel zoekt verder naar passende hulp.",
    S.DECLINED: "Dit gaat niet door: de ander kon niet, of het aanbod is afgeslagen. Koppel "
                "zoekt verder.",
    S.DONE: "De hulp is afgerond. Dank u wel!",
}
WAITING_FOR_BROKER = "U heeft interesse laten weten. De makelaar beslist of de ander wordt " \
                     "uitgenodigd."


@dataclass
class MatchView:
    """One match of a need as the initiative sees it."""

    match: Match
    kind_label: str
    status_label: str
    who: str
    why: str
    next_step: str
    contact: list[tuple[str, str]] = field(default_factory=list)
    hours: list[HoursLog] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """Whether the initiative can still say "interesse" or "past niet"."""
        return self.match.status in (S.PROPOSED, S.OFFERED)

    @property
    def total_hours(self) -> float:
        """Hours logged so far."""
        return sum(entry.hours for entry in self.hours)


def own_match(session: Session, actor: Actor, match_id: int) -> tuple[Match, Need]:
    """A match for a need of the actor's own initiative, else NotFound."""
    match = session.get(Match, match_id)
    need = session.get(Need, match.need_id) if match else None
    if need is None or actor.initiative_id is None or need.initiative_id != actor.initiative_id:
        raise NotFound(f"Koppeling {match_id} bestaat niet.")
    return match, need


def respond(session: Session, actor: Actor, match_id: int, answer: str,
            reason: str | None = None) -> Match:
    """The initiative's word on a suggestion (the broker still decides) or an offer of help."""
    # On an offer of help the initiative decides itself: yes makes it active, no declines it.
    if answer not in ANSWERS:
        raise ValidationFailed({"answer": "kies interesse of past niet"})
    reason = (reason or "").strip()[:500] or None
    if contains_bsn(reason):
        raise ValidationFailed({"reason": BSN_MESSAGE})
    match, need = own_match(session, actor, match_id)
    status = MatchStatus(match.status)
    if status not in (S.PROPOSED, S.OFFERED):
        raise Conflict("Op deze koppeling kunt u niet meer antwoorden.")
    match.initiative_response, match.initiative_response_reason = answer, reason
    match.initiative_response_at = utcnow()
    if status is S.PROPOSED and answer == NOT_A_FIT:
        transition(match, S.REJECTED, by=actor.user_id, reason=NOT_A_FIT_REASON, note=reason)
    elif status is S.OFFERED:
        # No `by`: the answering side answered, which starts the follow-up clock.
        transition(match, S.ACTIVE if answer == INTERESTED else S.DECLINED, note=reason)
    match.updated_at = utcnow()
    session.flush()
    if status is S.OFFERED and answer == INTERESTED:
        notifications.offer_accepted(session, match, answered_by=actor.email)
    return match


def confirm_help(session: Session, actor: Actor, match_id: int) -> Match:
    """"De hulp is gegeven": the active match is done and succeeded."""
    match, _need = own_match(session, actor, match_id)
    return followup.record_outcome(session, match, Outcome.SUCCEEDED)


def log_hours(session: Session, actor: Actor, match_id: int, *, hours: float, on_date: date,
              note: str = "") -> HoursLog:
    """Hours given through a match of the initiative."""
    match, _need = own_match(session, actor, match_id)
    return followup.log_hours(session, match, by="initiator", hours=hours, on_date=on_date,
                              note=note)


def for_need(session: Session, actor: Actor, need: Need) -> list[MatchView]:
    """Every match of one of the initiative's needs: open ones first, best first."""
    if need.initiative_id != actor.initiative_id:
        raise NotFound(f"Behoefte {need.id} bestaat niet.")
    order = list(S)
    matches = sorted(session.exec(select(Match).where(Match.need_id == need.id)).all(),
                     key=lambda m: (order.index(S(m.status)), -m.score, m.id))
    hours = _hours(session, [m.id for m in matches])
    return [_view(session, actor, m, hours.get(m.id, [])) for m in matches]


def _hours(session: Session, match_ids: list[int]) -> dict[int, list[HoursLog]]:
    out: dict[int, list[HoursLog]] = {}
    if match_ids:
        for entry in session.exec(select(HoursLog).where(HoursLog.match_id.in_(match_ids))
                                  .order_by(HoursLog.on_date, HoursLog.id)):
            out.setdefault(entry.match_id, []).append(entry)
    return out


def _view(session: Session, actor: Actor, match: Match, hours: list[HoursLog]) -> MatchView:
    status = S(match.status)
    step = NEXT_STEP[status]
    if status is S.PROPOSED and match.initiative_response == INTERESTED:
        step = WAITING_FOR_BROKER
    if status is S.REJECTED and match.initiative_response == NOT_A_FIT:
        step = "U gaf aan dat dit niet past. Koppel zoekt verder naar passende hulp."
    if status is S.DONE and match.outcome == Outcome.FAILED:
        step = "Afgerond, maar de hulp is niet gelukt. De makelaar neemt contact met u op."
    view = MatchView(match, nl.label("resource_kinds", match.resource_kind),
                     nl.label("match_statuses", match.status), _neutral(session, match),
                     nl.explain(match.reasons) or match.explanation, step, hours=hours)
    if status in INTRODUCED:
        view.who, view.contact = introduced(session, actor, match)
    return view


def _distance(match: Match) -> str | None:
    for reason in match.reasons:
        if reason.get("code") == "distance_km":
            return nl.km(reason.get("value"))
    return None


def _neutral(session: Session, match: Match) -> str:
    """Who it is without naming anyone: before an introduction nobody's identity is shown."""
    if match.resource_kind == "volunteer":
        volunteer = session.get(Volunteer, match.resource_id)
        parts = ["Een vrijwilliger" + (f" uit {volunteer.pc4}" if volunteer and volunteer.pc4
                                       else "")]
        distance = _distance(match)
        return ", ".join(parts + ([distance] if distance else []))
    return {"fund": "Een fonds", "instrument": "Een regeling van de gemeente",
            "placement": "Een kandidaat via een consulent"}.get(match.resource_kind, "Hulp")


def introduced(session: Session, actor: Actor, match: Match, *,
               purpose: str = "contact na koppeling",
               named: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """Name and contact of the helping side of an accepted match (named: a "Naam" row too)."""
    kind, rid = match.resource_kind, match.resource_id
    if kind == "volunteer":
        volunteer = session.get(Volunteer, rid)
        if volunteer is None or not volunteer.name:
            return "Vrijwilliger (gegevens gewist)", []
        # The initiative reads a person's contact details: audited like every such read.
        audit.record_access(session, actor, action="read", subject_type="volunteer",
                            subject_id=rid, purpose=purpose,
                            municipality_code=volunteer.municipality_code)
        name_row = [("Naam", volunteer.name)] if named else []
        return volunteer.name, name_row + _rows(("E-mail", volunteer.email),
                                                ("Telefoon", volunteer.phone))
    if kind == "fund":
        fund = session.get(Fund, rid)
        return (fund.name, _rows(("E-mail", fund.contact_email))) if fund else ("Fonds", [])
    if kind == "instrument":
        instrument = session.get(Instrument, rid)
        if instrument is None:
            return "Regeling", []
        return instrument.title, _rows(("Loket", instrument.desk_name),
                                       ("E-mail", instrument.desk_email))
    client = session.get(Client, rid)
    consultant = session.get(User, client.consultant_user_id) if client else None
    return "Kandidaat via consulent", _rows(
        ("Consulent", consultant.display_name if consultant else None),
        ("E-mail", consultant.email if consultant else None))


def _rows(*pairs: tuple[str, str | None]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def initiative_of(session: Session, actor: Actor) -> Initiative:
    """The actor's own initiative, or NotFound."""
    initiative = session.get(Initiative, actor.initiative_id) if actor.initiative_id else None
    if initiative is None:
        raise NotFound("U heeft nog geen initiatief.")
    return initiative

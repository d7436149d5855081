"""Matches as people read them: the resource's name and the Dutch explanation."""

from dataclasses import dataclass

from sqlmodel import Session, select

from core import nl
from core.permissions import Actor, covers
from db.models import Fund, Instrument, Match, Volunteer
from services.audit import service as audit


@dataclass
class Suggestion:
    """One proposed match on a page."""

    kind_label: str
    name: str
    score: float
    explanation: str
    status: str


def resource_name(session: Session, match: Match) -> str:
    """How a page names the resource side of a match."""
    if match.resource_kind == "fund":
        fund = session.get(Fund, match.resource_id)
        return fund.name if fund else "Fonds"
    if match.resource_kind == "instrument":
        instrument = session.get(Instrument, match.resource_id)
        return f"{instrument.title} ({instrument.desk_name})" if instrument else "Regeling"
    if match.resource_kind == "placement":
        return "Kandidaat via consulent"
    # Volunteers are people: the page shows no name until a broker introduces them.
    return f"Vrijwilliger {match.resource_id}"


def suggestions_by_need(session: Session, need_ids: list[int]) -> dict[int, list[Suggestion]]:
    """Open suggestions per need, best first."""
    out: dict[int, list[Suggestion]] = {need_id: [] for need_id in need_ids}
    if not need_ids:
        return out
    rows = session.exec(select(Match).where(Match.need_id.in_(need_ids))
                        .order_by(Match.need_id, Match.score.desc(), Match.id)).all()
    for match in rows:
        out[match.need_id].append(Suggestion(nl.label("resource_kinds", match.resource_kind),
                                             resource_name(session, match), match.score,
                                             match.explanation, match.status))
    return out


# Brokers see people by name: one presenter, so the queue, the match page and the follow-up
# list call a volunteer the same.
NEIGHBOUR = "Vrijwilliger uit een buurgemeente"
ERASED = "(gewist)"


def volunteer_name(volunteer: Volunteer | None) -> str:
    """A volunteer's name as every broker page shows it."""
    if volunteer is None or volunteer.erased_at is not None or not volunteer.name:
        return ERASED
    return volunteer.name


def names_for_broker(session: Session, actor: Actor, matches: list[Match],
                     purpose: str) -> dict[int, str]:
    """The resource side of each match as a broker reads it; each volunteer shown is audited."""
    out = {}
    volunteer_ids = {m.resource_id for m in matches if m.resource_kind == "volunteer"}
    volunteers = {v.id: v for v in session.exec(
        select(Volunteer).where(Volunteer.id.in_(volunteer_ids)))} if volunteer_ids else {}
    for volunteer_id in sorted(volunteer_ids):
        audit.record_access(session, actor, action="read", subject_type="volunteer",
                            subject_id=volunteer_id, purpose=purpose,
                            municipality_code=actor.municipality_code)
    for match in matches:
        if match.resource_kind != "volunteer":
            out[match.id] = resource_name(session, match)
            continue
        volunteer = volunteers.get(match.resource_id)
        if volunteer is not None and not covers(actor, "volunteer.read", volunteer):
            out[match.id] = NEIGHBOUR  # lives elsewhere: that municipality's broker introduces
        else:
            out[match.id] = volunteer_name(volunteer)
    return out

"""Matches as people read them: the resource's name and the Dutch explanation."""

from dataclasses import dataclass

from sqlmodel import Session, select

from core import nl
from db.models import Fund, Instrument, Match


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

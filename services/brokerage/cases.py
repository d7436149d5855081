"""A need's case file for brokers and staff: the need, every proposal, the timeline, and the
contact details of both sides once they have both said yes."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from core import nl
from core.errors import NotFound
from core.permissions import Actor, covers
from db.models import Initiative, Match, Need, ResidentContact
from services.audit import service as audit
from services.brokerage import responses
from services.brokerage.lifecycle import MatchStatus
from services.brokerage.timeline import Item, resource_names, timeline

# Both sides said yes: from here on they (and the broker) see each other's contact details.
ACCEPTED = (MatchStatus.ACTIVE.value, MatchStatus.DONE.value)


@dataclass
class Proposal:
    """One match of the need as the case file lists it."""

    match: Match
    name: str
    kind_label: str
    status_label: str


@dataclass
class Contacts:
    """Both sides of an accepted match, as (label, value) rows."""

    match_id: int
    help_name: str
    help_rows: list[tuple[str, str]] = field(default_factory=list)
    need_rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CaseFile:
    """Everything a broker needs to follow one need."""

    need: Need
    initiative: Initiative
    proposals: list[Proposal]
    items: list[Item]
    contacts: list[Contacts]


def need_in_scope(session: Session, actor: Actor, need_id: int,
                  action: str = "case.read") -> tuple[Need, Initiative]:
    """A need of the actor's municipality (admins: any), else NotFound, so nothing leaks."""
    need = session.get(Need, need_id)
    initiative = session.get(Initiative, need.initiative_id) if need else None
    if initiative is None or not covers(actor, action, initiative):
        raise NotFound(f"Behoefte {need_id} bestaat niet.")
    return need, initiative


def read_timeline(session: Session, actor: Actor, need_id: int) -> list[Item]:
    """The timeline of a need in the actor's reach; the read is audited (it names people)."""
    _need, initiative = need_in_scope(session, actor, need_id)
    _audit(session, actor, need_id, initiative)
    return timeline(session, need_id)


def case_file(session: Session, actor: Actor, need_id: int) -> CaseFile:
    """The whole case file of a need in the actor's reach, audited."""
    need, initiative = need_in_scope(session, actor, need_id)
    _audit(session, actor, need_id, initiative)
    matches = list(session.exec(select(Match).where(Match.need_id == need_id)
                                .order_by(Match.score.desc(), Match.id)))
    names = resource_names(session, matches, initiative.municipality_code)
    proposals = [Proposal(m, names[m.id], nl.label("resource_kinds", m.resource_kind),
                          nl.label("match_statuses", m.status)) for m in matches]
    contacts = [contacts_of(session, actor, m, initiative) for m in matches
                if m.status in ACCEPTED]
    return CaseFile(need, initiative, proposals, timeline(session, need_id), contacts)


def contacts_of(session: Session, actor: Actor, match: Match,
                initiative: Initiative) -> Contacts | None:
    """Both sides' contact details of an accepted match; None before both said yes."""
    if match.status not in ACCEPTED:
        return None
    need_rows = _rows(("Initiatief", initiative.name),
                      ("Contactpersoon", initiative.contact_name),
                      ("E-mail", initiative.contact_email))
    resident = session.exec(select(ResidentContact).where(
        ResidentContact.need_id == match.need_id)).first()
    if resident is not None:
        need_rows += _rows(("Bewoner", resident.name), ("Telefoon bewoner", resident.phone))
    name, help_rows = responses.introduced(session, actor, match,
                                           purpose="contact na koppeling (dossier)", named=True)
    return Contacts(match.id, name, help_rows, need_rows)


def _rows(*pairs: tuple[str, str | None]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def _audit(session: Session, actor: Actor, need_id: int, initiative: Initiative) -> None:
    audit.record_access(session, actor, action="read", subject_type="need",
                        subject_id=need_id, purpose="dossier inzien",
                        municipality_code=initiative.municipality_code)

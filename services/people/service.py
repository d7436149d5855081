"""Volunteers and Participatiewet clients: scoped access, audited reads, erasure."""

import base64
import binascii
import logging

from sqlmodel import Session, select

from core import geo
from core.errors import Conflict, NotFound, ValidationFailed, refuse_nulls
from core.fields import MAX_ID
from core.permissions import Actor, Scope, covers, scoped
from core.vocabulary import get_vocabulary
from db.models import ParticipationClient, User, Volunteer
from db.types import utcnow
from services.audit import service as audit
from services.auth import service as auth
from services.outbox import service as outbox
from services.people.schemas import (
    CandidateRead,
    ClientCreate,
    ClientRead,
    ClientUpdate,
    VolunteerCreate,
    VolunteerRead,
    VolunteerUpdate,
)
from services.worker.queues import TaskName

log = logging.getLogger(__name__)
ERASED = "gewist"


def _located(pc4: str | None) -> tuple[float | None, float | None]:
    postcode = geo.lookup(pc4) if pc4 else None
    return (postcode.latitude, postcode.longitude) if postcode else (None, None)


def volunteer_read(v: Volunteer) -> VolunteerRead:
    """A volunteer for the API."""
    postcode = geo.lookup(v.pc4) if v.pc4 else None
    return VolunteerRead(
        id=v.id, municipality=v.municipality_code, name=v.name, email=v.email, phone=v.phone,
        pc4=v.pc4, place=postcode.place if postcode else None, skills=list(v.skills),
        themes=list(v.themes), availability=list(v.availability),
        hours_per_week=v.hours_per_week, radius_km=v.radius_km, about=v.about,
        paused_until=v.paused_until, consent_given_at=v.consent_given_at,
        created_at=v.created_at, updated_at=v.updated_at,
        erased=v.erased_at is not None)


def create_volunteer(session: Session, actor: Actor, data: VolunteerCreate) -> Volunteer:
    """Register a volunteer: a volunteer for themselves, staff or brokers for a resident."""
    if not data.consent:
        raise ValidationFailed({"consent": "zonder toestemming kunnen we het profiel niet "
                                           "bewaren"})
    scope = actor.scope("volunteer.create")
    municipality = data.municipality or actor.municipality_code
    user_id = None
    if scope == Scope.SELF:
        if actor.volunteer_id is not None:
            raise Conflict("U heeft al een vrijwilligersprofiel.")
        municipality, user_id = actor.municipality_code, actor.user_id
    elif scope == Scope.MUNICIPALITY and municipality != actor.municipality_code:
        raise ValidationFailed({"municipality": "alleen voor uw eigen gemeente"})
    if municipality is None:
        raise ValidationFailed({"municipality": "dit veld is verplicht"})
    lat, lon = _located(data.pc4)
    now = utcnow()
    values = data.model_dump(exclude={"consent", "municipality"})
    volunteer = Volunteer(**values, municipality_code=municipality, user_id=user_id,
                          latitude=lat, longitude=lon, consent_given_at=now)
    return _registered(session, actor, volunteer, "volunteer", "registratie vrijwilliger")


def _registered(session: Session, actor: Actor, person: Volunteer | ParticipationClient,
                kind: str, purpose: str) -> Volunteer | ParticipationClient:
    """Store a new person, let matching look for them, and audit who registered them."""
    session.add(person)
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE,
                   kind="placement" if kind == "client" else kind, resource_id=person.id)
    audit.record_access(session, actor, action="create", subject_type=kind,
                        subject_id=person.id, purpose=purpose,
                        municipality_code=person.municipality_code)
    return person


def _visible_volunteer(session: Session, actor: Actor, volunteer_id: int,
                       action: str) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or not covers(actor, action, volunteer):
        raise NotFound(f"Vrijwilliger {volunteer_id} bestaat niet.")
    return volunteer


def get_volunteer(session: Session, actor: Actor, volunteer_id: int, purpose: str) -> Volunteer:
    """Read a volunteer within the actor's scope; staff reads are audited, also failed ones."""
    audit.record_access(session, actor, action="read", subject_type="volunteer",
                        subject_id=volunteer_id, purpose=purpose,
                        municipality_code=actor.municipality_code)
    return _visible_volunteer(session, actor, volunteer_id, "volunteer.read")


def update_volunteer(session: Session, actor: Actor, volunteer_id: int,
                     data: VolunteerUpdate, purpose: str) -> Volunteer:
    """Change a volunteer profile within the actor's scope."""
    audit.record_access(session, actor, action="update", subject_type="volunteer",
                        subject_id=volunteer_id, purpose=purpose,
                        municipality_code=actor.municipality_code)
    volunteer = _visible_volunteer(session, actor, volunteer_id, "volunteer.update")
    if volunteer.erased_at is not None:
        raise Conflict("Dit profiel is gewist.")
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("name", "pc4", "skills", "themes", "availability",
                          "hours_per_week", "radius_km", "about"))
    for key, value in values.items():
        setattr(volunteer, key, value)
    if "pc4" in values:
        volunteer.latitude, volunteer.longitude = _located(volunteer.pc4)
    volunteer.updated_at = volunteer.last_active_at = utcnow()
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="volunteer",
                   resource_id=volunteer.id)
    return volunteer


def client_read(client: ParticipationClient) -> ClientRead:
    """A client for the consultant or staff."""
    vocab = get_vocabulary()
    return ClientRead(
        id=client.id, pseudonym=client.pseudonym, consultant_user_id=client.consultant_user_id,
        municipality=client.municipality_code,
        capacity_hours_per_week=client.capacity_hours_per_week,
        restrictions=list(client.restrictions),
        restriction_labels=[vocab.label("client_restrictions", r) for r in client.restrictions],
        route=client.route, route_label=vocab.label("participation_act_routes", client.route),
        skills=list(client.skills), availability=list(client.availability), pc4=client.pc4,
        closed_at=client.closed_at, created_at=client.created_at)


def candidate_read(client: ParticipationClient) -> CandidateRead:
    """A client as a broker may see them."""
    return CandidateRead(id=client.id, skills=list(client.skills),
                         availability=list(client.availability))


def _pseudonym_taken(session: Session, municipality: str, pseudonym: str,
                     exclude_id: int | None = None) -> bool:
    stmt = select(ParticipationClient.id).where(
        ParticipationClient.municipality_code == municipality,
        ParticipationClient.pseudonym == pseudonym)
    found = session.exec(stmt).first()
    return found is not None and found != exclude_id


def create_client(session: Session, actor: Actor, data: ClientCreate) -> ParticipationClient:
    """Register a client under the consultant's own caseload and municipality."""
    if _pseudonym_taken(session, actor.municipality_code, data.pseudonym):
        raise ValidationFailed({"pseudonym": "dit pseudoniem is in uw gemeente al in gebruik"})
    client = ParticipationClient(**data.model_dump(), consultant_user_id=actor.user_id,
                                 municipality_code=actor.municipality_code)
    return _registered(session, actor, client, "client", "aanmelding door consulent")


def _visible_client(session: Session, actor: Actor, client_id: int,
                    action: str) -> ParticipationClient:
    client = session.get(ParticipationClient, client_id)
    if client is None or client.erased_at is not None or not covers(actor, action, client):
        raise NotFound(f"Cliënt {client_id} bestaat niet.")
    return client


def get_client(session: Session, actor: Actor, client_id: int,
               purpose: str) -> ClientRead | CandidateRead:
    """A client as the actor may see them: full for consultant and staff, a candidate for
    brokers. Every read is audited, also a failed one."""
    audit.record_access(session, actor, action="read", subject_type="client",
                        subject_id=client_id, purpose=purpose,
                        municipality_code=actor.municipality_code)
    client = _visible_client(session, actor, client_id, "client.read")
    return candidate_read(client) if actor.role == "broker" else client_read(client)


def _cursor_id(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = 0
    if not 1 <= value <= MAX_ID:
        raise ValidationFailed({"cursor": "ongeldige cursor"})
    return value


def list_clients(session: Session, actor: Actor, *, limit: int = 20, cursor: str | None = None,
                 purpose: str = "overzicht cliënten") -> tuple[list[ParticipationClient],
                                                               str | None]:
    """The consultant's own clients (staff: their municipality's), oldest first, one keyset
    page and the cursor of the next; every record on the page is an audited read."""
    stmt = select(ParticipationClient).where(ParticipationClient.erased_at.is_(None))
    stmt = scoped(stmt, actor, "client.list", ParticipationClient)
    if cursor:
        stmt = stmt.where(ParticipationClient.id > _cursor_id(cursor))
    rows = list(session.exec(stmt.order_by(ParticipationClient.id).limit(limit + 1)))
    page = rows[:limit]
    for client in page:
        audit.record_access(session, actor, action="read", subject_type="client",
                            subject_id=client.id, purpose=purpose,
                            municipality_code=client.municipality_code)
    next_cursor = None
    if len(rows) > limit:
        next_cursor = base64.urlsafe_b64encode(str(page[-1].id).encode()).decode().rstrip("=")
    return page, next_cursor


def update_client(session: Session, actor: Actor, client_id: int, data: ClientUpdate,
                  purpose: str) -> ParticipationClient:
    """Change a client record (consultant only)."""
    audit.record_access(session, actor, action="update", subject_type="client",
                        subject_id=client_id, purpose=purpose,
                        municipality_code=actor.municipality_code)
    client = _visible_client(session, actor, client_id, "client.update")
    values = data.model_dump(exclude_unset=True)
    if values.get("pseudonym") and _pseudonym_taken(session, client.municipality_code,
                                                    values["pseudonym"], client.id):
        raise ValidationFailed({"pseudonym": "dit pseudoniem is in uw gemeente al in gebruik"})
    closed = values.pop("closed", None)
    refuse_nulls(values, tuple(k for k in values if k != "pc4"))
    for key, value in values.items():
        setattr(client, key, value)
    if closed is not None:
        client.closed_at = (client.closed_at or utcnow()) if closed else None
    client.updated_at = utcnow()
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="placement",
                   resource_id=client.id)
    return client


def export_for(session: Session, actor: Actor) -> dict:
    """Everything Koppel keeps about the signed-in user, for download."""
    user = session.get(User, actor.user_id)
    volunteer = session.exec(select(Volunteer).where(Volunteer.user_id == user.id)).first()
    return {
        "exported_at": utcnow().isoformat(),
        "account": {"id": user.id, "email": user.email, "role": user.role,
                    "display_name": user.display_name, "municipality": user.municipality_code,
                    "organisation": user.organisation_id,
                    "created_at": user.created_at.isoformat(),
                    "last_login_at": user.last_login_at.isoformat() if user.last_login_at
                    else None},
        "volunteer": volunteer_read(volunteer).model_dump(mode="json") if volunteer else None,
    }


def erase_volunteer(volunteer: Volunteer) -> None:
    """Erase a volunteer's personal fields; the record stays for anonymous history."""
    for field in ("name", "email", "phone", "pc4", "latitude", "longitude"):
        setattr(volunteer, field, None)
    volunteer.about = ""
    volunteer.skills, volunteer.themes, volunteer.availability = [], [], []
    volunteer.erased_at = volunteer.updated_at = utcnow()


def erase_client(client: ParticipationClient) -> None:
    """Erase a closed client's record down to an anonymous placeholder."""
    client.pseudonym = f"{ERASED}-{client.id}"
    client.pc4 = None
    client.skills, client.availability, client.restrictions = [], [], []
    client.erased_at = client.updated_at = utcnow()


def erase_account(session: Session, user_id: int, *, reason: str,
                  actor: Actor | None = None) -> None:
    """Delete an account: personal fields erased, login impossible, history anonymised."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Account {user_id} bestaat niet.")
    volunteer = session.exec(select(Volunteer).where(Volunteer.user_id == user.id)).first()
    if volunteer is not None:
        erase_volunteer(volunteer)
        volunteer.user_id = None
    auth.close_account(session, user, placeholder=f"{ERASED}-{user.id}@koppel.invalid")
    log.info("account %s erased (%s)", user_id, reason)
    audit.record_change(session, action="erase", subject_type="user", subject_id=user.id,
                        purpose=reason, municipality_code=user.municipality_code, actor=actor)

"""JSON API for volunteers and Participatiewet clients (personal data, audited)."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from core.privacy import NoBsn
from db.session import SessionDep
from services.people import service
from services.people.schemas import (
    CandidateRead,
    ClientCreate,
    ClientPage,
    ClientQuery,
    ClientRead,
    ClientUpdate,
    VolunteerCreate,
    VolunteerRead,
    VolunteerUpdate,
)

router = APIRouter(tags=["people"], responses=ERROR_RESPONSES)
Purpose = Annotated[str, Header(alias="X-Purpose", max_length=200,
                                description="Why you look at this record (kept in the audit)"),
                    NoBsn]


@router.post("/volunteers", response_model=VolunteerRead, status_code=status.HTTP_201_CREATED,
             name="api_volunteer_create")
def create_volunteer(session: SessionDep, actor: Allowed("volunteer.create"),
                     data: VolunteerCreate):
    """Register a volunteer: yourself, or a resident of your municipality (broker, staff)."""
    return service.volunteer_read(service.create_volunteer(session, actor, data))


@router.get("/volunteers/{volunteer_id}", response_model=VolunteerRead,
            name="api_volunteer_get")
def get_volunteer(session: SessionDep, actor: Allowed("volunteer.read"), volunteer_id: Id,
                  purpose: Purpose = "profiel bekijken"):
    """A volunteer profile. Reads by staff, brokers and admins are audited."""
    return service.volunteer_read(service.get_volunteer(session, actor, volunteer_id, purpose))


@router.patch("/volunteers/{volunteer_id}", response_model=VolunteerRead,
              name="api_volunteer_update")
def update_volunteer(session: SessionDep, actor: Allowed("volunteer.update"),
                     volunteer_id: Id, data: VolunteerUpdate,
                     purpose: Purpose = "profiel bijwerken"):
    """Change a volunteer profile."""
    return service.volunteer_read(
        service.update_volunteer(session, actor, volunteer_id, data, purpose))


@router.post("/clients", response_model=ClientRead, status_code=status.HTTP_201_CREATED,
             name="api_client_create")
def create_client(session: SessionDep, actor: Allowed("client.create"), data: ClientCreate):
    """Register a Participatiewet client under a pseudonym (consultants only)."""
    return service.client_read(service.create_client(session, actor, data))


@router.get("/clients", response_model=ClientPage, name="api_client_list")
def list_clients(session: SessionDep, actor: Allowed("client.list"),
                 query: Annotated[ClientQuery, Query()],
                 purpose: Purpose = "overzicht cliënten"):
    """Your own clients (staff: your municipality's), in keyset pages; every record is an
    audited read."""
    clients, next_cursor = service.list_clients(session, actor, limit=query.limit,
                                                cursor=query.cursor, purpose=purpose)
    return ClientPage(items=[service.client_read(c) for c in clients], next_cursor=next_cursor)


@router.get("/clients/{client_id}", response_model=ClientRead | CandidateRead,
            name="api_client_get")
def get_client(session: SessionDep, actor: Allowed("client.read"), client_id: Id,
               purpose: Purpose = "dossier bekijken"):
    """A client: the full record for their consultant and staff, a candidate for brokers."""
    return service.get_client(session, actor, client_id, purpose)


@router.patch("/clients/{client_id}", response_model=ClientRead, name="api_client_update")
def update_client(session: SessionDep, actor: Allowed("client.update"), client_id: Id,
                  data: ClientUpdate, purpose: Purpose = "dossier bijwerken"):
    """Change a client record (their consultant only)."""
    return service.client_read(service.update_client(session, actor, client_id, data, purpose))


@router.get("/me/export", name="api_me_export")
def export_me(session: SessionDep, actor: Allowed("me.export")) -> dict:
    """Everything Koppel holds about you, as JSON."""
    return service.export_for(session, actor)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, name="api_me_delete")
def delete_me(session: SessionDep, actor: Allowed("me.delete")):
    """Delete your account: personal data is erased, history is kept without it."""
    service.erase_account(session, actor.user_id, reason="verzoek van de vrijwilliger",
                         actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

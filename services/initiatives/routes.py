"""JSON API for initiatives, their needs and their offers."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Actor, Allowed, covers
from db.models import Initiative
from db.session import SessionDep
from services.initiatives import needs_board, presenters, queries, service
from services.initiatives.board_schemas import NeedBoardPage, NeedBoardQuery
from services.initiatives.schemas import (
    InitiativeCreate,
    InitiativePage,
    InitiativeQuery,
    InitiativeRead,
    InitiativeUpdate,
    NeedCreate,
    NeedRead,
    NeedUpdate,
    OfferCreate,
    OfferRead,
    OfferUpdate,
)

router = APIRouter(prefix="/initiatives", tags=["initiatives"], responses=ERROR_RESPONSES)


def _read(initiative: Initiative, actor: Actor | None) -> InitiativeRead:
    return presenters.initiative_read(
        initiative, show_contact=covers(actor, "initiative.contact", initiative),
        show_private=covers(actor, "need.private", initiative))


@router.get("", response_model=InitiativePage, name="api_initiative_list")
def list_initiatives(session: SessionDep, actor: Allowed("initiative.list"),
                     query: Annotated[InitiativeQuery, Query()]):
    """List published initiatives with filters and Dutch full-text search; keyset pages."""
    page = queries.list_initiatives(session, query)
    return InitiativePage(
        items=[presenters.initiative_summary(h.initiative, distance_km=h.distance_km,
                                             score=h.score) for h in page.hits],
        next_cursor=page.next_cursor,
        did_you_mean=page.did_you_mean,
    )


@router.post("", response_model=InitiativeRead, status_code=status.HTTP_201_CREATED,
             name="api_initiative_create")
def create_initiative(session: SessionDep, actor: Allowed("initiative.create"),
                      data: InitiativeCreate, response: Response):
    """Create an initiative with its needs and offers in one transaction."""
    initiative = service.create(session, data, actor)
    response.headers["Location"] = f"/api/v1/initiatives/{initiative.id}"
    return _read(initiative, actor)


@router.get("/{initiative_id}", response_model=InitiativeRead, name="api_initiative_get")
def get_initiative(session: SessionDep, actor: Allowed("initiative.read"), initiative_id: Id):
    """One initiative's full profile; contact data only for those who may see it."""
    return _read(service.get_visible(session, actor, initiative_id), actor)


@router.patch("/{initiative_id}", response_model=InitiativeRead, name="api_initiative_update")
def update_initiative(session: SessionDep, actor: Allowed("initiative.update"),
                      initiative_id: Id, data: InitiativeUpdate):
    """Change profile fields; only the fields sent change."""
    return _read(service.update(session, initiative_id, data, actor), actor)


@router.delete("/{initiative_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_initiative_delete")
def delete_initiative(session: SessionDep, actor: Allowed("initiative.delete"),
                      initiative_id: Id) -> Response:
    """Delete an initiative with its needs and offers."""
    service.delete(session, initiative_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{initiative_id}/needs", response_model=list[NeedRead], name="api_need_list")
def list_needs(session: SessionDep, actor: Allowed("initiative.read"), initiative_id: Id):
    """The needs of an initiative."""
    initiative = service.get_visible(session, actor, initiative_id)
    return [presenters.need_read(n) for n in service.readable_needs(actor, initiative)]


@router.post("/{initiative_id}/needs", response_model=NeedRead,
             status_code=status.HTTP_201_CREATED, name="api_need_create")
def create_need(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                data: NeedCreate):
    """Add a need."""
    return presenters.need_read(service.add_need(session, initiative_id, data, actor))


@router.get("/{initiative_id}/needs/{need_id}", response_model=NeedRead, name="api_need_get")
def get_need(session: SessionDep, actor: Allowed("initiative.read"), initiative_id: Id,
             need_id: Id):
    """One need."""
    return presenters.need_read(service.get_readable_need(session, actor, initiative_id,
                                                          need_id))


@router.patch("/{initiative_id}/needs/{need_id}", response_model=NeedRead,
              name="api_need_update")
def update_need(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                need_id: Id, data: NeedUpdate):
    """Change a need (also its status: open, in_progress, fulfilled, withdrawn)."""
    return presenters.need_read(
        service.update_need(session, initiative_id, need_id, data, actor))


@router.delete("/{initiative_id}/needs/{need_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_need_delete")
def delete_need(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                need_id: Id) -> Response:
    """Remove a need."""
    service.delete_need(session, initiative_id, need_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{initiative_id}/offers", response_model=list[OfferRead], name="api_offer_list")
def list_offers(session: SessionDep, actor: Allowed("initiative.read"), initiative_id: Id):
    """The offers of an initiative."""
    initiative = service.get_visible(session, actor, initiative_id)
    return [presenters.offer_read(o) for o in initiative.offers]


@router.post("/{initiative_id}/offers", response_model=OfferRead,
             status_code=status.HTTP_201_CREATED, name="api_offer_create")
def create_offer(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                 data: OfferCreate):
    """Add an offer."""
    return presenters.offer_read(service.add_offer(session, initiative_id, data, actor))


@router.get("/{initiative_id}/offers/{offer_id}", response_model=OfferRead,
            name="api_offer_get")
def get_offer(session: SessionDep, actor: Allowed("initiative.read"), initiative_id: Id,
              offer_id: Id):
    """One offer."""
    service.get_visible(session, actor, initiative_id)
    return presenters.offer_read(service.get_offer(session, initiative_id, offer_id))


@router.patch("/{initiative_id}/offers/{offer_id}", response_model=OfferRead,
              name="api_offer_update")
def update_offer(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                 offer_id: Id, data: OfferUpdate):
    """Change an offer."""
    return presenters.offer_read(
        service.update_offer(session, initiative_id, offer_id, data, actor))


@router.delete("/{initiative_id}/offers/{offer_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_offer_delete")
def delete_offer(session: SessionDep, actor: Allowed("initiative.update"), initiative_id: Id,
                 offer_id: Id) -> Response:
    """Remove an offer."""
    service.delete_offer(session, initiative_id, offer_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Board (D): the public board of needs, across initiatives.
needs_router = APIRouter(prefix="/needs", tags=["needs"], responses=ERROR_RESPONSES)


@needs_router.get("", response_model=NeedBoardPage, name="api_need_board")
def need_board(session: SessionDep, actor: Allowed("need.list"),
               query: Annotated[NeedBoardQuery, Query()]):
    """Open, public needs of published initiatives: words, kind, skill, place and radius;
    newest or nearest first (nearest needs pc4; a pc4 alone sorts and measures, a radius
    filters); keyset pages with the total."""
    return needs_board.list_needs(session, query)

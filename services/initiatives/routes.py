"""JSON API for initiatives, their needs and their offers."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.api.deps import SessionDep
from services.api.errors import ERROR_RESPONSES
from services.initiatives import presenters, queries, service
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


@router.get("", response_model=InitiativePage, name="api_initiative_list")
def list_initiatives(session: SessionDep, query: Annotated[InitiativeQuery, Query()]):
    """List initiatives with filters and Dutch full-text search; keyset pages."""
    page = queries.list_initiatives(session, query)
    return InitiativePage(
        items=[presenters.initiative_summary(h.initiative, distance_km=h.distance_km,
                                             score=h.score) for h in page.hits],
        next_cursor=page.next_cursor,
    )


@router.post("", response_model=InitiativeRead, status_code=status.HTTP_201_CREATED,
             name="api_initiative_create")
def create_initiative(session: SessionDep, data: InitiativeCreate, response: Response):
    """Create an initiative with its needs and offers in one transaction."""
    initiative = service.create(session, data)
    response.headers["Location"] = f"/api/v1/initiatives/{initiative.id}"
    return presenters.initiative_read(initiative)


@router.get("/{initiative_id}", response_model=InitiativeRead, name="api_initiative_get")
def get_initiative(session: SessionDep, initiative_id: int):
    """One initiative's full profile."""
    return presenters.initiative_read(service.get(session, initiative_id))


@router.patch("/{initiative_id}", response_model=InitiativeRead, name="api_initiative_update")
def update_initiative(session: SessionDep, initiative_id: int, data: InitiativeUpdate):
    """Change profile fields; only the fields sent change."""
    return presenters.initiative_read(service.update(session, initiative_id, data))


@router.delete("/{initiative_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_initiative_delete")
def delete_initiative(session: SessionDep, initiative_id: int) -> Response:
    """Delete an initiative with its needs and offers."""
    service.delete(session, initiative_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{initiative_id}/needs", response_model=list[NeedRead], name="api_need_list")
def list_needs(session: SessionDep, initiative_id: int):
    """The needs of an initiative."""
    return [presenters.need_read(n) for n in service.get(session, initiative_id).needs]


@router.post("/{initiative_id}/needs", response_model=NeedRead,
             status_code=status.HTTP_201_CREATED, name="api_need_create")
def create_need(session: SessionDep, initiative_id: int, data: NeedCreate):
    """Add a need."""
    return presenters.need_read(service.add_need(session, initiative_id, data))


@router.get("/{initiative_id}/needs/{need_id}", response_model=NeedRead, name="api_need_get")
def get_need(session: SessionDep, initiative_id: int, need_id: int):
    """One need."""
    return presenters.need_read(service.get_need(session, initiative_id, need_id))


@router.patch("/{initiative_id}/needs/{need_id}", response_model=NeedRead,
              name="api_need_update")
def update_need(session: SessionDep, initiative_id: int, need_id: int, data: NeedUpdate):
    """Change a need (also its status: open, in_progress, fulfilled, withdrawn)."""
    return presenters.need_read(service.update_need(session, initiative_id, need_id, data))


@router.delete("/{initiative_id}/needs/{need_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_need_delete")
def delete_need(session: SessionDep, initiative_id: int, need_id: int) -> Response:
    """Remove a need."""
    service.delete_need(session, initiative_id, need_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{initiative_id}/offers", response_model=list[OfferRead], name="api_offer_list")
def list_offers(session: SessionDep, initiative_id: int):
    """The offers of an initiative."""
    return [presenters.offer_read(o) for o in service.get(session, initiative_id).offers]


@router.post("/{initiative_id}/offers", response_model=OfferRead,
             status_code=status.HTTP_201_CREATED, name="api_offer_create")
def create_offer(session: SessionDep, initiative_id: int, data: OfferCreate):
    """Add an offer."""
    return presenters.offer_read(service.add_offer(session, initiative_id, data))


@router.get("/{initiative_id}/offers/{offer_id}", response_model=OfferRead,
            name="api_offer_get")
def get_offer(session: SessionDep, initiative_id: int, offer_id: int):
    """One offer."""
    return presenters.offer_read(service.get_offer(session, initiative_id, offer_id))


@router.patch("/{initiative_id}/offers/{offer_id}", response_model=OfferRead,
              name="api_offer_update")
def update_offer(session: SessionDep, initiative_id: int, offer_id: int, data: OfferUpdate):
    """Change an offer."""
    return presenters.offer_read(service.update_offer(session, initiative_id, offer_id, data))


@router.delete("/{initiative_id}/offers/{offer_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_offer_delete")
def delete_offer(session: SessionDep, initiative_id: int, offer_id: int) -> Response:
    """Remove an offer."""
    service.delete_offer(session, initiative_id, offer_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

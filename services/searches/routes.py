"""JSON API for saved searches: one's own only."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.searches import service
from services.searches.schemas import (
    SavedSearchCreate,
    SavedSearchListQuery,
    SavedSearchPage,
    SavedSearchRead,
    SavedSearchUpdate,
)

router = APIRouter(prefix="/saved-searches", tags=["saved searches"],
                   responses=ERROR_RESPONSES)


@router.get("", response_model=SavedSearchPage, name="api_saved_search_list")
def list_saved_searches(session: SessionDep, actor: Allowed("search.save"),
                        query: Annotated[SavedSearchListQuery, Query()]):
    """Your saved searches, newest first; keyset pages."""
    rows, next_cursor = service.list_own(session, actor, query)
    return SavedSearchPage(items=[service.read(session, row) for row in rows],
                           next_cursor=next_cursor)


@router.post("", response_model=SavedSearchRead, status_code=status.HTTP_201_CREATED,
             name="api_saved_search_create")
def create_saved_search(session: SessionDep, actor: Allowed("search.save"),
                        data: SavedSearchCreate, response: Response):
    """Save a search (`filters`: the list endpoint's query parameters) with a daily or weekly
    digest of what is new."""
    search = service.create(session, actor, data)
    response.headers["Location"] = f"/api/v1/saved-searches/{search.id}"
    return service.read(session, search)


@router.patch("/{search_id}", response_model=SavedSearchRead, name="api_saved_search_update")
def update_saved_search(session: SessionDep, actor: Allowed("search.save"), search_id: Id,
                        data: SavedSearchUpdate):
    """Change how often the digest comes (also resumes an unsubscribed search)."""
    return service.read(session, service.set_frequency(session, actor, search_id,
                                                        data.frequency))


@router.delete("/{search_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_saved_search_delete")
def delete_saved_search(session: SessionDep, actor: Allowed("search.save"),
                        search_id: Id) -> Response:
    """Delete one of your saved searches."""
    service.delete(session, actor, search_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

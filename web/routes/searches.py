"""Zoekopdrachten: saved searches of funds and brokers, and the unsubscribe link of a digest."""

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from core.errors import ValidationFailed, validation_fields
from core.fields import Id
from core.permissions import Actor, Allowed
from db.session import SessionDep
from services.searches import service as searches
from services.searches.schemas import (
    SavedSearchCreate,
    SavedSearchListQuery,
    SavedSearchPosted,
    SavedSearchUpdate,
)
from web.deps import render
from web.forms import Form, form_of

router = APIRouter(prefix="/zoekopdrachten")
LABELS = {"name": "Naam van de zoekopdracht", "frequency": "Hoe vaak een overzicht",
          "kind": "Soort zoekopdracht", "query": "Filters"}
SaveForm = form_of(SavedSearchPosted, labels=LABELS)
FrequencyForm = form_of(SavedSearchUpdate, labels=LABELS)
FREQUENCIES = list(searches.FREQUENCY_LABELS.items())
# Where each kind of search is made (and shown again).
LIST_ROUTES = {"initiatives": "initiative_list", "needs": "need_board"}
Token = Annotated[str, Path(max_length=200)]


def _page(request: Request, session, actor: Actor, form: Form | None = None,
          status_code: int = 200) -> HTMLResponse:
    rows, _more = searches.list_own(session, actor, SavedSearchListQuery(limit=100))
    items = []
    for row in rows:
        query = f"?{urlencode(row.filters)}" if row.filters else ""
        items.append({"search": searches.read(session, row),
                      "url": f"{request.url_for(LIST_ROUTES[row.kind]).path}{query}"})
    return render(request, "searches/list.html", {
        "items": items, "form": form, "frequencies": FREQUENCIES,
        "kinds": searches.KIND_LABELS, "done": request.query_params.get("gedaan"),
    }, status_code)


def _home(request: Request, done: str) -> RedirectResponse:
    return RedirectResponse(f"{request.url_for('saved_searches').path}?gedaan={done}",
                            status_code=303)


@router.get("", response_class=HTMLResponse, name="saved_searches")
def saved_searches(request: Request, session: SessionDep, actor: Allowed("search.save")):
    """Your saved searches with their filters in Dutch and how often the digest comes."""
    return _page(request, session, actor)


@router.post("", name="saved_search_create")
def saved_search_create(request: Request, session: SessionDep, actor: Allowed("search.save"),
                        form: SaveForm):
    """Save the filters of the list page the form stood on."""
    if form.ok:
        filters = dict(parse_qsl(form.data.query.lstrip("?")))
        try:
            searches.create(session, actor, SavedSearchCreate.model_validate({
                "name": form.data.name, "kind": form.data.kind, "filters": filters,
                "frequency": form.data.frequency}, strict=False))
        except ValidationError as exc:
            form.errors["query"] = "; ".join(validation_fields(exc.errors()).values())
        except ValidationFailed as exc:
            form.errors["query"] = "; ".join((exc.fields or {"": exc.detail}).values())
    if not form.ok:
        return _page(request, session, actor, form, 422)
    return _home(request, "bewaard")


@router.post("/{search_id}/frequentie", name="saved_search_frequency")
def saved_search_frequency(request: Request, session: SessionDep,
                           actor: Allowed("search.save"), search_id: Id,
                           form: FrequencyForm):
    """Daily or weekly (choosing again also restarts an unsubscribed digest)."""
    searches.get_own(session, actor, search_id)
    if not form.ok:  # only a tampered form gets here: the select offers nothing else
        return _home(request, "")
    searches.set_frequency(session, actor, search_id, form.data.frequency)
    return _home(request, "gewijzigd")


@router.post("/{search_id}/verwijderen", name="saved_search_delete")
def saved_search_delete(request: Request, session: SessionDep, actor: Allowed("search.save"),
                        search_id: Id):
    """Delete a saved search; its digests stop."""
    searches.delete(session, actor, search_id)
    return _home(request, "verwijderd")


@router.get("/afmelden/{token}", response_class=HTMLResponse, name="saved_search_unsubscribe")
def unsubscribe_form(request: Request, session: SessionDep,
                     _actor: Allowed("search.unsubscribe"), token: Token):
    """The link in a digest: one button, no login."""
    search = searches.search_for_token(session, token)
    return render(request, "searches/unsubscribe.html",
                  {"search": search, "token": token, "done": search.unsubscribed_at is not None})


@router.post("/afmelden/{token}", response_class=HTMLResponse,
             name="saved_search_unsubscribe_confirm")
def unsubscribe_confirm(request: Request, session: SessionDep,
                        _actor: Allowed("search.unsubscribe"), token: Token):
    """Stop the digests of this search."""
    search = searches.unsubscribe(session, token)
    return render(request, "searches/unsubscribe.html",
                  {"search": search, "token": token, "done": True})

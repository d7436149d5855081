"""Public pages: the initiative list with filters and search, and a profile page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from core.errors import KoppelError, validation_fields
from core.fields import Id
from core.permissions import Allowed, covers
from core.provinces import PROVINCES
from db.session import SessionDep
from services.brokerage import views as matching_views
from services.initiatives import presenters, queries, service
from services.initiatives.schemas import InitiativeQuery
from services.municipalities import service as municipalities
from services.resources import service as resources
from web.deps import choices, render

router = APIRouter()
FILTER_FIELDS = ("q", "municipality", "theme", "life_group", "actor_type", "phase",
                 "need_kind", "pc4", "radius_km", "limit", "cursor",
                 # Fund filters (issue 13)
                 "amount_min", "amount_max", "legal_form", "region")


def _filter_options(session) -> dict:
    return {
        "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
        "themes": choices("themes"),
        "life_groups": choices("life_groups"),
        "actor_types": choices("actor_types"),
        "phases": choices("phases"),
        "need_kinds": choices("support_needs"),
        # Funds (13)
        "legal_forms": choices("legal_forms"),
        "regions": [(code, f"Provincie {name}") for code, name in PROVINCES.items()]
        + [(m.code, m.name) for m in municipalities.list_all(session)],
    }


@router.get("/", response_class=HTMLResponse, name="initiative_list")
def initiative_list(request: Request, session: SessionDep,
                    _actor: Allowed("initiative.list")):
    """The initiative list with filters and search."""
    raw = {k: v for k in FILTER_FIELDS if (v := request.query_params.get(k, "").strip())}
    for name in ("amount_min", "amount_max"):  # "12.500" as people type it
        if name in raw:
            raw[name] = raw[name].replace("€", "").replace(".", "").replace(" ", "")
    errors: dict[str, str] = {}
    page = None
    try:
        page = queries.list_initiatives(session, InitiativeQuery(**raw))
    except ValidationError as exc:
        errors = validation_fields(exc.errors())
    except KoppelError as exc:
        errors = exc.fields or {"": exc.detail}
    items = [presenters.initiative_summary(h.initiative, distance_km=h.distance_km)
             for h in page.hits] if page else []
    next_params = None
    if page and page.next_cursor:
        next_params = {k: v for k, v in raw.items() if k != "cursor"}
        next_params["cursor"] = page.next_cursor
    # Board (D): a corrected search to offer when a word matched nothing.
    suggestion = None
    if page and page.did_you_mean:
        suggestion = {k: v for k, v in raw.items() if k != "cursor"} | {"q": page.did_you_mean}
    context = {"items": items, "filters": raw, "errors": errors,
               "options": _filter_options(session), "next_params": next_params,
               "did_you_mean": page.did_you_mean if page else None,
               "suggestion_params": suggestion}
    return render(request, "public/initiatives.html", context, 422 if errors else 200)


@router.get("/initiatieven/{initiative_id}", response_class=HTMLResponse,
            name="initiative_detail")
def initiative_detail(request: Request, session: SessionDep,
                      actor: Allowed("initiative.read"), initiative_id: Id):
    """One initiative's profile with every lens label in Dutch."""
    row = service.get_visible(session, actor, initiative_id)
    initiative = presenters.initiative_read(
        row, show_contact=covers(actor, "initiative.contact", row),
        show_private=covers(actor, "need.private", row))
    suggestions = {}
    if covers(actor, "need.matches", row):
        suggestions = matching_views.suggestions_by_need(session, [n.id for n in initiative.needs])
    return render(request, "public/initiative.html",
                  {"initiative": initiative, "suggestions": suggestions,
                   # Funds (13): the grants it received
                   "grants": resources.grants_of_initiative(session, row.id)})

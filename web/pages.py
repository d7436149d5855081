"""Routes of the web sub-app."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from db.session import unit_of_work
from db.vocabulary import get_vocabulary
from services.api.deps import SessionDep
from services.api.errors import validation_fields
from services.auth import login as login_flow
from services.auth import service as auth
from services.auth.deps import SESSION_COOKIE, WebAllowed, web_permission
from services.auth.service import LoginBlocked, LoginFailed
from services.errors import KoppelError
from services.initiatives import presenters, queries, service
from services.initiatives.schemas import InitiativeQuery
from services.matching import views as matching_views
from services.municipalities import service as municipalities
from web import security

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter()
FILTER_FIELDS = ("q", "municipality", "theme", "life_group", "actor_type", "phase",
                 "need_kind", "pc4", "radius_km", "limit", "cursor")


def error_page(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    """A Dutch error page."""
    return templates.TemplateResponse(request, "error.html",
                                      {"title": title, "message": message}, status_code=status)


def _filter_options(session) -> dict:
    vocab = get_vocabulary()
    return {
        "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
        "themes": [(i["code"], i["nl"]) for i in vocab.items("themes")],
        "life_groups": [(i["code"], i["nl"]) for i in vocab.items("life_groups")],
        "actor_types": [(i["code"], i["nl"]) for i in vocab.items("actor_types")],
        "phases": [(i["code"], i["nl"]) for i in vocab.items("phases")],
        "need_kinds": [(i["code"], i["nl"]) for i in vocab.items("support_needs")],
    }


@router.get("/", response_class=HTMLResponse, name="initiative_list")
def initiative_list(request: Request, session: SessionDep,
                    _actor: WebAllowed("initiative.list")):
    """The initiative list with filters and search."""
    raw = {k: v for k in FILTER_FIELDS if (v := request.query_params.get(k, "").strip())}
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
    context = {"items": items, "filters": raw, "errors": errors,
               "options": _filter_options(session), "next_params": next_params}
    return templates.TemplateResponse(request, "initiative_list.html", context,
                                      status_code=422 if errors else 200)


@router.get("/initiatieven/{initiative_id}", response_class=HTMLResponse,
            name="initiative_detail")
def initiative_detail(request: Request, session: SessionDep,
                      actor: WebAllowed("initiative.read"), initiative_id: int):
    """One initiative's profile with every lens label in Dutch."""
    row = service.get_visible(session, actor, initiative_id)
    initiative = presenters.initiative_read(
        row, show_contact=service.in_scope(actor, "initiative.contact", row))
    suggestions = {}
    if service.in_scope(actor, "need.matches", row):
        suggestions = matching_views.suggestions_by_need(session, [n.id for n in row.needs])
    return templates.TemplateResponse(request, "initiative_detail.html",
                                      {"initiative": initiative, "suggestions": suggestions})


@router.get("/login", response_class=HTMLResponse, name="login_form",
            dependencies=[web_permission("auth.login")])
def login_form(request: Request):
    """The login form."""
    return templates.TemplateResponse(request, "login.html", {
        "next": security.safe_next(request.query_params.get("next")), "error": None})


@router.post("/login", response_class=HTMLResponse, name="login",
             dependencies=[web_permission("auth.login")])
def login(request: Request, username: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=1000)],
          next: Annotated[str, Form(max_length=500)] = "/"):
    """Check the credentials and start a fresh session (a new id at every login)."""
    target = security.safe_next(next)
    address = request.client.host if request.client else None
    try:
        user = login_flow.login(username, password, address)
    except (LoginFailed, LoginBlocked) as exc:
        status = 429 if isinstance(exc, LoginBlocked) else 401
        return templates.TemplateResponse(request, "login.html", {
            "next": target, "error": exc.detail, "username": username}, status_code=status)
    with unit_of_work() as session:
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            auth.end_web_session(session, old)
        token = auth.start_web_session(session, user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout", name="logout", dependencies=[web_permission("auth.logout")])
def logout(request: Request, session: SessionDep):
    """End the session on the server and in the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.end_web_session(session, token)
    response = RedirectResponse(request.url_for("initiative_list").path, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response




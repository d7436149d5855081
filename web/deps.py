"""The web kit: who is signed in, templates that speak Dutch, and one way to render a page."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from core import nl
from core.permissions import Actor, allows
from core.vocabulary import get_vocabulary
from db.session import unit_of_work
from services.auth import service as auth
from services.worker.queues import DESCRIPTIONS


def resolve_actor(request: Request) -> None:
    """Resolve the session cookie once per request; routes then only check their action.

    Without a cookie nothing touches the database here; with one, the lookup runs in a short
    transaction of its own and gives its connection back before the route takes one.
    """
    request.state.actor = None
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        with unit_of_work() as session:
            request.state.actor = auth.actor_for_cookie(session, token)


def actor_of(request: Request) -> Actor | None:
    """The signed-in actor of this request, if any."""
    return getattr(request.state, "actor", None)


def _page_context(request: Request) -> dict[str, Any]:
    return {"actor": actor_of(request)}


@pass_context
def can(context, action: str) -> bool:
    """`{% if can("broker.queue") %}`: the permission table decides what a page offers."""
    return allows(actor_of(context["request"]), action)


@pass_context
def csrf_field(context) -> Markup:
    """`{{ csrf_field() }}`: the hidden token every state-changing form carries."""
    token = context["request"].scope["csrftoken"]()
    return Markup(f'<input type="hidden" name="csrftoken" value="{escape(token)}">')


templates = Jinja2Templates(directory=Path(__file__).parent / "templates",
                            context_processors=[_page_context])
templates.env.globals.update(can=can, csrf_field=csrf_field)
# Everything a page shows goes through Dutch: codes become labels, numbers and dates Dutch.
templates.env.filters.update(nl.FILTERS)
templates.env.filters["taak"] = lambda name: DESCRIPTIONS.get(name, "Onbekende taak")


def choices(lens: str) -> list[tuple[str, str]]:
    """(code, Dutch label) pairs of a vocabulary lens, for a select or checkboxes."""
    return [(item["code"], item["nl"]) for item in get_vocabulary().items(lens)]


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    """A page from the area's template with its context."""
    return templates.TemplateResponse(request, template, context or {}, status_code=status_code)

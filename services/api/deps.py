"""Who is calling the API: the bearer token becomes request.state.actor for every route."""

from fastapi import Request

from db.session import SessionDep
from services.auth import service as auth


def resolve_actor(request: Request, session: SessionDep) -> None:
    """Resolve the caller once per request; routes then only check their action."""
    request.state.actor = auth.actor_for_bearer(session, request.headers.get("authorization"))

"""Who is calling the API: the bearer token becomes request.state.actor for every route."""

from fastapi import Request

from db.session import unit_of_work
from services.auth import service as auth


def resolve_actor(request: Request) -> None:
    """Resolve the caller once per request; routes then only check their action.

    Anonymous requests touch no database here; a token is looked up in a short transaction
    of its own, so the connection is back in the pool before the route takes one.
    """
    header = request.headers.get("authorization")
    request.state.actor = None
    if auth.bearer_token(header):
        with unit_of_work() as session:
            request.state.actor = auth.actor_for_bearer(session, header)

"""Authentication and authorisation dependencies: every route declares its action."""

from typing import Annotated, Any

from fastapi import Depends, Request

from services.api.deps import SessionDep
from services.auth import service
from services.auth.actor import Actor, scope_of
from services.errors import Forbidden, Unauthorized

SESSION_COOKIE = "koppel_session"


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _decide(actor: Actor | None, action: str) -> Actor | None:
    if scope_of(actor, action) is None:
        if actor is None:
            raise Unauthorized("Log in om dit te doen.")
        raise Forbidden("Uw rol mag dit niet.")
    return actor


def permission(action: str) -> Any:
    """Dependency for an API route: resolve the bearer token and check the permission table."""

    def _check(request: Request, session: SessionDep) -> Actor | None:
        actor = None
        token = _bearer_token(request)
        if token:
            user = service.user_for_token(session, token)
            if user is None:
                raise Unauthorized("Het token is ongeldig, verlopen of ingetrokken.")
            actor = service.actor_for(session, user)
        request.state.actor = actor
        return _decide(actor, action)

    _check.koppel_action = action  # read by the permission-matrix test
    return Depends(_check)


def web_permission(action: str) -> Any:
    """Dependency for a web route: resolve the session cookie and check the permission table."""

    def _check(request: Request, session: SessionDep) -> Actor | None:
        actor = None
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            user = service.user_for_web_session(session, token)
            actor = service.actor_for(session, user) if user else None
        request.state.actor = actor
        return _decide(actor, action)

    _check.koppel_action = action
    return Depends(_check)


def Allowed(action: str) -> Any:  # noqa: N802 - reads as a type in signatures
    """`actor: Allowed("volunteer.read")`: the caller, after the permission check."""
    return Annotated[Actor | None, permission(action)]


def WebAllowed(action: str) -> Any:  # noqa: N802
    """The web counterpart of Allowed."""
    return Annotated[Actor | None, web_permission(action)]

"""Login for API clients, personal access tokens and the signed-in user's own data."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed, permission
from db.models import User
from db.session import SessionDep, unit_of_work
from services.auth import login as login_flow
from services.auth import service
from services.auth.schemas import MeOut, TokenInfo, TokenOut

router = APIRouter(tags=["auth"], responses=ERROR_RESPONSES)


def client_address(request: Request) -> str | None:
    """The caller's address as the ASGI server saw it (behind a trusted proxy: the client)."""
    return request.client.host if request.client else None


@router.post("/auth/token", response_model=TokenOut, name="api_token_create",
             dependencies=[permission("auth.login")],
             responses={429: {"description": "Te veel mislukte pogingen"}})
def create_token(request: Request, username: Annotated[str, Form(max_length=320)],
                 password: Annotated[str, Form(max_length=1000)]):
    """Exchange e-mail and password for a personal access token (30 days, revocable)."""
    user = login_flow.login(username, password, client_address(request))
    with unit_of_work() as session:
        token, row = service.issue_token(session, session.get(User, user.id), name="api")
    return TokenOut(access_token=token, expires_at=row.expires_at)


@router.get("/auth/tokens", response_model=list[TokenInfo], name="api_token_list")
def list_tokens(session: SessionDep, actor: Allowed("token.manage")):
    """Your own tokens, without their secrets."""
    return [TokenInfo.model_validate(t, from_attributes=True)
            for t in service.list_tokens(session, actor)]


@router.delete("/auth/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT,
               name="api_token_revoke")
def revoke_token(session: SessionDep, actor: Allowed("token.manage"), token_id: Id):
    """Revoke one of your tokens at once."""
    service.revoke_token(session, actor, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=MeOut, name="api_me")
def me(session: SessionDep, actor: Allowed("me.read")):
    """The signed-in user with role and scope."""
    user = session.get(User, actor.user_id)
    return MeOut(id=user.id, email=user.email, role=user.role, display_name=user.display_name,
                 municipality=user.municipality_code, organisation=user.organisation_id,
                 initiative_id=actor.initiative_id, volunteer_id=actor.volunteer_id)

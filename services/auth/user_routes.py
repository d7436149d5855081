"""JSON API for admins: accounts listed, invited, given another role or (de)activated."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, EmailStr, Field

from core.errors import ERROR_RESPONSES, KoppelError, refuse_nulls
from core.fields import STRICT, Id, MunicipalityCode, Title
from core.permissions import Allowed
from db.models import User
from db.session import SessionDep
from services.auth import invites

router = APIRouter(prefix="/users", tags=["auth"], responses=ERROR_RESPONSES)
# The invitation's own field names, as this API names them.
API_NAMES = {"name": "display_name", "municipality": "municipality_code",
             "organisation": "organisation_id"}


class UserRead(BaseModel):
    """An account without its secrets."""

    id: int
    email: str
    display_name: str
    role: str
    municipality_code: str | None
    organisation_id: int | None
    is_active: bool


class UserPage(BaseModel):
    """One page of accounts, by id."""

    items: list[UserRead]
    next_cursor: int | None = None


class UserInvite(BaseModel):
    """Who is invited, with which role and scope."""

    model_config = STRICT

    email: EmailStr
    display_name: Title
    role: invites.RoleCode
    municipality_code: MunicipalityCode | None = None
    organisation_id: Annotated[int, Field(ge=1)] | None = None


class UserChange(BaseModel):
    """Another role and/or another state; only the fields sent change."""

    model_config = STRICT

    role: invites.RoleCode | None = None
    is_active: bool | None = None


def _read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def _renamed(exc: KoppelError) -> KoppelError:
    """The service's refusal with the field names of this API."""
    if exc.fields:
        exc.fields = {API_NAMES.get(k, k): v for k, v in exc.fields.items()}
    return exc


@router.get("", response_model=UserPage, name="api_user_list")
def list_users(session: SessionDep, actor: Allowed("user.manage"),
               cursor: Annotated[int | None, Query(ge=1)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50):
    """Every account, by id; keyset pages."""
    rows, next_cursor = invites.page_users(session, cursor=cursor, limit=limit)
    return UserPage(items=[_read(u) for u in rows], next_cursor=next_cursor)


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED,
             name="api_user_invite")
def invite_user(session: SessionDep, actor: Allowed("user.manage"), data: UserInvite):
    """Invite someone by e-mail; the mail with the link to choose a password is queued."""
    invitation = invites.Invitation(
        email=data.email, name=data.display_name, role=data.role,
        municipality=data.municipality_code, organisation_id=data.organisation_id)
    try:
        return _read(invites.invite(session, actor, invitation))
    except KoppelError as exc:
        raise _renamed(exc) from None


@router.patch("/{user_id}", response_model=UserRead, name="api_user_update")
def update_user(session: SessionDep, actor: Allowed("user.manage"), user_id: Id,
                data: UserChange):
    """Give an account another role and/or (de)activate it; each change is audited."""
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("role", "is_active"))
    user = invites.get_user(session, user_id)
    try:
        if "role" in values:
            user = invites.change_role(session, actor, user_id, values["role"])
        if "is_active" in values:
            user = invites.set_active(session, actor, user_id, values["is_active"])
    except KoppelError as exc:
        raise _renamed(exc) from None
    return _read(user)

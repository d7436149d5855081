"""Schemas for tokens and the signed-in user."""

from datetime import datetime

from pydantic import BaseModel


class TokenOut(BaseModel):
    """A new personal access token; shown once."""

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class TokenInfo(BaseModel):
    """A token without its secret."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class MeOut(BaseModel):
    """The signed-in user."""

    id: int
    email: str
    role: str
    display_name: str
    municipality: str | None
    organisation: int | None
    initiative_id: int | None
    volunteer_id: int | None

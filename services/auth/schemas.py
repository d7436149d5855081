"""Schemas for tokens and the signed-in user."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field, SecretStr

from core.fields import PC4, STRICT, MunicipalityCode, Title
from core.privacy import NoBsn


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


# --- Accounts (self-service): the forms people fill in themselves ----------------------------
# Passwords are SecretStr: never stored as text (so no BSN check applies), never in a log line.


class SignUp(BaseModel):
    """Sign up as an initiator (a new initiative in draft) or as a volunteer."""

    model_config = STRICT

    kind: Literal["initiator", "volunteer"]
    name: Title
    email: EmailStr
    password: SecretStr
    initiative_name: Title | None = None
    pc4: Annotated[PC4, NoBsn]  # four digits anyway; the mark keeps the rule uniform
    municipality: MunicipalityCode | None = None
    consent: bool = False


class EmailAddress(BaseModel):
    """One e-mail address (password forgotten, send the link again)."""

    model_config = STRICT

    email: EmailStr


class NewPassword(BaseModel):
    """A new password chosen through a reset link."""

    model_config = STRICT

    password: SecretStr


class PasswordChange(BaseModel):
    """A new password, with the current one as proof."""

    model_config = STRICT

    current_password: SecretStr
    password: SecretStr


class EmailChange(BaseModel):
    """A new login address, with the current password as proof."""

    model_config = STRICT

    email: EmailStr
    current_password: SecretStr


class DeleteConfirmation(BaseModel):
    """The word typed to confirm deleting an account."""

    model_config = STRICT

    confirm: Annotated[str, Field(max_length=50), NoBsn]

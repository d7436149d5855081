"""Accounts: organisations, users with one role, web sessions, API tokens, login throttling."""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class Organisation(SQLModel, table=True):
    """An initiative, fund or partner that initiator and fund users belong to."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    initiative_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("initiative.id", ondelete="SET NULL"),
                         unique=True, nullable=True),
    )
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code",
                                          max_length=6)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    """A person who logs in, with exactly one role and one scope."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20, index=True)
    display_name: str = Field(default="", max_length=200)
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code",
                                          max_length=6, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    is_active: bool = Field(default=True)
    # Set when the address was confirmed through the signed link (self sign-up).
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A browser session; the cookie holds a random token, the table only its hash."""

    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal access token for the API, stored hashed, revocable, expiring."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    )
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Consecutive failed logins per account or per client address."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=400)
    failures: int = Field(default=0)
    # For an address: when its recent failures happened (the sliding window).
    recent: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    last_failure_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)

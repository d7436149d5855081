"""Saved searches of funds and brokers, with the watermark of their digest mails."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from core.permissions import Scope
from db.types import UTCDateTime, utcnow


class SavedSearch(SQLModel, table=True):
    """A list query (initiatives or needs) a user wants a daily or weekly digest of."""

    __tablename__ = "saved_search"
    __scope__: ClassVar = {Scope.SELF: (("user_id", "user_id"),)}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True))
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # "initiatives" | "needs"
    # Exactly the list endpoint's query parameters, validated by its query schema.
    filters: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    frequency: str = Field(max_length=10)  # "daily" | "weekly"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The highest initiative or need id already seen: only newer ones go into a digest.
    last_seen_id: int = Field(default=0)
    last_digest_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsubscribed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

"""Outbox: messages to workers, written in the same transaction as the change they announce."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """One task to publish to the broker after commit."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    task_name: str = Field(max_length=120)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)

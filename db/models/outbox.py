"""Outbox: messages to workers, written in the same transaction as the change they announce."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """One task to publish to the broker after commit; done when the task has finished."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    task_name: str = Field(max_length=120)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Last handed to the broker; a message published but not processed in time is published
    # again (the broker may have lost it), which is safe because every task is idempotent.
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # Given up on (see dead_letter); never published again.
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)


class DeadLetter(SQLModel, table=True):
    """A task that failed for good: retries used up, or a payload it cannot take."""

    __tablename__ = "dead_letter"

    id: int | None = Field(default=None, primary_key=True)
    task_name: str = Field(max_length=120, index=True)
    task_id: str | None = Field(default=None, max_length=200)
    outbox_message_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", max_length=2000)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    retried_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

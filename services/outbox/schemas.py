"""Schemas for failed tasks."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class DeadLetterRead(BaseModel):
    """A task that failed for good."""

    id: int
    task_name: str
    task_id: str | None
    payload: dict[str, Any]
    error: str
    failed_at: datetime
    retried_at: datetime | None


class DeadLetterPage(BaseModel):
    """Failed tasks, newest first, and how many still wait for a look."""

    waiting: int
    items: list[DeadLetterRead]

"""Schemas for matches and matching runs."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class Reason(BaseModel):
    """One reason: a code with its value."""

    code: str
    value: Any


class MatchRead(BaseModel):
    """A suggestion with its reasons in codes and in Dutch."""

    id: int
    need_id: int
    resource_kind: str
    resource_id: int
    call_id: int | None
    score: float
    reasons: list[Reason]
    explanation: str
    status: str
    created_at: datetime


class RunRead(BaseModel):
    """A matching run's progress and figures."""

    id: int
    kind: str
    status: str
    needs_total: int
    needs_done: int
    pairs_scored: int
    proposals_written: int
    seconds: float | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None

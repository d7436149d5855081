"""Matches between needs and resources, and matching runs."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow

# The statuses that hold a resource's attention (proposed plus brokerage's OPEN statuses).
EXPOSED = "status IN ('proposed', 'offered', 'approved', 'active')"


class Match(SQLModel, table=True):
    """A suggestion: need × resource, with a score and the reasons behind it."""

    __tablename__ = "match"
    __table_args__ = (
        UniqueConstraint("need_id", "resource_kind", "resource_id", name="uq_match_pair"),
        Index("ix_match_resource", "resource_kind", "resource_id", "status"),
        # A targeted rematch counts each candidate's proposals and open commitments: an
        # index-only scan over the rows that still count (decided-against rows are most rows).
        Index("ix_match_exposure", "resource_kind", "resource_id",
              postgresql_include=["need_id", "call_id"], postgresql_where=text(EXPOSED),
              sqlite_where=text(EXPOSED)),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(sa_column=Column(Integer, ForeignKey("need.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    resource_kind: str = Field(max_length=20)
    resource_id: int
    call_id: int | None = None
    score: float
    reasons: list[dict[str, Any]] = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))
    explanation: str = Field(default="", sa_type=Text)
    # Statuses and their only transitions: services/brokerage/lifecycle.py.
    status: str = Field(max_length=20, index=True)
    run_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = None
    decision_reason: str | None = Field(default=None, max_length=40)
    decision_note: str | None = Field(default=None, max_length=1000)
    # The initiative's own word on a suggestion: "interested" or "not_a_fit" (with a reason).
    initiative_response: str | None = Field(default=None, max_length=20)
    initiative_response_reason: str | None = Field(default=None, max_length=500)
    initiative_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The fund's own word on a suggestion for its call: "interested" or "not_a_fit".
    resource_response: str | None = Field(default=None, max_length=20)
    resource_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    follow_up_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "Is de hulp gelukt?": succeeded or failed, from either side or from closing the need.
    outcome: str | None = Field(default=None, max_length=20)
    outcome_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HoursLog(SQLModel, table=True):
    """Hours given through a match, logged by the initiator or the volunteer."""

    __tablename__ = "hours_log"

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(sa_column=Column(Integer, ForeignKey("match.id", ondelete="CASCADE"),
                                           nullable=False, index=True))
    logged_by: str = Field(max_length=20)
    hours: float
    on_date: date
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MatchingRun(SQLModel, table=True):
    """A full (or partial) rematch with its progress and figures."""

    __tablename__ = "matching_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="full", max_length=20)
    status: str = Field(default="queued", max_length=20)
    requested_by: int | None = None
    needs_total: int = Field(default=0)
    needs_done: int = Field(default=0)
    pairs_scored: int = Field(default=0)
    proposals_written: int = Field(default=0)
    seconds: float | None = None
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

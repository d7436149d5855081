"""Dashboard snapshots: the municipal dashboard computed by a worker, kept as JSON."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class DashboardSnapshot(SQLModel, table=True):
    """The last computed dashboard of one municipality (key: CBS code, or "NL" for all)."""

    __tablename__ = "dashboard_snapshot"

    key: str = Field(primary_key=True, max_length=6)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When a page last asked for a fresh one; keeps a busy page from queueing a refresh per view.
    requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

"""Audit trail of access to personal data: who, role, what, which subject, why, when."""

from datetime import datetime
from typing import ClassVar

from sqlmodel import Field, SQLModel

from core.permissions import Scope
from db.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One access to personal data. Holds no data values; never edited or deleted."""

    __tablename__ = "audit_event"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),)}

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    actor_role: str = Field(max_length=20)
    action: str = Field(max_length=40)
    subject_type: str = Field(max_length=40)
    subject_id: str | None = Field(default=None, max_length=60)
    purpose: str = Field(max_length=200)
    outcome: str = Field(max_length=20)
    request_id: str | None = Field(default=None, max_length=64)
    municipality_code: str | None = Field(default=None, max_length=6, index=True)

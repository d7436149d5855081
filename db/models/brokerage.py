"""What brokers record: intakes, escalation steps, referrals, and contacts of offline residents."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from core.permissions import Scope
from db.types import UTCDateTime, utcnow


class Intake(SQLModel, table=True):
    """An intake conversation with an initiative, on the publication's intake list."""

    __tablename__ = "intake"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),)}

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(sa_column=Column(
        Integer, ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False, index=True))
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6, index=True)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    scores: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    support_needs: list[str] = Field(default_factory=list,
                                     sa_column=Column(JSON, nullable=False))
    size_volunteers: str | None = Field(default=None, max_length=20)
    size_professionals: str | None = Field(default=None, max_length=20)
    size_people_helped: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # An intake can be corrected later; who and when, so the history stays honest.
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class EscalationStep(SQLModel, table=True):
    """One rung of the ladder a broker took for a care-related need."""

    __tablename__ = "escalation_step"

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(sa_column=Column(Integer, ForeignKey("need.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    step: str = Field(max_length=30)
    note: str = Field(default="", max_length=1000)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Referral(SQLModel, table=True):
    """A need too big for a neighbour, handed to a professional partner."""

    __tablename__ = "referral"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),)}

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(sa_column=Column(Integer, ForeignKey("need.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6, index=True)
    partner: str = Field(max_length=200)
    reason: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=20)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The partner's contact person: personal data, read audited, erased by retention.
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: str | None = Field(default=None, max_length=254)
    outcome: str | None = Field(default=None, max_length=30)
    outcome_note: str = Field(default="", max_length=1000)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ResidentContact(SQLModel, table=True):
    """The minimal contact of a resident who is not online, for a need a broker posted."""

    __tablename__ = "resident_contact"

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(sa_column=Column(Integer, ForeignKey("need.id", ondelete="CASCADE"),
                                          nullable=False, unique=True))
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseNote(SQLModel, table=True):
    """A short note a broker or staff member keeps on a need's case file (personal data)."""

    __tablename__ = "case_note"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),)}

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(sa_column=Column(Integer, ForeignKey("need.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    # A need of a national initiative has no municipality: only admins reach its notes.
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code",
                                          max_length=6, index=True)
    text: str = Field(max_length=1000)
    # The author's account may be removed; the note stays until retention removes it.
    by_user_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)

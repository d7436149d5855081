"""People who give help: volunteers, and Participatiewet clients placed by a consultant.

Clients are kept apart from volunteers on purpose: a counter-performance under the
Participatiewet is legally not volunteering. A client record holds a pseudonym, never a BSN
and never the reason for an exemption.
"""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.permissions import Scope
from db.types import UTCDateTime, utcnow


class Volunteer(SQLModel, table=True):
    """A volunteer's profile; personal fields are erased when they leave."""

    __tablename__ = "volunteer"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),),
                           Scope.SELF: (("user_id", "user_id"),)}
    # A new need's rematch finds the volunteers who reach it in this index alone (an
    # index-only scan by PC4 and place), then reads only rows it has not seen at that version.
    __table_args__ = (Index("ix_volunteer_reach", "pc4", "latitude", "longitude", "radius_km",
                            "id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"),
                         unique=True, nullable=True),
    )
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6, index=True)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    pc4: str | None = Field(default=None, max_length=4)
    # Indexed so a targeted rematch can fetch the volunteers in a bounding box.
    latitude: float | None = Field(default=None, index=True)
    longitude: float | None = None
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    availability: list[str] = Field(default_factory=list,
                                    sa_column=Column(JSON, nullable=False))
    hours_per_week: float = Field(default=2)
    radius_km: float = Field(default=5)
    about: str = Field(default="", max_length=2000)
    # No new suggestions until this date (a holiday, a busy month).
    paused_until: date | None = None
    consent_given_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set on every change (a targeted rematch keeps rows per process by id and updated_at).
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime,
                                 sa_column_kwargs={"onupdate": utcnow})
    last_active_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ParticipationClient(SQLModel, table=True):
    """A Participatiewet client, pseudonymous and owned by the municipality's consultant."""

    __tablename__ = "participation_client"
    # A consultant reaches only their own clients, and only in their own municipality.
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),),
                           Scope.OWN: (("consultant_user_id", "user_id"),
                                       ("municipality_code", "municipality_code"))}
    __table_args__ = (UniqueConstraint("municipality_code", "pseudonym",
                                       name="uq_participation_client_pseudonym"),)

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=60)
    consultant_user_id: int | None = Field(default=None, foreign_key="user_account.id",
                                           index=True)
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6, index=True)
    capacity_hours_per_week: float = Field(default=4)
    restrictions: list[str] = Field(default_factory=list,
                                    sa_column=Column(JSON, nullable=False))
    route: str = Field(max_length=40)
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    availability: list[str] = Field(default_factory=list,
                                    sa_column=Column(JSON, nullable=False))
    pc4: str | None = Field(default=None, max_length=4)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

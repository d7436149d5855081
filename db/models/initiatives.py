"""Initiative aggregate: the profile (the publication's intake list), its needs and offers."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, Relationship, SQLModel

from core.permissions import Scope
from db.models.municipalities import Municipality
from db.types import UTCDateTime, utcnow


class Initiative(SQLModel, table=True):
    """One initiative's profile."""

    __tablename__ = "initiative"
    # Who reaches a profile, per scope (see core.permissions.covers and scoped).
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),),
                           Scope.ORGANISATION: (("id", "initiative_id"),),
                           Scope.PUBLISHED: (("published", None),)}
    __table_args__ = (
        CheckConstraint("founding_year IS NULL OR founding_year BETWEEN 1800 AND 2100",
                        name="founding_year_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Lowercased, diacritics folded: sorts the same on PostgreSQL ("C" collation) and SQLite.
    sort_name: str = Field(max_length=200, index=True)
    description: str = Field(default="", sa_type=Text)
    scope: str = Field(max_length=20)
    municipality_code: str | None = Field(
        default=None, foreign_key="municipality.code", max_length=6, index=True
    )
    pc4: str | None = Field(default=None, max_length=4, index=True)
    latitude: float | None = None
    longitude: float | None = None
    website: str | None = Field(default=None, max_length=300)
    actor_type: str | None = Field(default=None, max_length=40, index=True)
    actor_subtype: str | None = Field(default=None, max_length=40)
    added_value: str | None = Field(default=None, max_length=40)
    added_value_subtype: str | None = Field(default=None, max_length=40)
    transformation_role: str | None = Field(default=None, max_length=40)
    government_relation: str | None = Field(default=None, max_length=40)
    phase: str | None = Field(default=None, max_length=40, index=True)
    threshold: str | None = Field(default=None, max_length=40)
    initiator_kind: str | None = Field(default=None, max_length=40)
    target_focus: str | None = Field(default=None, max_length=40)
    size_volunteers: str | None = Field(default=None, max_length=20)
    size_professionals: str | None = Field(default=None, max_length=20)
    size_people_helped: str | None = Field(default=None, max_length=20)
    legal_form: str | None = Field(default=None, max_length=40)
    revenue_now: str | None = Field(default=None, max_length=20)
    revenue_in_two_years: str | None = Field(default=None, max_length=20)
    founding_year: int | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=320)
    published: bool = Field(default=True)
    last_verified_on: date | None = None
    # Normalised Dutch text (lemmas, synonyms folded) that both full-text indexes read.
    search_text: str = Field(default="", sa_type=Text)
    completeness: float | None = None
    profile_refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    municipality: Municipality | None = Relationship()
    labels: list["InitiativeLabel"] = Relationship(
        back_populates="initiative",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "passive_deletes": True},
    )
    needs: list["Need"] = Relationship(
        back_populates="initiative",
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "order_by": "Need.id",
        },
    )
    offers: list["Offer"] = Relationship(
        back_populates="initiative",
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "order_by": "Offer.id",
        },
    )

    def codes(self, lens: str) -> list[str]:
        """The codes this profile holds for a multi-valued lens, in stored order."""
        return [label.code for label in sorted(self.labels, key=lambda x: x.position)
                if label.lens == lens]

class InitiativeLabel(SQLModel, table=True):
    """One code of a multi-valued lens (theme, life group, funding source) on a profile.

    A row per code keeps filters identical and indexable on PostgreSQL and SQLite.
    """

    __tablename__ = "initiative_label"
    __table_args__ = (Index("ix_initiative_label_lens_code", "lens", "code", "initiative_id"),)

    initiative_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True
        )
    )
    lens: str = Field(primary_key=True, max_length=30)
    code: str = Field(primary_key=True, max_length=40)
    position: int = Field(default=0)

    initiative: Initiative = Relationship(back_populates="labels")

class Need(SQLModel, table=True):
    """Something an initiative is looking for."""

    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint("amount_eur IS NULL OR amount_eur >= 0", name="amount_not_negative"),
        CheckConstraint(
            "hours_per_week IS NULL OR hours_per_week >= 0", name="hours_not_negative"
        ),
        Index("ix_need_kind_status", "kind", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    amount_eur: int | None = None
    hours_per_week: float | None = None
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Day parts when the help is wanted (empty: any time); volunteers must share one.
    availability: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    needed_by: date | None = None
    status: str = Field(default="open", max_length=20)
    # "public", or "brokers": a need posted for a resident stays off public pages.
    visibility: str = Field(default="public", max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    initiative: Initiative = Relationship(back_populates="needs")

class Offer(SQLModel, table=True):
    """Help an initiative offers: an informal help task or a participation place."""

    __tablename__ = "offer"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=40)
    description: str = Field(default="", sa_type=Text)
    capacity: int = Field(default=1)
    # For a participation place: the initiative declares it does not replace paid work.
    no_paid_work_replaced: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    initiative: Initiative = Relationship(back_populates="offers")


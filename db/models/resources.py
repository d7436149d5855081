"""Resources a need can be matched to: funds with their calls, and municipal instruments."""

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from core.permissions import Scope
from db.types import UTCDateTime, utcnow


class Fund(SQLModel, table=True):
    """A charitable fund with its criteria; empty lists mean 'no restriction'."""

    __tablename__ = "fund"
    __scope__: ClassVar = {Scope.ORGANISATION: (("organisation_id", "organisation_id"),)}

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    life_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # "NL" for national, province codes ("PV28") or municipality CBS codes ("GM0599").
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    need_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_forms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_amount_eur: int = Field(default=0)
    max_amount_eur: int = Field(default=0)
    contact_email: str | None = Field(default=None, max_length=320)
    active: bool = Field(default=True)
    search_text: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FundCall(SQLModel, table=True):
    """A call for applications: a budget and a window."""

    __tablename__ = "fund_call"

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(sa_column=Column(Integer, ForeignKey("fund.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    title: str = Field(max_length=200)
    budget_eur: int
    granted_eur: int = Field(default=0)
    max_grant_eur: int | None = None
    opens_on: date
    closes_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Instrument(SQLModel, table=True):
    """A municipal instrument (rules, money and means, communication) and its desk."""

    __tablename__ = "instrument"
    __scope__: ClassVar = {Scope.MUNICIPALITY: (("municipality_code", "municipality_code"),)}

    id: int | None = Field(default=None, primary_key=True)
    municipality_code: str = Field(foreign_key="municipality.code", max_length=6, index=True)
    family: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    need_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_forms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_amount_eur: int | None = None
    desk_name: str = Field(default="", max_length=200)
    desk_email: str | None = Field(default=None, max_length=320)
    active: bool = Field(default=True)
    search_text: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Grant(SQLModel, table=True):
    """Money a fund awarded an initiative from one of its calls."""

    __tablename__ = "fund_grant"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(sa_column=Column(Integer, ForeignKey("fund_call.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    fund_id: int = Field(sa_column=Column(Integer, ForeignKey("fund.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    initiative_id: int = Field(sa_column=Column(
        Integer, ForeignKey("initiative.id", ondelete="CASCADE"), nullable=False, index=True))
    need_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("need.id", ondelete="SET NULL"), nullable=True))
    amount_eur: int
    awarded_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by_user_id: int | None = None

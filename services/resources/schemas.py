"""Schemas for funds, their calls, and municipal instruments."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from core.fields import (
    STRICT,
    Day,
    Euro,
    LegalForm,
    LifeGroup,
    LongText,
    MunicipalityCode,
    NeedKind,
    Phase,
    Region,
    Theme,
    Title,
    code_of,
)
from core.privacy import NoBsn

Family = code_of("instrument_families", "soort instrument")


class FundCreate(BaseModel):
    """A fund and its criteria; an empty list means no restriction."""

    model_config = STRICT

    name: Title
    description: LongText = ""
    themes: list[Theme] = []
    life_groups: list[LifeGroup] = []
    regions: list[Region] = Field(default_factory=lambda: ["NL"],
                                  description='"NL", province codes (PV28) or CBS codes')
    need_kinds: list[NeedKind] = ["start_grant", "structural_funding"]
    legal_forms: list[LegalForm] = []
    phases: list[Phase] = []
    min_amount_eur: Euro = 0
    max_amount_eur: Euro = 25_000
    contact_email: EmailStr | None = None

    @model_validator(mode="after")
    def _range(self) -> "FundCreate":
        if self.max_amount_eur < self.min_amount_eur:
            raise ValueError("max_amount_eur is kleiner dan min_amount_eur")
        return self


class FundRead(FundCreate):
    """A fund as stored."""

    model_config = ConfigDict(extra="ignore")

    id: int
    organisation_id: int | None
    active: bool


class CallCreate(BaseModel):
    """A call for applications with a budget and a window."""

    model_config = STRICT

    title: Title
    budget_eur: Annotated[int, Field(gt=0, le=100_000_000)]
    max_grant_eur: Euro | None = None
    opens_on: Day
    closes_on: Day

    @model_validator(mode="after")
    def _window(self) -> "CallCreate":
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on ligt voor opens_on")
        return self


class CallRead(CallCreate):
    """A call as stored."""

    model_config = ConfigDict(extra="ignore")

    id: int
    fund_id: int
    granted_eur: int


class InstrumentCreate(BaseModel):
    """A municipal instrument and the desk to contact."""

    model_config = STRICT

    municipality: MunicipalityCode | None = None
    family: Family
    title: Title
    description: LongText = ""
    need_kinds: Annotated[list[NeedKind], Field(min_length=1)]
    phases: list[Phase] = []
    legal_forms: list[LegalForm] = []
    max_amount_eur: Euro | None = None
    desk_name: Annotated[str, Field(max_length=200), NoBsn] = ""
    desk_email: EmailStr | None = None


class InstrumentRead(BaseModel):
    """An instrument as stored."""

    id: int
    municipality: str
    family: str
    title: str
    description: str
    need_kinds: list[str]
    phases: list[str]
    legal_forms: list[str]
    max_amount_eur: int | None
    desk_name: str
    desk_email: str | None


class FundUpdate(BaseModel):
    """A partial change to a fund's profile and criteria (empty list: no restriction)."""

    model_config = STRICT

    name: Title | None = None
    description: LongText | None = None
    themes: list[Theme] | None = None
    life_groups: list[LifeGroup] | None = None
    regions: list[Region] | None = None
    need_kinds: list[NeedKind] | None = None
    legal_forms: list[LegalForm] | None = None
    phases: list[Phase] | None = None
    min_amount_eur: Euro | None = None
    max_amount_eur: Euro | None = None
    contact_email: EmailStr | None = None


class CallUpdate(BaseModel):
    """A partial change to a call: title, budget, window and maximum grant."""

    model_config = STRICT

    title: Title | None = None
    budget_eur: Annotated[int, Field(gt=0, le=100_000_000)] | None = None
    max_grant_eur: Euro | None = None
    opens_on: Day | None = None
    closes_on: Day | None = None


class CallDetail(CallRead):
    """A call with what is left of its budget."""

    remaining_eur: int


class GrantCreate(BaseModel):
    """A grant from a call to an initiative (optionally for one of its needs)."""

    model_config = STRICT

    initiative_id: Annotated[int, Field(ge=1)]
    need_id: Annotated[int, Field(ge=1)] | None = None
    amount_eur: Annotated[int, Field(gt=0, le=100_000_000)]
    awarded_on: Day


class GrantRead(GrantCreate):
    """A grant as stored."""

    model_config = ConfigDict(extra="ignore")

    id: int
    call_id: int
    fund_id: int


class FundPage(BaseModel):
    """A page of funds and the cursor of the next page."""

    items: list[FundRead]
    next_cursor: str | None

"""Request and response schemas for initiatives, needs and offers."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl

from core.fields import (
    PC4,
    STRICT,
    ActorSubtype,
    ActorType,
    AddedValue,
    AddedValueSubtype,
    Day,
    DayPart,
    FundingSource,
    GovernmentRelation,
    HelpedBucket,
    InitiatorKind,
    LegalForm,
    LifeGroup,
    LongText,
    MunicipalityCode,
    NeedKind,
    NeedStatus,
    NeedVisibility,
    OfferKind,
    Phase,
    ProfessionalBucket,
    Region,
    RevenueBucket,
    Scope,
    Skill,
    TargetFocus,
    Theme,
    Threshold,
    Title,
    TransformationRole,
    VolunteerBucket,
)
from core.privacy import NoBsn


class NeedCreate(BaseModel):
    """A new need."""

    model_config = STRICT

    kind: NeedKind
    title: Title
    description: LongText = ""
    amount_eur: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    hours_per_week: Annotated[float, Field(ge=0, le=80)] | None = None
    skills: list[Skill] = []
    availability: list[DayPart] = []
    needed_by: Day | None = None
    status: NeedStatus = "open"
    visibility: NeedVisibility = Field(
        "public", description="public: anyone can read it; brokers: only brokers, staff and "
                              "the initiative (for needs posted on behalf of a resident)")


class NeedUpdate(BaseModel):
    """Changes to a need; only the fields sent are changed."""

    model_config = STRICT

    kind: NeedKind | None = None
    title: Title | None = None
    description: LongText | None = None
    amount_eur: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    hours_per_week: Annotated[float, Field(ge=0, le=80)] | None = None
    skills: list[Skill] | None = None
    availability: list[DayPart] | None = None
    needed_by: Day | None = None
    status: NeedStatus | None = None
    visibility: NeedVisibility | None = None


class NeedRead(BaseModel):
    """A need as clients see it."""

    id: int
    initiative_id: int
    kind: str
    kind_label: str
    title: str
    description: str
    amount_eur: int | None
    hours_per_week: float | None
    skills: list[str]
    availability: list[str]
    needed_by: date | None
    status: str
    status_label: str
    visibility: str
    created_at: datetime
    updated_at: datetime


class OfferCreate(BaseModel):
    """A new offer."""

    model_config = STRICT

    kind: OfferKind
    description: LongText = ""
    capacity: Annotated[int, Field(ge=1, le=10_000)] = 1
    no_paid_work_replaced: bool = Field(
        False, description="For a participation place: it does not replace paid work")


class OfferUpdate(BaseModel):
    """Changes to an offer."""

    model_config = STRICT

    kind: OfferKind | None = None
    description: LongText | None = None
    capacity: Annotated[int, Field(ge=1, le=10_000)] | None = None
    no_paid_work_replaced: bool | None = None


class OfferRead(BaseModel):
    """An offer as clients see it."""

    id: int
    initiative_id: int
    kind: str
    kind_label: str
    description: str
    capacity: int
    no_paid_work_replaced: bool


class ProfileFields(BaseModel):
    """The intake-list fields of a profile that are optional on create."""

    model_config = STRICT

    description: LongText = ""
    municipality: MunicipalityCode | None = None
    pc4: PC4 | None = None
    website: HttpUrl | None = None
    themes: list[Theme] = []
    life_groups: list[LifeGroup] = []
    actor_type: ActorType | None = None
    actor_subtype: ActorSubtype | None = None
    added_value: AddedValue | None = None
    added_value_subtype: AddedValueSubtype | None = None
    transformation_role: TransformationRole | None = None
    government_relation: GovernmentRelation | None = None
    phase: Phase | None = None
    threshold: Threshold | None = None
    initiator_kind: InitiatorKind | None = None
    target_focus: TargetFocus | None = None
    size_volunteers: VolunteerBucket | None = None
    size_professionals: ProfessionalBucket | None = None
    size_people_helped: HelpedBucket | None = None
    funding_sources: list[FundingSource] = []
    legal_form: LegalForm | None = None
    revenue_now: RevenueBucket | None = None
    revenue_in_two_years: RevenueBucket | None = None
    founding_year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    contact_name: Annotated[str, Field(max_length=200), NoBsn] | None = None
    contact_email: EmailStr | None = None
    published: bool = True
    last_verified_on: Day | None = None


class InitiativeCreate(ProfileFields):
    """A new initiative with its first needs and offers, written in one transaction."""

    name: Title
    scope: Scope
    needs: list[NeedCreate] = []
    offers: list[OfferCreate] = []


class InitiativeUpdate(ProfileFields):
    """Changes to a profile; only the fields sent are changed, null clears a field."""

    name: Title | None = None
    scope: Scope | None = None


class InitiativeRead(BaseModel):
    """A full profile with Dutch labels for every lens."""

    id: int
    name: str
    description: str
    scope: str
    municipality: str | None
    municipality_name: str | None
    pc4: str | None
    place: str | None
    latitude: float | None
    longitude: float | None
    website: str | None
    themes: list[str]
    life_groups: list[str]
    actor_type: str | None
    actor_subtype: str | None
    added_value: str | None
    added_value_subtype: str | None
    transformation_role: str | None
    government_relation: str | None
    phase: str | None
    threshold: str | None
    initiator_kind: str | None
    target_focus: str | None
    size_volunteers: str | None
    size_professionals: str | None
    size_people_helped: str | None
    funding_sources: list[str]
    legal_form: str | None
    revenue_now: str | None
    revenue_in_two_years: str | None
    founding_year: int | None
    contact_name: str | None
    contact_email: str | None
    published: bool
    last_verified_on: date | None
    completeness: float | None
    labels: dict[str, str | list[str] | None] = Field(
        description="Dutch labels of the profile's lens codes, keyed like the code fields"
    )
    needs: list[NeedRead]
    offers: list[OfferRead]
    created_at: datetime
    updated_at: datetime


class InitiativeSummary(BaseModel):
    """One row of the initiative list."""

    id: int
    name: str
    scope: str
    municipality: str | None
    municipality_name: str | None
    pc4: str | None
    place: str | None
    themes: list[str]
    theme_labels: list[str]
    phase: str | None
    needs: list[NeedRead]
    distance_km: float | None = None
    score: float | None = None


class InitiativePage(BaseModel):
    """A page of initiatives; pass next_cursor back as `cursor` for the next page."""

    items: list[InitiativeSummary]
    next_cursor: str | None
    did_you_mean: str | None = Field(
        None, description="The query as it was probably meant, when a word matched nothing")


class InitiativeQuery(BaseModel):
    """Filters for the initiative list (query parameters)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: Annotated[str, Field(max_length=200), NoBsn] | None = None
    municipality: MunicipalityCode | None = None
    theme: Theme | None = None
    life_group: LifeGroup | None = None
    actor_type: ActorType | None = None
    phase: Phase | None = None
    need_kind: NeedKind | None = None
    # Fund filters: a need asking money within the range, the legal form, a province or town.
    amount_min: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    amount_max: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    legal_form: LegalForm | None = None
    region: Region | None = None
    pc4: PC4 | None = None
    radius_km: Annotated[float, Field(gt=0, le=300)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=500)] | None = None

"""Schemas for volunteers and Participatiewet clients."""

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from core.fields import PC4, STRICT, DayPart, MunicipalityCode, Phone, Skill, Theme, code_of
from core.privacy import NoBsn
from db.types import local_today

Restriction = code_of("client_restrictions", "beperking")
Route = code_of("participation_act_routes", "route")
Name = Annotated[str, Field(min_length=1, max_length=200), NoBsn]
About = Annotated[str, Field(max_length=2000), NoBsn]
Pseudonym = Annotated[str, Field(min_length=2, max_length=60, pattern=r"^[\w .'-]+$"), NoBsn]
Hours = Annotated[float, Field(gt=0, le=40)]
Radius = Annotated[float, Field(ge=0, le=100)]
PAUSE_MAX_DAYS = 366


def _pause_range(value: date) -> date:
    # A pause is for a holiday or a busy season: from today up to a year ahead.
    today = local_today()
    if not today <= value <= today + timedelta(days=PAUSE_MAX_DAYS):
        raise ValueError("kies een datum vanaf vandaag en binnen een jaar")
    return value


PauseUntil = Annotated[date, Field(strict=False), AfterValidator(_pause_range)]


class VolunteerCreate(BaseModel):
    """A volunteer profile; consent to store it is required."""

    model_config = STRICT

    name: Name
    email: EmailStr | None = None
    phone: Phone | None = None
    pc4: PC4
    municipality: MunicipalityCode | None = None
    skills: list[Skill] = []
    themes: list[Theme] = []
    availability: list[DayPart] = []
    hours_per_week: Hours = 2
    radius_km: Radius = 5
    about: About = ""
    consent: bool = Field(description="The volunteer agrees that Koppel keeps this profile")


class VolunteerUpdate(BaseModel):
    """Changes to a volunteer profile."""

    model_config = STRICT

    name: Name | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    pc4: PC4 | None = None
    skills: list[Skill] | None = None
    themes: list[Theme] | None = None
    availability: list[DayPart] | None = None
    hours_per_week: Hours | None = None
    radius_km: Radius | None = None
    about: About | None = None
    # None lifts the pause; no new suggestions until this date.
    paused_until: PauseUntil | None = None


class VolunteerRead(BaseModel):
    """A volunteer profile (personal data: every staff read is audited)."""

    id: int
    municipality: str
    name: str | None
    email: str | None
    phone: str | None
    pc4: str | None
    place: str | None
    skills: list[str]
    themes: list[str]
    availability: list[str]
    hours_per_week: float
    radius_km: float
    about: str
    paused_until: date | None = None
    consent_given_at: datetime | None
    created_at: datetime
    updated_at: datetime
    erased: bool


class ClientCreate(BaseModel):
    """A Participatiewet client, registered by their consultant under a pseudonym.

    There is deliberately no field for a BSN, a benefit or the reason for an exemption.
    """

    model_config = STRICT

    pseudonym: Pseudonym
    capacity_hours_per_week: Hours = 4
    restrictions: list[Restriction] = []
    route: Route
    skills: list[Skill] = []
    availability: list[DayPart] = []
    pc4: PC4 | None = None


class ClientUpdate(BaseModel):
    """Changes to a client record (by their consultant)."""

    model_config = STRICT

    pseudonym: Pseudonym | None = None
    capacity_hours_per_week: Hours | None = None
    restrictions: list[Restriction] | None = None
    route: Route | None = None
    skills: list[Skill] | None = None
    availability: list[DayPart] | None = None
    pc4: PC4 | None = None
    closed: bool | None = None


class ClientRead(BaseModel):
    """A client record, for the consultant and the municipality's staff."""

    id: int
    kind: str = "client"
    pseudonym: str
    consultant_user_id: int | None
    municipality: str
    capacity_hours_per_week: float
    restrictions: list[str]
    restriction_labels: list[str]
    route: str
    route_label: str
    skills: list[str]
    availability: list[str]
    pc4: str | None
    closed_at: datetime | None
    created_at: datetime


class CandidateRead(BaseModel):
    """What a broker sees of a client: a candidate via the consultant, nothing more."""

    id: int
    kind: str = "candidate"
    label: str = "kandidaat via consulent"
    skills: list[str]
    availability: list[str]


class ClientPage(BaseModel):
    """A page of client records; pass next_cursor back as `cursor` for the next page."""

    items: list[ClientRead]
    next_cursor: str | None


class ClientQuery(BaseModel):
    """Paging of the client list (query parameters)."""

    model_config = ConfigDict(extra="forbid")

    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=40)] | None = None

"""Schemas of the public board of needs (Hulpvragen)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.fields import PC4, MunicipalityCode, NeedKind, Skill
from core.privacy import NoBsn


class NeedBoardQuery(BaseModel):
    """Filters of the board (query parameters)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: Annotated[str, Field(max_length=200), NoBsn] | None = None
    need_kind: NeedKind | None = None
    skill: Skill | None = None
    pc4: PC4 | None = None
    radius_km: Annotated[float, Field(gt=0, le=300)] | None = None
    municipality: MunicipalityCode | None = None
    sort: Literal["newest", "nearest"] = Field(
        "newest", description="newest first, or nearest to pc4 first (needs pc4)")
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=500)] | None = None


class NeedBoardItem(BaseModel):
    """One published need on the board, with its initiative and place."""

    id: int
    title: str
    description: str
    kind: str
    kind_label: str
    skills: list[str]
    skill_labels: list[str]
    hours_per_week: float | None
    initiative_id: int
    initiative_name: str
    municipality: str | None
    municipality_name: str | None
    pc4: str | None
    place: str | None
    distance_km: float | None = None
    created_at: datetime


class NeedBoardPage(BaseModel):
    """A page of the board; pass next_cursor back as `cursor` for the next page."""

    items: list[NeedBoardItem]
    next_cursor: str | None
    total: int = Field(description="How many needs match the filters, over all pages")
    did_you_mean: str | None = Field(
        None, description="The query as it was probably meant, when a word matched nothing")


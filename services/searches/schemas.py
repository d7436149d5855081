"""Schemas of saved searches: what is saved, what is shown, and the web form."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.fields import STRICT
from core.privacy import NoBsn

Kind = Literal["initiatives", "needs"]
Frequency = Literal["daily", "weekly"]
Name = Annotated[str, Field(min_length=1, max_length=100), NoBsn]
FilterValue = Annotated[str, Field(max_length=200)] | float | None


class SavedSearchCreate(BaseModel):
    """A search to save: the list endpoint's query parameters as `filters`."""

    model_config = STRICT

    name: Name
    kind: Kind
    filters: Annotated[dict[Annotated[str, Field(max_length=30)], FilterValue],
                       Field(max_length=20)] = Field(default_factory=dict)
    frequency: Frequency = "weekly"


class SavedSearchUpdate(BaseModel):
    """Change how often the digest comes."""

    model_config = STRICT

    frequency: Frequency


class SavedSearchRead(BaseModel):
    """A saved search with its filters in Dutch."""

    id: int
    name: str
    kind: Kind
    filters: dict[str, str | float]
    filter_labels: list[str] = Field(description="Each filter as Dutch text")
    frequency: Frequency
    created_at: datetime
    last_digest_at: datetime | None
    unsubscribed_at: datetime | None


class SavedSearchPage(BaseModel):
    """A page of saved searches; pass next_cursor back as `cursor` for the next page."""

    items: list[SavedSearchRead]
    next_cursor: str | None


class SavedSearchListQuery(BaseModel):
    """Paging of the saved-search list."""

    model_config = ConfigDict(extra="forbid")

    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Annotated[str, Field(max_length=100)] | None = None


class SavedSearchPosted(BaseModel):
    """The web form under a list page: a name, how often, and the page's query string."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    kind: Kind
    frequency: Frequency = "weekly"
    query: Annotated[str, Field(max_length=2000), NoBsn] = ""

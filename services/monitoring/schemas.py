"""API shapes of the municipal dashboard."""

from typing import Any

from pydantic import BaseModel, ConfigDict

# Path parameters: a CBS code, or "NL" for every municipality together (admins).
CODE_PATTERN = r"^(GM\d{4}|NL)$"
TABLE_PATTERN = r"^[a-z0-9_]{1,60}$"


class DashboardRead(BaseModel):
    """The dashboard: exactly its seven sections. Counts below 5 are the string "<5"."""

    model_config = ConfigDict(extra="forbid")

    overview: dict[str, Any]
    lenses: dict[str, Any]
    gaps: dict[str, Any]
    climate: dict[str, Any]
    funnel: dict[str, Any]
    value: dict[str, Any]
    map: dict[str, Any]

"""Schemas for municipalities onboarded from the CBS list."""

from pydantic import BaseModel, ConfigDict, Field

from core.fields import STRICT, MunicipalityCode


class MunicipalityAdd(BaseModel):
    """Onboard one municipality from the CBS list by its code."""

    model_config = STRICT

    code: MunicipalityCode


class MunicipalityRead(BaseModel):
    """An onboarded municipality with its province (CBS, CC BY 4.0)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    province_code: str | None
    province_name: str = ""


class MunicipalityPage(BaseModel):
    """One page of onboarded municipalities, by code."""

    items: list[MunicipalityRead]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page")
    attribution: str = "Bron: CBS"

"""JSON API for municipalities: the onboarded list and onboarding from the CBS list."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from core.errors import ERROR_RESPONSES
from core.geo import municipalities as cbs
from core.permissions import Allowed
from db.models import Municipality
from db.session import SessionDep
from services.municipalities import service
from services.municipalities.schemas import MunicipalityAdd, MunicipalityPage, MunicipalityRead

router = APIRouter(prefix="/municipalities", tags=["municipalities"],
                   responses=ERROR_RESPONSES)


def _read(municipality: Municipality) -> MunicipalityRead:
    return MunicipalityRead(code=municipality.code, name=municipality.name,
                            province_code=municipality.province_code,
                            province_name=cbs.province_name(municipality.province_code))


@router.get("", response_model=MunicipalityPage, name="api_municipality_list")
def list_municipalities(session: SessionDep, actor: Allowed("municipality.list"),
                        cursor: Annotated[str | None, Query(max_length=6)] = None,
                        limit: Annotated[int, Query(ge=1, le=400)] = 100):
    """The onboarded municipalities by code; keyset pages."""
    rows, next_cursor = service.page(session, cursor=cursor, limit=limit)
    return MunicipalityPage(items=[_read(m) for m in rows], next_cursor=next_cursor,
                            attribution=cbs.ATTRIBUTION)


@router.post("", response_model=MunicipalityRead, status_code=status.HTTP_201_CREATED,
             name="api_municipality_add")
def add_municipality(session: SessionDep, actor: Allowed("municipality.manage"),
                     data: MunicipalityAdd, response: Response):
    """Onboard one municipality from the CBS list (409 when it is already there)."""
    added = service.onboard(session, data.code)
    response.headers["Location"] = f"/api/v1/municipalities/{added.code}"
    return _read(added)

"""JSON API: the open-data files (anyone may fetch them; published data only)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from core.errors import ERROR_RESPONSES
from core.permissions import Allowed
from db.session import SessionDep
from services.opendata import service

router = APIRouter(prefix="/open-data", tags=["open data"], responses=ERROR_RESPONSES)
Code = Annotated[str | None, Query(pattern=r"^GM\d{4}$",
                                   description="CBS-gemeentecode, bijvoorbeeld GM0392")]


@router.get("/hsds.json", response_model=dict[str, Any], name="api_open_data_hsds",
            responses={200: {"description": "Een HSDS 3-pagina met alle gepubliceerde diensten"}})
def hsds_file(session: SessionDep, actor: Allowed("opendata.read"),
              municipality: Code = None):
    """Published initiatives and their offers as Open Referral HSDS 3 (fully nested services)."""
    return service.hsds_page(session, municipality)


@router.get("/360giving.json", response_model=dict[str, Any], name="api_open_data_360giving",
            responses={200: {"description": "Een 360Giving-pakket met de toekenningen"}})
def giving_file(session: SessionDep, actor: Allowed("opendata.read"),
                municipality: Code = None):
    """Recorded grants to published initiatives as a 360Giving 1.4 package."""
    return service.giving_package(session, municipality)

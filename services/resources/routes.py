"""JSON API for funds, calls and municipal instruments."""

from fastapi import APIRouter, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.resources import service
from services.resources.schemas import (
    CallCreate,
    CallRead,
    FundCreate,
    FundRead,
    InstrumentCreate,
    InstrumentRead,
)

router = APIRouter(tags=["resources"], responses=ERROR_RESPONSES)


@router.post("/funds", response_model=FundRead, status_code=status.HTTP_201_CREATED,
             name="api_fund_create")
def create_fund(session: SessionDep, actor: Allowed("fund.create"), data: FundCreate):
    """Register a fund with its criteria."""
    return FundRead.model_validate(service.create_fund(session, actor, data),
                                   from_attributes=True)


@router.post("/funds/{fund_id}/calls", response_model=CallRead,
             status_code=status.HTTP_201_CREATED, name="api_call_create")
def create_call(session: SessionDep, actor: Allowed("fund.update"), fund_id: Id,
                data: CallCreate):
    """Open a call with a budget and a window."""
    return CallRead.model_validate(service.add_call(session, actor, fund_id, data),
                                   from_attributes=True)


@router.post("/instruments", response_model=InstrumentRead,
             status_code=status.HTTP_201_CREATED, name="api_instrument_create")
def create_instrument(session: SessionDep, actor: Allowed("instrument.create"),
                      data: InstrumentCreate):
    """Add an instrument to a municipality's catalogue."""
    return service.instrument_read(service.create_instrument(session, actor, data))

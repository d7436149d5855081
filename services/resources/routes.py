"""JSON API for funds, calls and municipal instruments."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.resources import service
from services.resources.schemas import (
    CallCreate,
    CallDetail,
    CallRead,
    CallUpdate,
    FundCreate,
    FundPage,
    FundRead,
    FundUpdate,
    GrantCreate,
    GrantRead,
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


# Funds (13): list, read and update a fund and its calls, and record grants.
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]


def _call_detail(call) -> CallDetail:
    return CallDetail.model_validate({**call.model_dump(),
                                      "remaining_eur": call.budget_eur - call.granted_eur})


@router.get("/funds", response_model=FundPage, name="api_fund_list")
def list_funds(session: SessionDep, actor: Allowed("fund.list"), limit: Limit = 20,
               cursor: Cursor = None):
    """The funds the caller may see (a fund user: their own), by id; keyset pages."""
    rows, next_cursor = service.list_funds(session, actor, limit=limit, cursor=cursor)
    return FundPage(items=[FundRead.model_validate(f, from_attributes=True) for f in rows],
                    next_cursor=next_cursor)


@router.get("/funds/{fund_id}", response_model=FundRead, name="api_fund_read")
def read_fund(session: SessionDep, actor: Allowed("fund.read"), fund_id: Id):
    """A fund with its criteria."""
    return FundRead.model_validate(service.get_fund(session, actor, fund_id, "fund.read"),
                                   from_attributes=True)


@router.patch("/funds/{fund_id}", response_model=FundRead, name="api_fund_update")
def update_fund(session: SessionDep, actor: Allowed("fund.update"), fund_id: Id,
                data: FundUpdate):
    """Change a fund's profile or criteria (an empty list means no restriction)."""
    return FundRead.model_validate(service.update_fund(session, actor, fund_id, data),
                                   from_attributes=True)


@router.get("/funds/{fund_id}/calls/{call_id}", response_model=CallDetail,
            name="api_call_read")
def read_call(session: SessionDep, actor: Allowed("fund.read"), fund_id: Id, call_id: Id):
    """A call with its remaining budget."""
    return _call_detail(service.get_call(session, actor, fund_id, call_id, "fund.read")[1])


@router.patch("/funds/{fund_id}/calls/{call_id}", response_model=CallDetail,
              name="api_call_update")
def update_call(session: SessionDep, actor: Allowed("fund.update"), fund_id: Id, call_id: Id,
                data: CallUpdate):
    """Change a call's title, budget, window or maximum grant."""
    return _call_detail(service.update_call(session, actor, fund_id, call_id, data))


@router.post("/funds/{fund_id}/calls/{call_id}/grants", response_model=GrantRead,
             status_code=status.HTTP_201_CREATED, name="api_grant_create")
def create_grant(session: SessionDep, actor: Allowed("grant.create"), fund_id: Id,
                 call_id: Id, data: GrantCreate):
    """Record a grant; the call's remaining budget goes down by its amount."""
    return GrantRead.model_validate(service.record_grant(session, actor, fund_id, call_id, data),
                                    from_attributes=True)

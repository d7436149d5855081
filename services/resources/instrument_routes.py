"""JSON API: read and change municipal instruments (staff: their own municipality)."""

from typing import Annotated

from fastapi import APIRouter, Query

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.resources import instruments
from services.resources.instruments import InstrumentPage, InstrumentUpdate
from services.resources.schemas import InstrumentRead
from services.resources.service import instrument_read

router = APIRouter(prefix="/instruments", tags=["resources"], responses=ERROR_RESPONSES)


@router.get("", response_model=InstrumentPage, name="api_instrument_list")
def list_instruments(session: SessionDep, actor: Allowed("instrument.read"),
                     cursor: Annotated[int | None, Query(ge=1)] = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50):
    """The instruments of the catalogues within reach, by id; keyset pages."""
    rows, next_cursor = instruments.page(session, actor, cursor=cursor, limit=limit)
    return InstrumentPage(items=[instrument_read(i) for i in rows], next_cursor=next_cursor)


@router.get("/{instrument_id}", response_model=InstrumentRead, name="api_instrument_get")
def get_instrument(session: SessionDep, actor: Allowed("instrument.read"), instrument_id: Id):
    """One instrument."""
    return instrument_read(instruments.get(session, actor, instrument_id, "instrument.read"))


@router.patch("/{instrument_id}", response_model=InstrumentRead,
              name="api_instrument_update")
def update_instrument(session: SessionDep, actor: Allowed("instrument.update"),
                      instrument_id: Id, data: InstrumentUpdate):
    """Change an instrument; only the fields sent change."""
    return instrument_read(instruments.update(session, actor, instrument_id, data))

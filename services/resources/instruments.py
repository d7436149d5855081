"""Municipal instruments read and changed through the API (beheer): staff their own
municipality's catalogue, admins every catalogue."""

from typing import Annotated

from pydantic import BaseModel, EmailStr, Field
from sqlmodel import Session, select

from core import dutch
from core.errors import NotFound, refuse_nulls
from core.fields import STRICT, Euro, LegalForm, LongText, NeedKind, Phase, Title
from core.permissions import Actor, covers, scoped
from core.privacy import NoBsn
from core.vocabulary import get_vocabulary
from db.models import Instrument
from db.types import utcnow
from services.outbox import service as outbox
from services.resources.schemas import Family, InstrumentRead
from services.worker.queues import TaskName


class InstrumentUpdate(BaseModel):
    """Fields of an instrument to change; only the fields sent change."""

    model_config = STRICT

    family: Family | None = None
    title: Title | None = None
    description: LongText | None = None
    need_kinds: Annotated[list[NeedKind], Field(min_length=1)] | None = None
    phases: list[Phase] | None = None
    legal_forms: list[LegalForm] | None = None
    max_amount_eur: Euro | None = None
    desk_name: Annotated[str, Field(max_length=200), NoBsn] | None = None
    desk_email: EmailStr | None = None
    active: bool | None = None


class InstrumentPage(BaseModel):
    """One page of instruments, by id."""

    items: list[InstrumentRead]
    next_cursor: int | None = None


def page(session: Session, actor: Actor, *, cursor: int | None,
         limit: int) -> tuple[list[Instrument], int | None]:
    """The instruments the actor may read, by id after cursor, and the next cursor."""
    stmt = scoped(select(Instrument), actor, "instrument.read", Instrument)
    if cursor:
        stmt = stmt.where(Instrument.id > cursor)
    rows = list(session.exec(stmt.order_by(Instrument.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more and rows else None


def get(session: Session, actor: Actor, instrument_id: int, action: str) -> Instrument:
    """One instrument within the actor's reach for action; 404 otherwise."""
    instrument = session.get(Instrument, instrument_id)
    if instrument is None or not covers(actor, action, instrument):
        raise NotFound("Dit instrument bestaat niet.")
    return instrument


def update(session: Session, actor: Actor, instrument_id: int,
           data: InstrumentUpdate) -> Instrument:
    """Change an instrument of the actor's catalogue; matching looks at it again."""
    instrument = get(session, actor, instrument_id, "instrument.update")
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("family", "title", "description", "need_kinds", "phases",
                          "legal_forms", "desk_name", "active"))
    for key, value in values.items():
        setattr(instrument, key, value)
    vocab = get_vocabulary()
    instrument.search_text = dutch.normalise(" ".join(
        [instrument.title, instrument.description,
         vocab.label("instrument_families", instrument.family)]
        + [vocab.label("support_needs", k) for k in instrument.need_kinds]))
    instrument.updated_at = utcnow()
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="instrument",
                   resource_id=instrument.id)
    return instrument


def listed(session: Session, actor: Actor, municipality: str | None = None) -> list[Instrument]:
    """The instruments the actor may read (optionally of one municipality), by title."""
    stmt = scoped(select(Instrument), actor, "instrument.read", Instrument)
    if municipality:
        stmt = stmt.where(Instrument.municipality_code == municipality)
    return list(session.exec(stmt.order_by(Instrument.municipality_code, Instrument.title)))

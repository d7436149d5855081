"""Funds, calls and instruments: created by their owners, each change triggers a rematch."""

from sqlmodel import Session

from core import dutch
from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, Scope, covers
from core.vocabulary import get_vocabulary
from db.models import Fund, FundCall, Instrument
from services.municipalities import service as municipalities
from services.outbox import service as outbox
from services.resources import funds
from services.resources.funds import (  # the fund's own work (issue 13)
    Suggestion,
    answer,
    calls_of,
    check_regions,
    fitting_needs,
    get_call,
    grants_of_call,
    grants_of_initiative,
    is_open,
    list_funds,
    open_or_close,
    own_fund,
    record_grant,
    suggestions,
    update_call,
    update_fund,
)
from services.resources.schemas import CallCreate, FundCreate, InstrumentCreate, InstrumentRead
from services.worker.queues import TaskName

__all__ = ["Suggestion", "add_call", "answer", "calls_of", "check_regions", "create_fund",
           "create_instrument", "fitting_needs", "get_call", "get_fund", "grants_of_call",
           "grants_of_initiative", "instrument_read", "is_open", "list_funds", "open_or_close",
           "own_fund", "record_grant", "suggestions", "update_call", "update_fund"]


def create_fund(session: Session, actor: Actor, data: FundCreate) -> Fund:
    """Register a fund; a fund user's fund belongs to their organisation."""
    check_regions(session, data.regions)
    organisation = actor.organisation_id if actor.scope("fund.create") == Scope.ORGANISATION \
        else None
    fund = Fund(**data.model_dump(), organisation_id=organisation)
    fund.search_text = funds.fund_text(fund)
    session.add(fund)
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="fund", resource_id=fund.id)
    return fund


def get_fund(session: Session, actor: Actor, fund_id: int, action: str) -> Fund:
    """A fund within the actor's scope, else NotFound."""
    fund = session.get(Fund, fund_id)
    if fund is None or not covers(actor, action, fund):
        raise NotFound(f"Fonds {fund_id} bestaat niet.")
    return fund


def add_call(session: Session, actor: Actor, fund_id: int, data: CallCreate) -> FundCall:
    """Open a call for a fund."""
    fund = get_fund(session, actor, fund_id, "fund.update")
    if data.max_grant_eur is not None and data.max_grant_eur > data.budget_eur:
        raise ValidationFailed({"max_grant_eur": "hoger dan het budget van de ronde"})
    call = FundCall(**data.model_dump(), fund_id=fund.id)
    session.add(call)
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="fund", resource_id=fund.id)
    return call


def create_instrument(session: Session, actor: Actor, data: InstrumentCreate) -> Instrument:
    """Add an instrument to a municipality's catalogue (staff: their own municipality)."""
    municipality = data.municipality or actor.municipality_code
    if municipality is None or municipalities.get(session, municipality) is None:
        raise ValidationFailed({"municipality": "onbekende of ontbrekende gemeente"})
    if actor.scope("instrument.create") == Scope.MUNICIPALITY and \
            municipality != actor.municipality_code:
        raise ValidationFailed({"municipality": "alleen voor uw eigen gemeente"})
    vocab = get_vocabulary()
    instrument = Instrument(**data.model_dump(exclude={"municipality"}),
                            municipality_code=municipality)
    instrument.search_text = dutch.normalise(" ".join(
        [data.title, data.description, vocab.label("instrument_families", data.family)]
        + [vocab.label("support_needs", k) for k in data.need_kinds]))
    session.add(instrument)
    session.flush()
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="instrument",
                   resource_id=instrument.id)
    return instrument


def instrument_read(instrument: Instrument) -> InstrumentRead:
    """An instrument for the API."""
    return InstrumentRead(municipality=instrument.municipality_code,
                          **instrument.model_dump(exclude={"municipality_code"}))

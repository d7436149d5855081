"""A fund's own work: its criteria, calls, suggested initiatives, answers and grants."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import false, func, or_
from sqlmodel import Session, select

from core import dutch, nl
from core.errors import NotFound, ValidationFailed, refuse_nulls
from core.permissions import Actor, covers, scoped
from core.provinces import is_province
from core.vocabulary import get_vocabulary
from db.models import (
    Fund,
    FundCall,
    Grant,
    Initiative,
    Match,
    Municipality,
    Need,
)
from db.types import utcnow
from services.brokerage import service as brokerage
from services.municipalities import service as municipalities
from services.outbox import service as outbox
from services.resources.schemas import CallUpdate, FundUpdate, GrantCreate
from services.worker.queues import TaskName

ANSWERS = ("interested", "not_a_fit")


def check_regions(session: Session, regions: list[str]) -> None:
    """Every province and municipality code must be on the list (Dutch 422 otherwise)."""
    for code in regions:
        if code.startswith("PV") and not is_province(code):
            raise ValidationFailed({"regions": f"onbekende provincie {code}"})
        if code.startswith("GM") and municipalities.get(session, code) is None:
            raise ValidationFailed({"regions": f"onbekende gemeente {code}"})


def fund_text(fund: Fund) -> str:
    """The words a fund is found by."""
    vocab = get_vocabulary()
    words = [fund.name, fund.description]
    words += [vocab.label("themes", t) or "" for t in fund.themes]
    words += [vocab.label("support_needs", k) or "" for k in fund.need_kinds]
    return dutch.normalise(" ".join(words))


def _rematch(session: Session, fund: Fund) -> None:
    outbox.enqueue(session, TaskName.REMATCH_FOR_RESOURCE, kind="fund", resource_id=fund.id)


def own_fund(session: Session, actor: Actor) -> Fund | None:
    """The first fund the actor may update (a fund user's own fund)."""
    stmt = scoped(select(Fund).order_by(Fund.id), actor, "fund.update", Fund)
    return session.exec(stmt.limit(1)).first()


def get(session: Session, actor: Actor, fund_id: int, action: str) -> Fund:
    """A fund within the actor's scope for action, else NotFound."""
    fund = session.get(Fund, fund_id)
    if fund is None or not covers(actor, action, fund):
        raise NotFound(f"Fonds {fund_id} bestaat niet.")
    return fund


def list_funds(session: Session, actor: Actor, *, limit: int = 20,
               cursor: str | None = None) -> tuple[list[Fund], str | None]:
    """A page of the funds the actor may see, by id, and the next page's cursor."""
    stmt = scoped(select(Fund).order_by(Fund.id), actor, "fund.list", Fund)
    if cursor:
        stmt = stmt.where(Fund.id > _after(cursor))
    rows = list(session.exec(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_cursor(rows[-1].id) if more else None)


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([last_id]).encode()).decode().rstrip("=")


def _after(cursor: str) -> int:
    try:
        key = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed({"cursor": "ongeldige cursor"}) from None
    if not (isinstance(key, list) and len(key) == 1 and type(key[0]) is int
            and 1 <= key[0] <= 2**31):
        raise ValidationFailed({"cursor": "ongeldige cursor"})
    return key[0]


def update_fund(session: Session, actor: Actor, fund_id: int, data: FundUpdate) -> Fund:
    """Change a fund's profile and criteria; the matches follow."""
    fund = get(session, actor, fund_id, "fund.update")
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("name", "description", "themes", "life_groups", "regions",
                          "need_kinds", "legal_forms", "phases", "min_amount_eur",
                          "max_amount_eur"))
    if "regions" in values:
        check_regions(session, values["regions"])
    low = values.get("min_amount_eur", fund.min_amount_eur)
    high = values.get("max_amount_eur", fund.max_amount_eur)
    if high < low:
        raise ValidationFailed({"max_amount_eur": "het maximum is lager dan het minimum"})
    for key, value in values.items():
        setattr(fund, key, value)
    fund.search_text = fund_text(fund)
    fund.updated_at = utcnow()
    session.add(fund)
    session.flush()
    _rematch(session, fund)
    return fund


def calls_of(session: Session, fund: Fund) -> list[FundCall]:
    """A fund's calls, newest first."""
    return list(session.exec(select(FundCall).where(FundCall.fund_id == fund.id)
                             .order_by(FundCall.opens_on.desc(), FundCall.id.desc())))


def get_call(session: Session, actor: Actor, fund_id: int, call_id: int,
             action: str = "fund.read") -> tuple[Fund, FundCall]:
    """A call of a fund in the actor's scope, else NotFound."""
    fund = get(session, actor, fund_id, action)
    call = session.get(FundCall, call_id)
    if call is None or call.fund_id != fund.id:
        raise NotFound(f"Oproep {call_id} bestaat niet.")
    return fund, call


def is_open(call: FundCall, today: date | None = None) -> bool:
    """Whether today falls within the call's window."""
    today = today or date.today()
    return call.opens_on <= today <= call.closes_on


def _check_call(call: FundCall) -> None:
    if call.closes_on < call.opens_on:
        raise ValidationFailed({"closes_on": "de sluitingsdatum ligt voor de openingsdatum"})
    if call.max_grant_eur is not None and call.max_grant_eur > call.budget_eur:
        raise ValidationFailed({"max_grant_eur": "hoger dan het budget van de oproep"})
    if call.budget_eur < call.granted_eur:
        raise ValidationFailed({"budget_eur": "lager dan wat al is toegekend"})


def update_call(session: Session, actor: Actor, fund_id: int, call_id: int,
                data: CallUpdate) -> FundCall:
    """Change a call's title, budget, window or maximum grant."""
    fund, call = get_call(session, actor, fund_id, call_id, "fund.update")
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("title", "budget_eur", "opens_on", "closes_on"))
    for key, value in values.items():
        setattr(call, key, value)
    _check_call(call)
    session.add(call)
    session.flush()
    _rematch(session, fund)
    return call


def open_or_close(session: Session, actor: Actor, fund_id: int, call_id: int, *,
                  open_now: bool, today: date | None = None) -> FundCall:
    """Open a call today (for at least a month), or close it as of yesterday."""
    today = today or date.today()
    fund, call = get_call(session, actor, fund_id, call_id, "fund.update")
    if open_now:
        call.opens_on = min(call.opens_on, today)
        call.closes_on = max(call.closes_on, today + timedelta(days=30))
    else:
        call.closes_on = today - timedelta(days=1)
        call.opens_on = min(call.opens_on, call.closes_on)
    session.add(call)
    session.flush()
    _rematch(session, fund)
    return call


@dataclass
class Suggestion:
    """A suggested initiative for a call: the match, its need and initiative."""

    match: Match
    need: Need
    initiative: Initiative


def suggestions(session: Session, fund: Fund, call: FundCall) -> list[Suggestion]:
    """The engine's suggestions for this call (or for the fund without a call), best first."""
    rows = session.exec(
        select(Match, Need, Initiative).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Match.resource_kind == "fund", Match.resource_id == fund.id,
               or_(Match.call_id == call.id, Match.call_id.is_(None)))
        .order_by(Match.score.desc(), Match.id)).all()
    return [Suggestion(m, n, i) for m, n, i in rows]


def answer(session: Session, actor: Actor, fund_id: int, call_id: int, match_id: int,
           response: str) -> Match:
    """The fund's "interesse" or "past niet"; "past niet" rejects a still-open suggestion."""
    if response not in ANSWERS:
        raise ValidationFailed({"response": "kies interesse of past niet"})
    fund, call = get_call(session, actor, fund_id, call_id, "fund.update")
    match = session.get(Match, match_id)
    if match is None or match.resource_kind != "fund" or match.resource_id != fund.id \
            or match.call_id not in (None, call.id):
        raise NotFound(f"Voorstel {match_id} bestaat niet.")
    if response == "not_a_fit" and match.status == brokerage.MatchStatus.PROPOSED:
        brokerage.transition(match, brokerage.MatchStatus.REJECTED, by=actor.user_id,
                             reason="fund_not_a_fit")
    match.resource_response, match.resource_response_at = response, utcnow()
    session.add(match)
    session.flush()
    return match


def record_grant(session: Session, actor: Actor, fund_id: int, call_id: int,
                 data: GrantCreate) -> Grant:
    """Award money from a call; the remaining budget goes down by the amount."""
    fund, call = get_call(session, actor, fund_id, call_id, "grant.create")
    # Two grants at once must not both fit in the same remaining budget.
    call = session.exec(select(FundCall).where(FundCall.id == call.id)
                        .with_for_update()).one()
    initiative = session.get(Initiative, data.initiative_id)
    if initiative is None:
        raise ValidationFailed({"initiative_id": "dit initiatief bestaat niet"})
    if data.need_id is not None:
        need = session.get(Need, data.need_id)
        if need is None or need.initiative_id != initiative.id:
            raise ValidationFailed({"need_id": "deze hulpvraag hoort niet bij het initiatief"})
    remaining = call.budget_eur - call.granted_eur
    if data.amount_eur > remaining:
        raise ValidationFailed({"amount_eur": "hoger dan het resterende budget van de oproep "
                                              f"({nl.euro(remaining)})"})
    if call.max_grant_eur is not None and data.amount_eur > call.max_grant_eur:
        raise ValidationFailed({"amount_eur": "hoger dan de maximale toekenning van de oproep "
                                              f"({nl.euro(call.max_grant_eur)})"})
    grant = Grant(**data.model_dump(), call_id=call.id, fund_id=fund.id,
                  by_user_id=actor.user_id or None)
    call.granted_eur += data.amount_eur
    session.add_all([grant, call])
    session.flush()
    _rematch(session, fund)
    return grant


def grants_of_call(session: Session, call: FundCall) -> list[tuple[Grant, Initiative]]:
    """The grants of a call, newest first, with their initiative."""
    return list(session.exec(
        select(Grant, Initiative).join(Initiative, Initiative.id == Grant.initiative_id)
        .where(Grant.call_id == call.id).order_by(Grant.awarded_on.desc(), Grant.id.desc())))


def grants_of_initiative(session: Session, initiative_id: int) -> list[tuple[Grant, Fund]]:
    """The grants an initiative received, newest first, with the fund."""
    return list(session.exec(
        select(Grant, Fund).join(Fund, Fund.id == Grant.fund_id)
        .where(Grant.initiative_id == initiative_id)
        .order_by(Grant.awarded_on.desc(), Grant.id.desc())))


def fitting_needs(session: Session, fund: Fund) -> int:
    """How many published, open money needs fit the fund's criteria (empty: no restriction).

    The rules the matching engine holds to; themes and groups only order its suggestions."""
    money = [i["code"] for i in get_vocabulary().items("support_needs")
             if "fund" in i.get("matches", [])]
    kinds = [k for k in fund.need_kinds if k in money] if fund.need_kinds else money
    stmt = select(func.count(Need.id)).join(Initiative, Initiative.id == Need.initiative_id) \
        .where(Initiative.published.is_(True), Need.status == "open",
               Need.visibility == "public", Need.kind.in_(kinds or [""]))
    if fund.regions and "NL" not in fund.regions:
        towns = [r for r in fund.regions if r.startswith("GM")]
        provinces = [r for r in fund.regions if r.startswith("PV")]
        in_province = select(Municipality.code).where(Municipality.province_code.in_(
            provinces)) if provinces else None
        stmt = stmt.where(or_(Initiative.municipality_code.in_(towns) if towns else false(),
                              Initiative.municipality_code.in_(in_province)
                              if in_province is not None else false()))
    if fund.legal_forms:
        stmt = stmt.where(Initiative.legal_form.in_(fund.legal_forms))
    if fund.phases:
        stmt = stmt.where(Initiative.phase.in_(fund.phases))
    low, high = fund.min_amount_eur, fund.max_amount_eur
    if low or high:
        within = Need.amount_eur >= low
        if high:
            within &= Need.amount_eur <= high
        # A need without an amount fits only a fund without a minimum (as in matching).
        stmt = stmt.where(or_(Need.amount_eur.is_(None) if not low else false(), within))
    return session.exec(stmt).one()

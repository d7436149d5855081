"""Initiative domain logic: create, change and delete profiles with their needs and offers.

Services flush but never commit: the calling unit of work owns the transaction.
"""

import logging
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from core import geo
from core.errors import Conflict, NotFound, ValidationFailed, refuse_nulls
from core.permissions import SYSTEM, Actor, Scope, allows, covers
from core.vocabulary import get_vocabulary
from db.models import Initiative, InitiativeLabel, Need, Offer, Organisation
from db.types import utcnow
from services.initiatives import documents, needs_board, queries
from services.initiatives.board_schemas import NeedBoardItem, NeedBoardQuery
from services.initiatives.documents import need_text as need_text  # the words matching reads
from services.initiatives.documents import on_board as on_board  # the board's one rule
from services.initiatives.schemas import (
    InitiativeCreate,
    InitiativeQuery,
    InitiativeUpdate,
    NeedCreate,
    NeedUpdate,
    OfferCreate,
    OfferUpdate,
)
from services.municipalities import service as municipalities
from services.outbox import service as outbox
from services.worker.queues import TaskName

log = logging.getLogger(__name__)

MULTI_LENSES = ("themes", "life_groups", "funding_sources")
# Profile columns copied one-to-one from the request schema.
SCALAR_FIELDS = (
    "name", "scope", "description", "pc4", "website", "actor_type", "actor_subtype",
    "added_value", "added_value_subtype", "transformation_role", "government_relation", "phase",
    "threshold", "initiator_kind", "target_focus", "size_volunteers", "size_professionals",
    "size_people_helped", "legal_form", "revenue_now", "revenue_in_two_years", "founding_year",
    "contact_name", "contact_email", "published", "last_verified_on",
)


def get(session: Session, initiative_id: int) -> Initiative:
    """An initiative with its labels, needs and offers loaded, or NotFound."""
    stmt = (
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            selectinload(Initiative.municipality),
            selectinload(Initiative.labels),
            selectinload(Initiative.needs),
            selectinload(Initiative.offers),
        )
    )
    initiative = session.exec(stmt).first()
    if initiative is None:
        raise NotFound(f"Initiatief {initiative_id} bestaat niet.")
    return initiative


def get_visible(session: Session, actor: Actor | None, initiative_id: int) -> Initiative:
    """An initiative the actor may see: published (to anyone allowed to read profiles at all),
    or within their scope. Else NotFound."""
    initiative = get(session, initiative_id)
    if not (covers(actor, "initiative.read", initiative)
            or (initiative.published and allows(actor, "initiative.read"))):
        raise NotFound(f"Initiatief {initiative_id} bestaat niet.")
    return initiative


def get_editable(session: Session, actor: Actor, initiative_id: int,
                 action: str = "initiative.update") -> Initiative:
    """An initiative the actor may change; others answer NotFound, never Forbidden."""
    initiative = get(session, initiative_id)
    if not covers(actor, action, initiative):
        raise NotFound(f"Initiatief {initiative_id} bestaat niet.")
    return initiative


def create(session: Session, data: InitiativeCreate, actor: Actor = SYSTEM) -> Initiative:
    """Create an initiative with its needs and offers; all or nothing."""
    errors: dict[str, str] = {}
    scope = actor.scope("initiative.create")
    organisation = None
    if scope == Scope.MUNICIPALITY and data.municipality != actor.municipality_code:
        errors["municipality"] = "u kunt alleen initiatieven in uw eigen gemeente aanmaken"
    if scope == Scope.ORGANISATION:
        organisation = session.get(Organisation, actor.organisation_id)
        if organisation is None or organisation.initiative_id is not None:
            raise Conflict("Uw organisatie heeft al een initiatief; pas dat profiel aan.")
    for i, need in enumerate(data.needs):
        errors |= _need_errors(need.kind, need.model_dump(), prefix=f"needs.{i}.")
    values = data.model_dump(exclude={"needs", "offers"})
    initiative = Initiative(name=data.name, sort_name="", scope=data.scope)
    _apply_profile(session, initiative, values, errors)
    for need in data.needs:
        initiative.needs.append(Need(**need.model_dump()))
    for offer in data.offers:
        initiative.offers.append(Offer(**offer.model_dump()))
    session.add(initiative)
    session.flush()
    if organisation is not None:
        organisation.initiative_id = initiative.id
    _after_change(session, initiative)
    return initiative


def update(session: Session, initiative_id: int, data: InitiativeUpdate,
           actor: Actor = SYSTEM) -> Initiative:
    """Change the fields sent in data; null clears an optional field."""
    initiative = get_editable(session, actor, initiative_id)
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("name", "scope"))
    if (actor.scope("initiative.update") == Scope.MUNICIPALITY and "municipality" in values
            and values["municipality"] != actor.municipality_code):
        raise ValidationFailed({"municipality": "alleen uw eigen gemeente"})
    merged = _current_values(initiative) | values
    _apply_profile(session, initiative, merged, {})
    initiative.updated_at = utcnow()
    session.flush()
    _after_change(session, initiative)
    return initiative


def delete(session: Session, initiative_id: int, actor: Actor = SYSTEM) -> None:
    """Delete an initiative with its needs and offers."""
    initiative = get_editable(session, actor, initiative_id, "initiative.delete")
    session.delete(initiative)
    session.flush()


def add_need(session: Session, initiative_id: int, data: NeedCreate,
             actor: Actor = SYSTEM) -> Need:
    """Add a need to an initiative."""
    initiative = get_editable(session, actor, initiative_id)
    errors = _need_errors(data.kind, data.model_dump())
    if errors:
        raise ValidationFailed(errors)
    need = Need(**data.model_dump())
    initiative.needs.append(need)
    session.flush()
    _after_change(session, initiative)
    return need


def _part(session: Session, model: type[Need] | type[Offer], initiative_id: int, part_id: int,
          what: str) -> Need | Offer:
    """A need or offer of this initiative, or NotFound."""
    part = session.get(model, part_id)
    if part is None or part.initiative_id != initiative_id:
        raise NotFound(f"{what} {part_id} bestaat niet bij initiatief {initiative_id}.")
    return part


def get_need(session: Session, initiative_id: int, need_id: int) -> Need:
    """One need of an initiative, or NotFound."""
    return _part(session, Need, initiative_id, need_id, "Behoefte")


def readable_needs(actor: Actor | None, initiative: Initiative) -> list[Need]:
    """The needs this reader may see: brokers-only needs only for those who may."""
    if covers(actor, "need.private", initiative):
        return list(initiative.needs)
    return [need for need in initiative.needs if need.visibility == documents.PUBLIC]


def get_readable_need(session: Session, actor: Actor | None, initiative_id: int,
                      need_id: int) -> Need:
    """One need the reader may see, else NotFound (a brokers-only need is not there for them)."""
    initiative = get_visible(session, actor, initiative_id)
    need = get_need(session, initiative_id, need_id)
    if need not in readable_needs(actor, initiative):
        raise NotFound(f"Behoefte {need_id} bestaat niet bij initiatief {initiative_id}.")
    return need


def update_need(session: Session, initiative_id: int, need_id: int, data: NeedUpdate,
                actor: Actor = SYSTEM) -> Need:
    """Change the fields sent for a need."""
    initiative = get_editable(session, actor, initiative_id)
    need = get_need(session, initiative_id, need_id)
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("kind", "title", "status"))
    merged = {k: getattr(need, k) for k in ("kind", "amount_eur", "hours_per_week", "skills")}
    merged |= values
    errors = _need_errors(merged["kind"], merged)
    if errors:
        raise ValidationFailed(errors)
    for key, value in values.items():
        setattr(need, key, list(value or []) if key in ("skills", "availability") else value)
    need.updated_at = utcnow()
    session.flush()
    if values.get("status") == "fulfilled":
        # Brokerage answers "Is de hulp gelukt?" for the need's active matches.
        outbox.enqueue(session, TaskName.NEED_CLOSED, need_id=need.id)
    _after_change(session, initiative)
    return need


def delete_need(session: Session, initiative_id: int, need_id: int,
                actor: Actor = SYSTEM) -> None:
    """Remove a need."""
    initiative = get_editable(session, actor, initiative_id)
    _remove(session, initiative, initiative.needs, get_need(session, initiative_id, need_id))


def add_offer(session: Session, initiative_id: int, data: OfferCreate,
              actor: Actor = SYSTEM) -> Offer:
    """Add an offer to an initiative."""
    initiative = get_editable(session, actor, initiative_id)
    offer = Offer(**data.model_dump())
    initiative.offers.append(offer)
    session.flush()
    _after_change(session, initiative)
    return offer


def get_offer(session: Session, initiative_id: int, offer_id: int) -> Offer:
    """One offer of an initiative, or NotFound."""
    return _part(session, Offer, initiative_id, offer_id, "Aanbod")


def update_offer(session: Session, initiative_id: int, offer_id: int, data: OfferUpdate,
                 actor: Actor = SYSTEM) -> Offer:
    """Change the fields sent for an offer."""
    initiative = get_editable(session, actor, initiative_id)
    offer = get_offer(session, initiative_id, offer_id)
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("kind", "capacity", "no_paid_work_replaced"))
    for key, value in values.items():
        setattr(offer, key, value)
    offer.updated_at = utcnow()
    session.flush()
    _after_change(session, initiative)
    return offer


def delete_offer(session: Session, initiative_id: int, offer_id: int,
                 actor: Actor = SYSTEM) -> None:
    """Remove an offer."""
    initiative = get_editable(session, actor, initiative_id)
    _remove(session, initiative, initiative.offers, get_offer(session, initiative_id, offer_id))


def _remove(session: Session, initiative: Initiative, parts: list, part: Need | Offer) -> None:
    parts.remove(part)  # delete-orphan removes the row
    session.flush()
    _after_change(session, initiative)


def refresh_profile(session: Session, initiative: Initiative) -> None:
    """Recompute the search document and the profile-completeness score."""
    initiative.search_text = documents.search_document(initiative)
    initiative.completeness = documents.completeness(initiative)
    initiative.profile_refreshed_at = utcnow()
    session.flush()


def _after_change(session: Session, initiative: Initiative) -> None:
    # The search document is written in the same transaction so a search right after a write
    # finds it; the worker recomputes it with the completeness score as a safety net.
    initiative.search_text = documents.search_document(initiative)
    session.flush()
    outbox.enqueue(session, TaskName.REFRESH_PROFILE, initiative_id=initiative.id)
    need_ids = [need.id for need in initiative.needs]
    if need_ids:
        outbox.enqueue(session, TaskName.REMATCH_NEEDS, need_ids=need_ids)


def _current_values(initiative: Initiative) -> dict[str, Any]:
    values = {field: getattr(initiative, field) for field in SCALAR_FIELDS}
    values["municipality"] = initiative.municipality_code
    for lens in MULTI_LENSES:
        values[lens] = initiative.codes(lens)
    return values


def _apply_profile(
    session: Session, initiative: Initiative, values: dict[str, Any], errors: dict[str, str]
) -> None:
    """Validate the combined profile and write it onto initiative, or raise ValidationFailed."""
    errors = errors | _profile_errors(session, values)
    if errors:
        raise ValidationFailed(errors)
    for field in SCALAR_FIELDS:
        value = values.get(field)
        setattr(initiative, field, str(value) if field == "website" and value else value)
    initiative.sort_name = documents.sort_key(initiative.name)
    initiative.municipality_code = values.get("municipality")
    initiative.municipality = (
        municipalities.get(session, initiative.municipality_code)
        if initiative.municipality_code else None
    )
    postcode = geo.lookup(values["pc4"]) if values.get("pc4") else None
    initiative.latitude = postcode.latitude if postcode else None
    initiative.longitude = postcode.longitude if postcode else None
    wanted = {
        (lens, code): position
        for lens in MULTI_LENSES
        for position, code in enumerate(dict.fromkeys(values.get(lens) or []))
    }
    for label in list(initiative.labels):
        if (label.lens, label.code) not in wanted:
            initiative.labels.remove(label)
        else:
            label.position = wanted.pop((label.lens, label.code))
    for (lens, code), position in wanted.items():
        initiative.labels.append(InitiativeLabel(lens=lens, code=code, position=position))


def _profile_errors(session: Session, values: dict[str, Any]) -> dict[str, str]:
    vocab = get_vocabulary()
    errors: dict[str, str] = {}
    for parent, child, lens in (
        ("actor_type", "actor_subtype", "actor_types"),
        ("added_value", "added_value_subtype", "added_value"),
    ):
        sub = values.get(child)
        if sub is None:
            continue
        if values.get(parent) is None:
            errors[child] = f"kies eerst {parent} voordat u een subtype opgeeft"
        elif sub not in vocab.subtype_codes(lens, values[parent]):
            errors[child] = f"onbekend subtype '{sub}' bij '{values[parent]}'"
    code = values.get("municipality")
    if code is not None and municipalities.get(session, code) is None:
        errors["municipality"] = f"onbekende gemeente {code}"
    if values.get("scope") in ("local", "regional") and code is None:
        errors["municipality"] = "een lokaal of regionaal initiatief hoort bij een gemeente"
    return errors


def _need_errors(kind: str, values: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Check that money fields go with money kinds and hours or skills with people kinds."""
    matches = set(get_vocabulary().item("support_needs", kind).get("matches", []))
    label = get_vocabulary().label("support_needs", kind)
    errors: dict[str, str] = {}
    money = "fund" in matches or kind == "other"
    people = "volunteer" in matches or kind == "other"
    if values.get("amount_eur") is not None and not money:
        errors[prefix + "amount_eur"] = f"een bedrag past niet bij een behoefte '{label}'"
    if values.get("hours_per_week") is not None and not people:
        errors[prefix + "hours_per_week"] = f"uren passen niet bij een behoefte '{label}'"
    if values.get("skills") and not people:
        errors[prefix + "skills"] = f"vaardigheden passen niet bij een behoefte '{label}'"
    return errors


def board_need(session: Session, need_id: int) -> Need:
    """A need that stands on the public board, with its initiative loaded; NotFound otherwise."""
    need = session.exec(select(Need).join(Initiative, Initiative.id == Need.initiative_id)
                        .where(Need.id == need_id, *on_board())
                        .options(selectinload(Need.initiative))).first()
    if need is None:
        raise NotFound(f"Hulpvraag {need_id} bestaat niet of staat niet meer open.")
    return need


# --- Saved searches: the list queries a digest replays, reached through this module ----------
# At most this many new items per digest: more is a sign the search is too wide.
DIGEST_ITEMS = 100


def newest_id(session: Session, kind: str) -> int:
    """The highest initiative ("initiatives") or need ("needs") id so far; 0 when none."""
    model = Initiative if kind == "initiatives" else Need
    return session.exec(select(func.max(model.id))).one() or 0


def check_query(session: Session, kind: str, query: InitiativeQuery | NeedBoardQuery) -> None:
    """Run a saved query once, so what only the query itself refuses (a radius without a
    postcode) is refused when the search is saved."""
    one = query.model_copy(update={"limit": 1, "cursor": None})
    if kind == "initiatives":
        queries.list_initiatives(session, one)
    else:
        needs_board.list_needs(session, one)


def new_initiatives(session: Session, query: InitiativeQuery,
                    after_id: int) -> list[Initiative]:
    """Published initiatives matching query with an id above after_id, newest first."""
    page_query = query.model_copy(update={"limit": 100, "cursor": None})
    found: list[Initiative] = []
    while len(found) < DIGEST_ITEMS:
        page = queries.list_initiatives(session, page_query, after_id=after_id)
        found += [hit.initiative for hit in page.hits]
        if not page.next_cursor:
            break
        page_query = page_query.model_copy(update={"cursor": page.next_cursor})
    return sorted(found, key=lambda i: i.id, reverse=True)[:DIGEST_ITEMS]


def new_needs(session: Session, query: NeedBoardQuery, after_id: int) -> list[NeedBoardItem]:
    """Board needs matching query with an id above after_id, newest first."""
    page_query = query.model_copy(update={"limit": 100, "cursor": None, "sort": "newest"})
    found: list[NeedBoardItem] = []
    while len(found) < DIGEST_ITEMS:
        page = needs_board.list_needs(session, page_query)
        fresh = [item for item in page.items if item.id > after_id]
        found += fresh
        if len(fresh) < len(page.items) or not page.next_cursor:
            break
        page_query = page_query.model_copy(update={"cursor": page.next_cursor})
    return found[:DIGEST_ITEMS]

"""Turn initiative rows into response schemas (Dutch labels included)."""

from core import geo
from core.vocabulary import get_vocabulary
from db.models import Initiative, Need, Offer
from services.initiatives import documents
from services.initiatives.documents import PUBLIC
from services.initiatives.schemas import (
    InitiativeRead,
    InitiativeSummary,
    NeedRead,
    OfferRead,
)


def need_read(need: Need) -> NeedRead:
    """A need for clients."""
    vocab = get_vocabulary()
    return NeedRead(
        id=need.id,
        initiative_id=need.initiative_id,
        kind=need.kind,
        kind_label=vocab.label("support_needs", need.kind),
        title=need.title,
        description=need.description,
        amount_eur=need.amount_eur,
        hours_per_week=need.hours_per_week,
        skills=list(need.skills),
        availability=list(need.availability),
        needed_by=need.needed_by,
        status=need.status,
        status_label=vocab.label("need_statuses", need.status),
        visibility=need.visibility,
        created_at=need.created_at,
        updated_at=need.updated_at,
    )


def offer_read(offer: Offer) -> OfferRead:
    """An offer for clients."""
    return OfferRead(
        id=offer.id,
        initiative_id=offer.initiative_id,
        kind=offer.kind,
        kind_label=documents.offer_kind_label(offer.kind),
        description=offer.description,
        capacity=offer.capacity,
        no_paid_work_replaced=offer.no_paid_work_replaced,
    )


def _place(initiative: Initiative) -> str | None:
    postcode = geo.lookup(initiative.pc4) if initiative.pc4 else None
    return postcode.place if postcode else None


def public_needs(initiative: Initiative) -> list[Need]:
    """The needs anyone may read (not those kept for brokers, such as a resident's)."""
    return [need for need in initiative.needs if need.visibility == PUBLIC]


def initiative_read(initiative: Initiative, *, show_contact: bool = True,
                    show_private: bool = False) -> InitiativeRead:
    """A full profile; contact data and brokers-only needs only for those who may see them."""
    derived = ("needs", "offers", "municipality", "labels")
    fields = {name: getattr(initiative, name) for name in InitiativeRead.model_fields
              if hasattr(Initiative, name) and name not in derived}
    for lens in documents.LIST_LENS_FIELDS:
        fields[lens] = initiative.codes(lens)
    if not show_contact:
        fields["contact_name"] = fields["contact_email"] = None
    return InitiativeRead(
        **fields,
        municipality=initiative.municipality_code,
        municipality_name=initiative.municipality.name if initiative.municipality else None,
        place=_place(initiative),
        labels=documents.profile_labels(initiative),
        needs=[need_read(n) for n in (initiative.needs if show_private
                                      else public_needs(initiative))],
        offers=[offer_read(o) for o in initiative.offers],
    )


def initiative_summary(
    initiative: Initiative, *, distance_km: float | None = None, score: float | None = None
) -> InitiativeSummary:
    """A list row for clients."""
    vocab = get_vocabulary()
    themes = initiative.codes("themes")
    return InitiativeSummary(
        id=initiative.id,
        name=initiative.name,
        scope=initiative.scope,
        municipality=initiative.municipality_code,
        municipality_name=initiative.municipality.name if initiative.municipality else None,
        pc4=initiative.pc4,
        place=_place(initiative),
        themes=themes,
        theme_labels=[vocab.label("themes", t) for t in themes],
        phase=initiative.phase,
        needs=[need_read(n) for n in public_needs(initiative)],
        distance_km=distance_km,
        score=None if score is None else round(score, 6),
    )

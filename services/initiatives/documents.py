"""Derived views of a profile: Dutch labels, the search document, completeness, sort key."""

from core import dutch, geo
from core.vocabulary import get_vocabulary
from db.models import Initiative, Need, Offer

PUBLIC = "public"
# Single-valued lens fields and the vocabulary lens that labels them.
LENS_FIELDS = {
    "scope": "scopes",
    "actor_type": "actor_types",
    "added_value": "added_value",
    "transformation_role": "transformation_role",
    "government_relation": "government_relation",
    "phase": "phases",
    "threshold": "thresholds",
    "initiator_kind": "initiator_kinds",
    "target_focus": "target_focus",
    "legal_form": "legal_forms",
}
LIST_LENS_FIELDS = {
    "themes": "themes",
    "life_groups": "life_groups",
    "funding_sources": "funding_sources",
}
SUBTYPE_FIELDS = {
    "actor_subtype": ("actor_types", "actor_type"),
    "added_value_subtype": ("added_value", "added_value"),
}
# The intake-list fields that make a profile complete (1.3 of the publication).
COMPLETENESS_FIELDS = (
    "description", "pc4", "website", "actor_type", "added_value", "transformation_role",
    "government_relation", "phase", "threshold", "initiator_kind", "target_focus",
    "size_volunteers", "size_professionals", "size_people_helped", "legal_form", "revenue_now",
    "revenue_in_two_years", "founding_year", "contact_name", "contact_email",
)


def offer_kind_label(kind: str) -> str:
    """Dutch label of an offer kind (an informal help task or a participation place)."""
    vocab = get_vocabulary()
    if kind in vocab.codes("informal_help_tasks"):
        return vocab.label("informal_help_tasks", kind)
    return vocab.label("offer_kinds_extra", kind)


def profile_labels(initiative: Initiative) -> dict[str, str | list[str] | None]:
    """Dutch labels of every lens code on the profile, keyed like the code fields."""
    vocab = get_vocabulary()
    labels: dict[str, str | list[str] | None] = {}
    for field, lens in LENS_FIELDS.items():
        labels[field] = vocab.label(lens, getattr(initiative, field))
    for field, (lens, parent) in SUBTYPE_FIELDS.items():
        labels[field] = vocab.subtype_label(lens, getattr(initiative, parent),
                                            getattr(initiative, field))
    for field, lens in LIST_LENS_FIELDS.items():
        labels[field] = [vocab.label(lens, code) for code in initiative.codes(field)]
    return labels


def need_text(need: Need) -> list[str]:
    """The words of a need that searching and matching read."""
    vocab = get_vocabulary()
    parts = [need.title, need.description, vocab.label("support_needs", need.kind)]
    parts += [vocab.label("skills", skill) for skill in need.skills]
    return parts


def offer_text(offer: Offer) -> list[str]:
    """The words of an offer that searching reads."""
    return [offer_kind_label(offer.kind), offer.description]


def search_document(initiative: Initiative) -> str:
    """The normalised Dutch text indexed for full-text search."""
    parts: list[str | None] = [initiative.name, initiative.description]
    postcode = geo.lookup(initiative.pc4) if initiative.pc4 else None
    if postcode:
        parts.append(postcode.place)
    if initiative.municipality:
        parts.append(initiative.municipality.name)
    for value in profile_labels(initiative).values():
        if isinstance(value, list):
            parts += value
        else:
            parts.append(value)
    for need in initiative.needs:
        if need.visibility == PUBLIC:  # what brokers keep to themselves is not searchable
            parts += need_text(need)
    for offer in initiative.offers:
        parts += offer_text(offer)
    return dutch.normalise(" ".join(p for p in parts if p))


def completeness(initiative: Initiative) -> float:
    """Share of the intake-list fields that are filled in, 0.0 to 1.0."""
    filled = sum(1 for field in COMPLETENESS_FIELDS if getattr(initiative, field) not in
                 (None, ""))
    filled += sum(1 for field in LIST_LENS_FIELDS if initiative.codes(field))
    filled += 1 if initiative.needs else 0
    total = len(COMPLETENESS_FIELDS) + len(LIST_LENS_FIELDS) + 1
    return round(filled / total, 3)


def sort_key(name: str) -> str:
    """A name folded for sorting the same on every database."""
    return " ".join(dutch.fold(name.lower()).split())[:200]


# Board (D): what a need must be to stand on the public board of needs, in one place.
def on_board() -> list:
    """SQL conditions (over Need joined with Initiative) for a need on the public board."""
    return [Need.visibility == PUBLIC, Need.status == "open", Initiative.published.is_(True)]

"""Saved searches: save, list, change and delete one's own, and read them back in Dutch.

Services flush but never commit: the calling unit of work owns the transaction.
"""

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, select

from core import nl
from core.config import get_settings
from core.errors import NotFound, ValidationFailed, validation_fields
from core.fields import MAX_ID
from core.permissions import Actor, scoped
from db.models import SavedSearch
from db.types import utcnow
from services.initiatives import service as initiatives
from services.municipalities import service as municipalities
from services.searches.schemas import (
    SavedSearchCreate,
    SavedSearchListQuery,
    SavedSearchRead,
)

# Paging and cursors belong to one visit of a list, not to a saved search.
NOT_SAVED = ("limit", "cursor")
LENSES = {"theme": ("Thema", "themes"), "life_group": ("Levensdomein", "life_groups"),
          "actor_type": ("Wie zit erachter", "actor_types"), "phase": ("Fase", "phases"),
          "skill": ("Vaardigheid", "skills")}
NEED_KIND_TITLE = {"initiatives": "Zoekt ondersteuning bij", "needs": "Soort hulp"}
EVERYTHING = {"initiatives": "Alle initiatieven", "needs": "Alle hulpvragen"}
KIND_LABELS = {"initiatives": "Initiatieven", "needs": "Hulpvragen"}
FREQUENCY_LABELS = {"daily": "Dagelijks", "weekly": "Wekelijks"}


def query_for(kind: str, filters: dict) -> BaseModel:
    """The list endpoint's query built from saved filters; 422 naming `filters.<field>`."""
    model = initiatives.InitiativeQuery if kind == "initiatives" else initiatives.NeedBoardQuery
    given = {k: v for k, v in filters.items() if k not in NOT_SAVED and v not in (None, "")}
    try:
        # The web form posts text ("5" for a radius): read leniently, as the list pages do.
        return model.model_validate(given, strict=False)
    except ValidationError as exc:
        raise ValidationFailed({f"filters.{name}": reason for name, reason
                                in validation_fields(exc.errors()).items()}) from None


def _checked_filters(session: Session, kind: str, filters: dict) -> dict:
    query = query_for(kind, filters)
    try:
        initiatives.check_query(session, kind, query)
    except ValidationFailed as exc:
        raise ValidationFailed({f"filters.{name}": reason
                                for name, reason in (exc.fields or {}).items()}) from None
    return query.model_dump(exclude_defaults=True, exclude_none=True, exclude=set(NOT_SAVED))


def create(session: Session, actor: Actor, data: SavedSearchCreate) -> SavedSearch:
    """Save a search; only what appears after this moment goes into its digests."""
    search = SavedSearch(user_id=actor.user_id, name=data.name, kind=data.kind,
                         filters=_checked_filters(session, data.kind, data.filters),
                         frequency=data.frequency,
                         last_seen_id=initiatives.newest_id(session, data.kind))
    session.add(search)
    session.flush()
    return search


def list_own(session: Session, actor: Actor,
             query: SavedSearchListQuery) -> tuple[list[SavedSearch], str | None]:
    """The actor's saved searches, newest first, in keyset pages."""
    stmt = scoped(select(SavedSearch), actor, "search.save", SavedSearch)
    if query.cursor:
        if not query.cursor.isdigit() or not 1 <= int(query.cursor) <= MAX_ID:
            raise ValidationFailed({"cursor": "ongeldige cursor"})
        stmt = stmt.where(SavedSearch.id < int(query.cursor))
    rows = list(session.exec(stmt.order_by(SavedSearch.id.desc()).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, (str(rows[-1].id) if more else None)


def get_own(session: Session, actor: Actor, search_id: int) -> SavedSearch:
    """One of the actor's own saved searches; anyone else's answers NotFound."""
    stmt = scoped(select(SavedSearch).where(SavedSearch.id == search_id), actor,
                  "search.save", SavedSearch)
    search = session.exec(stmt).first()
    if search is None:
        raise NotFound(f"Zoekopdracht {search_id} bestaat niet.")
    return search


def set_frequency(session: Session, actor: Actor, search_id: int,
                  frequency: str) -> SavedSearch:
    """Daily or weekly; choosing again also takes back an unsubscribe."""
    search = get_own(session, actor, search_id)
    search.frequency = frequency
    search.unsubscribed_at = None
    session.flush()
    return search


def delete(session: Session, actor: Actor, search_id: int) -> None:
    """Delete one of the actor's saved searches."""
    session.delete(get_own(session, actor, search_id))
    session.flush()


def filter_labels(session: Session, kind: str, filters: dict) -> list[str]:
    """Each saved filter as a Dutch phrase (vocabulary labels, never codes)."""
    out = []
    if filters.get("q"):
        out.append(f"Zoekwoorden: „{filters['q']}”")
    if filters.get("need_kind"):
        out.append(f"{NEED_KIND_TITLE[kind]}: {nl.label('support_needs', filters['need_kind'])}")
    for name, (title, lens) in LENSES.items():
        if filters.get(name):
            out.append(f"{title}: {nl.label(lens, filters[name])}")
    if filters.get("municipality"):
        place = municipalities.get(session, filters["municipality"])
        out.append(f"Gemeente: {place.name if place else filters['municipality']}")
    if filters.get("pc4") and filters.get("radius_km"):
        out.append(f"Binnen {nl.number(filters['radius_km'], 1)} km van postcode "
                   f"{filters['pc4']}")
    elif filters.get("pc4"):
        out.append(f"Postcode {filters['pc4']}")
    if filters.get("sort") == "nearest":
        out.append("Dichtstbij eerst")
    return out or [EVERYTHING[kind]]


def read(session: Session, search: SavedSearch) -> SavedSearchRead:
    """A saved search as the API and the pages show it."""
    return SavedSearchRead(
        id=search.id, name=search.name, kind=search.kind, filters=search.filters,
        filter_labels=filter_labels(session, search.kind, search.filters),
        frequency=search.frequency, created_at=search.created_at,
        last_digest_at=search.last_digest_at, unsubscribed_at=search.unsubscribed_at)


# --- The unsubscribe link in a digest: signed, no login, no expiry (old mails keep working) ---
def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret_key.get_secret_value(),
                             salt="koppel-saved-search-unsubscribe")


def unsubscribe_token(search_id: int) -> str:
    """A signed token that stops the digests of one saved search."""
    return _signer().dumps({"s": search_id})


def search_for_token(session: Session, token: str) -> SavedSearch:
    """The saved search a valid token names; NotFound otherwise."""
    try:
        search_id = int(_signer().loads(token)["s"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("Deze link klopt niet.") from None
    search = session.get(SavedSearch, search_id)
    if search is None:
        raise NotFound("Deze zoekopdracht bestaat niet meer.")
    return search


def unsubscribe(session: Session, token: str) -> SavedSearch:
    """Stop the digests of the search a token names (again is fine)."""
    search = search_for_token(session, token)
    if search.unsubscribed_at is None:
        search.unsubscribed_at = utcnow()
        session.flush()
    return search



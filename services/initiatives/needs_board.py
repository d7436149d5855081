"""The public board of needs: open, public needs of published initiatives, filtered in SQL,
newest or nearest first, in keyset pages with a total."""

import math
from dataclasses import dataclass

from sqlalchemy import and_, case, cast, func, literal, or_
from sqlalchemy.orm import selectinload
from sqlalchemy.types import Float, Text
from sqlmodel import Session, select

from core import dutch, geo
from core.errors import ValidationFailed
from core.vocabulary import get_vocabulary
from db import fulltext
from db.models import Initiative, Need
from services.initiatives import documents, spelling
from services.initiatives.board_schemas import NeedBoardItem, NeedBoardPage, NeedBoardQuery
from services.initiatives.queries import decode_cursor, encode_cursor

# A PC4 alone asks for distances to every place in the country, not for a filter.
COUNTRY_KM = 400.0
# Normalised words per need version; a national board holds some tens of thousands of needs.
WORDS_KEPT = 100_000
_WORDS: dict[tuple, frozenset[str]] = {}
# Where needs without a located initiative go when sorting by distance: last.
FAR_KM = 100_000.0


@dataclass
class _Where:
    conditions: list
    distances: dict[str, float]


def _has_skill(skill: str):
    # Skills are a JSON list of codes; a quoted code is found the same way on both databases.
    pattern = '%"' + skill.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + '"%'
    return cast(Need.skills, Text).like(pattern, escape="\\")


def _filters(query: NeedBoardQuery) -> _Where:
    conditions = list(documents.on_board())
    if query.need_kind:
        conditions.append(Need.kind == query.need_kind)
    if query.skill:
        conditions.append(_has_skill(query.skill))
    if query.municipality:
        conditions.append(Initiative.municipality_code == query.municipality)
    distances: dict[str, float] = {}
    if query.radius_km is not None:
        if not query.pc4:
            raise ValidationFailed({"pc4": "geef een postcode op bij een straal (radius_km)"})
        distances = geo.within_radius(query.pc4, query.radius_km)
        conditions.append(Initiative.pc4.in_(list(distances) or ["----"]))
    elif query.pc4:
        distances = geo.within_radius(query.pc4, COUNTRY_KM)
    if query.sort == "nearest" and not query.pc4:
        raise ValidationFailed({"pc4": "geef een postcode op om op afstand te sorteren"})
    return _Where(conditions, distances)


def _words(need: Need, initiative: Initiative) -> frozenset[str]:
    """The normalised words a need is found by, kept per need version across requests."""
    key = (need.id, str(need.updated_at), initiative.name, initiative.pc4)
    words = _WORDS.get(key)
    if words is None:
        parts = documents.need_text(need) + [initiative.name]
        postcode = geo.lookup(initiative.pc4) if initiative.pc4 else None
        if postcode:
            parts.append(postcode.place)
        words = frozenset(dutch.tokens(" ".join(p for p in parts if p)))
        if len(_WORDS) >= WORDS_KEPT:
            _WORDS.clear()
        _WORDS[key] = words
    return words


def _matching_ids(session: Session, conditions: list,
                  terms: list[str | tuple[str, ...]]) -> list[int]:
    """Needs whose own words (or their initiative's name and place) hold every term."""
    dialect = session.get_bind().dialect.name
    # The initiative's full-text index narrows the candidates; each need is then read itself.
    stmt = select(Need, Initiative).join(Initiative, Initiative.id == Need.initiative_id)
    stmt, _score = fulltext.apply_match(stmt.where(*conditions), dialect, terms)
    groups = [(term,) if isinstance(term, str) else term for term in terms]
    found = []
    for need, initiative in session.exec(stmt):
        words = _words(need, initiative)
        if all(any(word.startswith(alt) for word in words for alt in group)
               for group in groups):
            found.append(need.id)
    return found


def _distance_expr(session: Session, conditions: list, distances: dict[str, float]):
    """A SQL distance per need, from the PC4 centroids of the places actually listed."""
    places = session.exec(select(Initiative.pc4).distinct().join(
        Need, Need.initiative_id == Initiative.id).where(*conditions)).all()
    known = {pc4: distances[pc4] for pc4 in places if pc4 in distances}
    if not known:
        return literal(FAR_KM, Float)
    return case(known, value=Initiative.pc4, else_=literal(FAR_KM, Float))


def _check_number(value: object) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or abs(value) > 1e9:
        raise ValidationFailed({"cursor": "ongeldige cursor"})
    return value


def list_needs(session: Session, query: NeedBoardQuery) -> NeedBoardPage:
    """Filter and page through the board."""
    where = _filters(query)
    conditions = where.conditions
    correction = spelling.correct(session, query.q)
    if correction.terms:
        conditions.append(Need.id.in_(_matching_ids(session, conditions, correction.terms)
                                      or [-1]))
    total = session.exec(select(func.count(Need.id)).join(
        Initiative, Initiative.id == Need.initiative_id).where(*conditions)).one()

    stmt = select(Need, Initiative).join(Initiative, Initiative.id == Need.initiative_id) \
        .where(*conditions)
    distance = None
    if query.sort == "nearest":
        distance = _distance_expr(session, conditions, where.distances)
        stmt = stmt.add_columns(distance).order_by(distance.asc(), Need.id.asc())
    else:  # ids grow with creation: newest first without another index
        stmt = stmt.order_by(Need.id.desc())
    if query.cursor:
        if distance is not None:
            key = decode_cursor(query.cursor, 2)
            after = _check_number(key[0])
            stmt = stmt.where(or_(distance > after, and_(distance == after, Need.id > key[1])))
        else:
            key = decode_cursor(query.cursor, 1)
            stmt = stmt.where(Need.id < key[0])
    rows = session.exec(stmt.limit(query.limit + 1)
                        .options(selectinload(Initiative.municipality))).all()
    items = [_item(row[0], row[1], where.distances) for row in rows[: query.limit]]
    next_cursor = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        key = [float(last[2]), last[0].id] if distance is not None else [last[0].id]
        next_cursor = encode_cursor(key)
    return NeedBoardPage(items=items, next_cursor=next_cursor, total=total,
                         did_you_mean=correction.suggestion)


def _item(need: Need, initiative: Initiative, distances: dict[str, float]) -> NeedBoardItem:
    return board_item(need, initiative,
                      distances.get(initiative.pc4) if distances and initiative.pc4 else None)


def board_item(need: Need, initiative: Initiative,
               distance_km: float | None = None) -> NeedBoardItem:
    """A need as the board shows it, with Dutch labels."""
    vocab = get_vocabulary()
    postcode = geo.lookup(initiative.pc4) if initiative.pc4 else None
    return NeedBoardItem(
        id=need.id, title=need.title, description=need.description, kind=need.kind,
        kind_label=vocab.label("support_needs", need.kind), skills=list(need.skills),
        skill_labels=[vocab.label("skills", code) for code in need.skills],
        hours_per_week=need.hours_per_week, initiative_id=initiative.id,
        initiative_name=initiative.name, municipality=initiative.municipality_code,
        municipality_name=initiative.municipality.name if initiative.municipality else None,
        pc4=initiative.pc4, place=postcode.place if postcode else None,
        distance_km=distance_km, created_at=need.created_at)

"""Listing and searching initiatives: structured filters first, then ranking, keyset pages."""

import base64
import binascii
import json
import math
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from core import geo
from core.errors import ValidationFailed
from core.fields import MAX_ID
from core.provinces import is_province
from db import fulltext
from db.models import Initiative, InitiativeLabel, Municipality, Need
from services.initiatives import spelling
from services.initiatives.schemas import InitiativeQuery


@dataclass
class Hit:
    """One initiative on a page, with its distance and relevance when asked for."""

    initiative: Initiative
    distance_km: float | None
    score: float | None


@dataclass
class Page:
    """A page of hits and the cursor of the next page."""

    hits: list[Hit]
    next_cursor: str | None
    # The query as we think it was meant, when a word of it matched nothing.
    did_you_mean: str | None = None


def encode_cursor(key: list) -> str:
    """An opaque cursor for a sort key."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    """The sort key inside a cursor, or a 422 naming the cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed({"cursor": "ongeldige cursor"}) from None
    if not (isinstance(key, list) and len(key) == size and _is_id(key[-1])):
        raise ValidationFailed({"cursor": "ongeldige cursor"})
    return key


def _is_id(value: object) -> bool:
    # bool is an int in Python; a huge number cannot be an id and would overflow the database.
    return type(value) is int and 1 <= value <= MAX_ID


def _has_label(lens: str, code: str):
    return exists().where(
        InitiativeLabel.initiative_id == Initiative.id,
        InitiativeLabel.lens == lens,
        InitiativeLabel.code == code,
    )


def _fund_filters(stmt, query: InitiativeQuery):
    """The filters a fund searches with: money asked, legal form and region."""
    if query.amount_min is not None and query.amount_max is not None \
            and query.amount_max < query.amount_min:
        raise ValidationFailed({"amount_max": "het maximum is lager dan het minimum"})
    if query.amount_min is not None or query.amount_max is not None:
        asks = [Need.initiative_id == Initiative.id, Need.amount_eur.is_not(None),
                Need.status == "open", Need.visibility == "public"]
        if query.amount_min is not None:
            asks.append(Need.amount_eur >= query.amount_min)
        if query.amount_max is not None:
            asks.append(Need.amount_eur <= query.amount_max)
        stmt = stmt.where(exists().where(*asks))
    if query.legal_form:
        stmt = stmt.where(Initiative.legal_form == query.legal_form)
    region = query.region
    if region and region.startswith("PV"):
        if not is_province(region):
            raise ValidationFailed({"region": f"onbekende provincie {region}"})
        stmt = stmt.where(Initiative.municipality_code.in_(
            select(Municipality.code).where(Municipality.province_code == region)))
    elif region and region.startswith("GM"):
        stmt = stmt.where(Initiative.municipality_code == region)
    return stmt


def list_initiatives(
    session: Session, query: InitiativeQuery, *, published_only: bool = True,
    after_id: int | None = None,
) -> Page:
    """Filter, search and page through initiatives (after_id: only those newer than it)."""
    dialect = session.get_bind().dialect.name
    stmt = select(Initiative)
    if published_only:
        stmt = stmt.where(Initiative.published.is_(True))
    if after_id is not None:  # saved-search digests: only what is new since the watermark
        stmt = stmt.where(Initiative.id > after_id)
    if query.municipality:
        stmt = stmt.where(Initiative.municipality_code == query.municipality)
    if query.theme:
        stmt = stmt.where(_has_label("themes", query.theme))
    if query.life_group:
        stmt = stmt.where(_has_label("life_groups", query.life_group))
    if query.actor_type:
        stmt = stmt.where(Initiative.actor_type == query.actor_type)
    if query.phase:
        stmt = stmt.where(Initiative.phase == query.phase)
    if query.need_kind:
        stmt = stmt.where(
            exists().where(Need.initiative_id == Initiative.id, Need.kind == query.need_kind,
                           Need.visibility == "public")
        )
    stmt = _fund_filters(stmt, query)
    distances: dict[str, float] = {}
    if query.radius_km is not None:
        if not query.pc4:
            raise ValidationFailed({"pc4": "geef een postcode op bij een straal (radius_km)"})
        distances = geo.within_radius(query.pc4, query.radius_km)
        stmt = stmt.where(Initiative.pc4.in_(list(distances) or ["----"]))
    elif query.pc4:
        stmt = stmt.where(Initiative.pc4 == query.pc4)

    correction = spelling.correct(session, query.q)
    terms = correction.terms
    score = None
    if terms:
        stmt, score = fulltext.apply_match(stmt, dialect, terms)
        stmt = stmt.add_columns(score)
        order = [score.desc(), Initiative.id.asc()]
    else:
        # Bytewise order on both databases; sort_name is already folded to lower ASCII.
        sort_col = Initiative.sort_name
        if dialect == "postgresql":
            sort_col = sort_col.collate("C")
        order = [sort_col.asc(), Initiative.id.asc()]

    if query.cursor:
        key = decode_cursor(query.cursor, 2)
        if score is not None:
            if type(key[0]) not in (int, float) or not math.isfinite(key[0]) \
                    or abs(key[0]) > 1e9:
                raise ValidationFailed({"cursor": "ongeldige cursor"})
            stmt = stmt.where(or_(score < key[0], and_(score == key[0], Initiative.id > key[1])))
        else:
            if not isinstance(key[0], str):
                raise ValidationFailed({"cursor": "ongeldige cursor"})
            stmt = stmt.where(
                or_(sort_col > key[0], and_(sort_col == key[0], Initiative.id > key[1]))
            )

    stmt = stmt.order_by(*order).limit(query.limit + 1).options(
        selectinload(Initiative.municipality),
        selectinload(Initiative.labels),
        selectinload(Initiative.needs),
    )
    rows = session.execute(stmt).all()
    hits = []
    for row in rows[: query.limit]:
        initiative, relevance = row[0], (float(row[1]) if score is not None else None)
        hits.append(Hit(initiative, distances.get(initiative.pc4) if distances else None,
                        relevance))
    next_cursor = None
    if len(rows) > query.limit:
        last = hits[-1]
        first_key = last.score if score is not None else last.initiative.sort_name
        next_cursor = encode_cursor([first_key, last.initiative.id])
    return Page(hits, next_cursor, correction.suggestion)


"""The volunteers who can reach a few needs, for a targeted rematch.

A new need's rematch used to read every volunteer in a 50 km wide strip of the country. Now
it finds the ones whose own radius reaches the need in one covering index (ix_volunteer_reach:
an index-only scan on PostgreSQL) and reads a volunteer's row only when this process does not
keep it at that updated_at. Every change to a volunteer sets updated_at (services.people, and
the model's onupdate), so a kept row is the row; a row from a transaction that was rolled back
is never asked for again. A worker keeps every volunteer from its start (warm), as columns.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    String,
    any_,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from core import dutch
from db.models import Volunteer
from db.types import utcnow
from services.worker.matching.model import Volunteers

BATCH = 20_000
NO_PLACE = -2  # no PC4 at all: never read for a targeted run
COLUMNS = {"stamp": np.int64, "place": np.int32, "radius": np.float32, "availability": np.uint32,
           "skills": np.uint32, "themes": np.uint32, "hours": np.float32,
           "last_active": np.float64, "paused": np.int64, "erased": bool}


def _micros(moment: datetime) -> int:
    """A timestamp as whole microseconds (naive ones, from SQLite, are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Below 2**53 microseconds a float holds every one exactly enough for round() to restore.
    return round(moment.timestamp() * 1e6)


@dataclass
class _Kept:
    """One database's kept volunteer rows as columns, sorted by id (about 60 bytes a row
    besides the normalised text)."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    columns: dict[str, np.ndarray] = field(default_factory=lambda: {
        name: np.zeros(0, dtype=dtype) for name, dtype in COLUMNS.items()})
    text: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def find(self, ids: np.ndarray, stamps: np.ndarray) -> np.ndarray:
        """Position of each (id, stamp) among the kept rows, -1 when not kept as such."""
        at = np.clip(np.searchsorted(self.ids, ids), 0, max(len(self.ids) - 1, 0))
        if len(self.ids) == 0:
            return np.full(len(ids), -1)
        hit = (self.ids[at] == ids) & (self.columns["stamp"][at] == stamps)
        return np.where(hit, at, -1)

    def merge(self, ids: np.ndarray, columns: dict[str, np.ndarray], text: list[str]) -> None:
        """Add fetched rows; a fetched row replaces the kept one with its id."""
        every = np.concatenate([self.ids, ids])
        order = np.argsort(every, kind="stable")
        ordered = every[order]
        last = np.r_[ordered[1:] != ordered[:-1], True] if len(ordered) else np.zeros(0, bool)
        keep = order[last]
        self.ids = every[keep]
        self.columns = {name: np.concatenate([self.columns[name], values])[keep]
                        for name, values in columns.items()}
        texts = np.empty(len(text), dtype=object)
        texts[:] = text
        self.text = np.concatenate([self.text, texts])[keep]


_KEPT: dict[str, _Kept] = {}


def _kept(session: Session) -> _Kept:
    return _KEPT.setdefault(str(session.get_bind().engine.url), _Kept())


def near(session: Session, boxes: list[tuple[float, ...]], codes: list[str], today: date,
         in_boxes, masker, grid) -> Volunteers:
    """Volunteers (in id order, as load_volunteers returns them) who are not erased, not
    paused and whose own radius reaches one of the boxes' points, within PC4 areas `codes`.

    in_boxes, masker and grid are the loader's own helpers, handed in so both paths read
    rows the same way.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    found = in_boxes(select(Volunteer.id, _stamp(postgres)), boxes)
    if postgres:
        found = found.where(Volunteer.pc4 == any_(cast(codes, ARRAY(String))))
    current = session.connection().execute(found).all()
    ids = np.fromiter((r[0] for r in current), dtype=np.int64, count=len(current))
    stamps = np.fromiter((r[1] if postgres else _micros(r[1]) for r in current),
                         dtype=np.int64, count=len(current))
    order = np.argsort(ids, kind="stable")
    ids, stamps = ids[order], stamps[order]
    kept = _kept(session)
    at = kept.find(ids, stamps)
    if (at < 0).any():
        _fetch(session, ids[at < 0].tolist(), kept, postgres, masker, grid)
        at = kept.find(ids, stamps)
    at = at[at >= 0]
    c = {name: values[at] for name, values in kept.columns.items()}
    usable = (~c["erased"] & (c["place"] != NO_PLACE)
              & ((c["paused"] == 0) | (c["paused"] < today.toordinal())))
    at, c = at[usable], {name: values[usable] for name, values in c.items()}
    now = utcnow().timestamp()
    return Volunteers(
        ids=kept.ids[at], pc4=c["place"], radius_km=c["radius"],
        availability=c["availability"], skills=c["skills"], themes=c["themes"],
        hours=c["hours"],
        # Whole days, as load_volunteers counts them (timedelta.days rounds down).
        idle_days=np.floor((now - c["last_active"]) / 86_400).astype(np.float32),
        text=kept.text[at].tolist(),
    )


def warm(session: Session, masker, grid) -> int:
    """Keep every volunteer row now (a worker process starting), so that the first new needs
    read none; returns how many rows are kept."""
    postgres = session.get_bind().dialect.name == "postgresql"
    _fetch(session, None, _kept(session), postgres, masker, grid)
    return len(_kept(session).ids)


def _stamp(postgres: bool):
    """updated_at as the key of a kept row: whole microseconds, worked out by PostgreSQL (on
    the index alone); SQLite's text timestamps are converted in Python (_micros)."""
    if postgres:
        return cast(func.extract("epoch", Volunteer.updated_at) * 1_000_000, BigInteger)
    return type_coerce(Volunteer.updated_at, DateTime(timezone=True))


def _fetch(session: Session, ids: list[int] | None, kept: _Kept, postgres: bool, masker,
           grid) -> None:
    stamp = _stamp(postgres)
    active = type_coerce(Volunteer.last_active_at, DateTime(timezone=True))
    stmt = select(Volunteer.id, stamp, Volunteer.pc4, Volunteer.radius_km,
                  cast(Volunteer.availability, String), cast(Volunteer.skills, String),
                  cast(Volunteer.themes, String), Volunteer.hours_per_week, active,
                  Volunteer.about, Volunteer.paused_until, Volunteer.erased_at)
    if ids is None:
        conditions = [Volunteer.erased_at.is_(None)]
    elif postgres:
        conditions = [Volunteer.id == any_(cast(ids, ARRAY(Integer)))]
    else:
        conditions = [Volunteer.id.in_(ids[i:i + 900]) for i in range(0, len(ids), 900)]
    days, skills, themes = masker("day_parts"), masker("skills"), masker("themes")
    normalised: dict[str, str] = {}
    connection = session.connection()
    for condition in conditions:
        # In batches: warming up reads every volunteer.
        batched = stmt.where(condition).execution_options(yield_per=BATCH)
        for rows in connection.execute(batched).partitions():
            n = len(rows)
            places = grid.indexes([r[2] for r in rows])
            columns = {
                "stamp": np.fromiter((r[1] if postgres else _micros(r[1]) for r in rows),
                                     np.int64, n),
                "place": np.where([r[2] is None for r in rows], NO_PLACE, places
                                  ).astype(np.int32),
                "radius": np.fromiter((r[3] for r in rows), np.float32, n),
                "availability": np.fromiter((days(r[4]) for r in rows), np.uint32, n),
                "skills": np.fromiter((skills(r[5]) for r in rows), np.uint32, n),
                "themes": np.fromiter((themes(r[6]) for r in rows), np.uint32, n),
                "hours": np.fromiter((r[7] for r in rows), np.float32, n),
                "last_active": np.fromiter((_micros(r[8]) / 1e6 for r in rows),
                                           np.float64, n),
                "paused": np.fromiter((r[10].toordinal() if r[10] else 0 for r in rows),
                                      np.int64, n),
                "erased": np.fromiter((r[11] is not None for r in rows), bool, n),
            }
            text = [normalised.setdefault(r[9], dutch.normalise(r[9])) if r[9] else ""
                    for r in rows]
            kept.merge(np.fromiter((r[0] for r in rows), np.int64, n), columns, text)

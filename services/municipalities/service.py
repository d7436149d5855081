"""Municipalities: lookups shared by every domain."""

from dataclasses import dataclass

from sqlmodel import Session, select

from core.errors import Conflict, ValidationFailed
from core.geo import municipalities as cbs
from core.geo.municipalities import CbsMunicipality
from db.models import Municipality


def get(session: Session, code: str) -> Municipality | None:
    """A municipality by CBS code."""
    return session.get(Municipality, code)


def list_all(session: Session) -> list[Municipality]:
    """All municipalities, by name."""
    return list(session.exec(select(Municipality).order_by(Municipality.name)))


def ensure(session: Session, *, code: str, name: str,
           province: str | None = None) -> Municipality:
    """Return the municipality with code, creating it with name (and province) when missing."""
    found = session.get(Municipality, code)
    if found is None:
        found = Municipality(code=code, name=name, province_code=province)
        session.add(found)
        session.flush()
    elif province and found.province_code is None:
        found.province_code = province
    return found


# Onboarding from the CBS list (beheer).

UNKNOWN_CODE = "deze code staat niet in de CBS-lijst van gemeenten"


@dataclass(frozen=True)
class Onboarded:
    """What an onboarding run did."""

    added: list[str]
    present: int


def _from_list(code: str) -> CbsMunicipality:
    entry = cbs.find(code.strip().upper())
    if entry is None:
        raise ValidationFailed({"code": UNKNOWN_CODE})
    return entry


def onboard(session: Session, code: str) -> Municipality:
    """Add one municipality from the CBS list; Dutch 422 when unknown, 409 when present."""
    entry = _from_list(code)
    if session.get(Municipality, entry.code) is not None:
        raise Conflict(f"{entry.name} is al aangesloten.",
                       fields={"code": f"{entry.name} is al aangesloten"})
    found = Municipality(code=entry.code, name=entry.name, province_code=entry.province_code)
    session.add(found)
    session.flush()
    return found


def onboard_all(session: Session) -> Onboarded:
    """Add every municipality of the CBS list that is missing (idempotent)."""
    present = set(session.exec(select(Municipality.code)))
    added = []
    for entry in cbs.all_municipalities():
        if entry.code in present:
            # Complete a province that an older import left empty.
            known = session.get(Municipality, entry.code)
            if known is not None and known.province_code is None:
                known.province_code = entry.province_code
            continue
        session.add(Municipality(code=entry.code, name=entry.name,
                                 province_code=entry.province_code))
        added.append(entry.code)
    session.flush()
    return Onboarded(added=added, present=len(present))


def page(session: Session, *, cursor: str | None, limit: int) -> tuple[list[Municipality],
                                                                       str | None]:
    """Onboarded municipalities by code after cursor, and the cursor of the next page."""
    stmt = select(Municipality).order_by(Municipality.code).limit(limit + 1)
    if cursor:
        stmt = stmt.where(Municipality.code > cursor)
    rows = list(session.exec(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].code if more and rows else None


def default_for_pc4(session: Session, pc4: str) -> Municipality | None:
    """The onboarded municipality a four-digit postcode lies in by default (CBS, Kadaster)."""
    code = cbs.for_pc4(pc4)
    return session.get(Municipality, code) if code else None

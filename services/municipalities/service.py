"""Municipalities: lookups shared by every domain."""

from sqlmodel import Session, select

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

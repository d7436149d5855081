"""Open data: the two files, for everyone, of published data only."""

from sqlmodel import Session

from core.errors import NotFound
from db.models import Municipality
from db.types import utcnow
from services.opendata import giving, hsds

LICENCE = "CC BY 4.0"
LICENCE_URL = giving.LICENSE


def _check(session: Session, code: str | None) -> None:
    if code and session.get(Municipality, code) is None:
        raise NotFound("Deze gemeente is niet aangesloten bij Koppel.")


def hsds_page(session: Session, code: str | None) -> dict:
    """Published initiatives and their offers as HSDS 3 services."""
    _check(session, code)
    return hsds.page(session, code)


def giving_package(session: Session, code: str | None) -> dict:
    """Recorded grants to published initiatives as a 360Giving package."""
    _check(session, code)
    return giving.package(session, code, today=utcnow().date())

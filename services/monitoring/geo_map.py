"""The dashboard's map: counts per PC4 area (one municipality) or per municipality (all)."""

from sqlmodel import Session


def map_section(session: Session, *, code: str | None) -> dict:
    """The dashboard's "map" section for one municipality (code) or all (None)."""
    return {"level": "pc4" if code else "municipality", "areas": [], "attribution": ""}

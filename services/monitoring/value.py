"""Social value: logged hours capitalised with the municipality's price list."""

from sqlmodel import Session


def value_section(session: Session, *, code: str | None) -> dict:
    """The dashboard's "value" section for one municipality (code) or all (None)."""
    return {"total_eur": 0, "by_theme": [], "by_initiative": [], "prices": []}

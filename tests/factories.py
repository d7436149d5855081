"""Keyword-only builders of valid request payloads."""

from typing import Any


def initiative_payload(*, name: str = "Buurtkamer De Linde", scope: str = "local",
                       municipality: str | None = "GM0392", pc4: str | None = "2011",
                       themes: list[str] | None = None, needs: list[dict] | None = None,
                       offers: list[dict] | None = None, **extra: Any) -> dict[str, Any]:
    """A valid initiative payload; override any field by keyword."""
    payload: dict[str, Any] = {
        "name": name,
        "scope": scope,
        "municipality": municipality,
        "pc4": pc4,
        "description": "Een huiskamer in de wijk waar buren elkaar ontmoeten.",
        "themes": themes if themes is not None else ["social_cohesion"],
        "needs": needs if needs is not None else [],
        "offers": offers if offers is not None else [],
    }
    payload.update(extra)
    return payload


def need_payload(*, kind: str = "volunteers", title: str = "Gastvrouwen gezocht",
                 **extra: Any) -> dict[str, Any]:
    """A valid need payload."""
    payload: dict[str, Any] = {"kind": kind, "title": title,
                               "description": "Twee ochtenden per week koffie schenken."}
    payload.update(extra)
    return payload

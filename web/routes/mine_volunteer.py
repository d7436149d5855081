"""Mijn vrijwilligerswerk: the volunteer's profile, invitations, matches and hours."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core import nl
from core.errors import KoppelError
from core.permissions import Actor, Allowed
from core.vocabulary import get_vocabulary
from db.models import Volunteer
from db.session import SessionDep
from db.types import local_today
from services.brokerage import service as brokerage
from services.people import service as people
from services.people.schemas import PAUSE_MAX_DAYS, VolunteerCreate, VolunteerUpdate
from web.deps import choices, render
from web.forms import Form, decimal_comma, form_of
from web.routes import mine_volunteer_matches

router = APIRouter()
router.include_router(mine_volunteer_matches.router)

LABELS = {"skills": "Wat kunt u goed?", "themes": "Waar wilt u zich voor inzetten?",
          "availability": "Wanneer kunt u?", "pc4": "Postcode (4 cijfers)",
          "radius_km": "Hoe ver wilt u reizen?", "hours_per_week": "Uren per week",
          "about": "Over mij", "paused_until": "Pauze tot en met", "name": "Uw naam",
          "consent": "Toestemming"}
# Clearer than the general wording for the two numbers people most often get wrong.
RANGE_ERRORS = {"radius_km": "kies een afstand van 0 tot 100 km",
                "hours_per_week": "kies meer dan 0 en hoogstens 40 uur per week"}
DAY_NAMES = {"mon": "maandag", "tue": "dinsdag", "wed": "woensdag", "thu": "donderdag",
             "fri": "vrijdag", "sat": "zaterdag", "sun": "zondag"}
_read_dutch_numbers = decimal_comma("radius_km", "hours_per_week")


def _prepare(data: dict[str, Any]) -> dict[str, Any]:
    """An unticked box or an emptied field means "none" here, not "unchanged"."""
    data = _read_dutch_numbers(data)
    for name in ("skills", "themes", "availability"):
        data.setdefault(name, [])
    data.setdefault("about", "")
    data.setdefault("paused_until", None)
    return data


def _prepare_new(data: dict[str, Any]) -> dict[str, Any]:
    data = _read_dutch_numbers(data)
    data.setdefault("consent", False)
    return data


ProfileForm = form_of(VolunteerUpdate, labels=LABELS, prepare=_prepare)
NewProfileForm = form_of(VolunteerCreate, labels=LABELS, prepare=_prepare_new)


def availability_grid() -> dict[str, Any]:
    """Day parts of the vocabulary as a table: a row per day, a column per part of the day."""
    days: dict[str, list[dict[str, str]]] = {}
    parts: dict[str, str] = {}
    for item in get_vocabulary().items("day_parts"):
        day, part = item["code"].split("_", 1)
        parts.setdefault(part, item["nl"].split(" ", 1)[-1])
        days.setdefault(day, []).append({"code": item["code"], "label": item["nl"]})
    return {"parts": list(parts.values()),
            "days": [{"label": DAY_NAMES.get(day, day), "cells": cells}
                     for day, cells in days.items()]}


def _values_of(volunteer: Volunteer) -> dict[str, Any]:
    return {"skills": list(volunteer.skills), "themes": list(volunteer.themes),
            "availability": list(volunteer.availability), "pc4": volunteer.pc4 or "",
            "radius_km": nl.number(volunteer.radius_km, 1),
            "hours_per_week": nl.number(volunteer.hours_per_week, 1),
            "about": volunteer.about,
            "paused_until": volunteer.paused_until.isoformat() if volunteer.paused_until
            else ""}


def _own_volunteer(session, actor: Actor) -> Volunteer | None:
    if actor.volunteer_id is None:
        return None
    return people.get_volunteer(session, actor, actor.volunteer_id, "eigen profiel")


def _page(request: Request, session, actor: Actor, volunteer: Volunteer | None,
          form: Form | None = None, saved: bool = False, status_code: int = 200):
    today = local_today()
    if form is not None:
        for name, reason in RANGE_ERRORS.items():
            if name in form.errors:
                form.errors[name] = reason
    sections = brokerage.my_matches(session, actor)
    return render(request, "mine/volunteer.html", {
        "volunteer": volunteer, "saved": saved,
        "values": form.values if form else (_values_of(volunteer) if volunteer else {}),
        "errors": form.errors if form else {}, "summary": form.summary() if form else [],
        "skills": choices("skills"), "themes": choices("themes"), "grid": availability_grid(),
        "pause_min": today.isoformat(),
        "pause_max": (today + timedelta(days=PAUSE_MAX_DAYS)).isoformat(),
        "paused": volunteer is not None and volunteer.paused_until is not None
        and volunteer.paused_until >= today, "labels": LABELS,
        "invitations": len(sections["invitations"]), "active": len(sections["active"]),
        "created": request.query_params.get("nieuw") == "1",
    }, status_code)


@router.get("/mijn/vrijwilliger", response_class=HTMLResponse, name="my_volunteer")
def my_volunteer(request: Request, session: SessionDep, actor: Allowed("mine.volunteer")):
    """The volunteer's profile: what they can, when, where and how much."""
    return _page(request, session, actor, _own_volunteer(session, actor))


@router.post("/mijn/vrijwilliger", response_class=HTMLResponse, name="my_volunteer_save")
def my_volunteer_save(request: Request, session: SessionDep,
                      actor: Allowed("volunteer.update"), form: ProfileForm):
    """Save the profile through the people service; errors in Dutch next to the fields."""
    volunteer = _own_volunteer(session, actor)
    if volunteer is None:
        return _page(request, session, actor, None, status_code=404)
    if form.ok:
        try:
            volunteer = people.update_volunteer(session, actor, volunteer.id, form.data,
                                                "eigen profiel bijgewerkt")
        except KoppelError as exc:
            form.refuse(exc)
    if not form.ok:
        return _page(request, session, actor, volunteer, form, status_code=422)
    return _page(request, session, actor, volunteer, saved=True)


@router.post("/mijn/vrijwilliger/nieuw", response_class=HTMLResponse,
             name="my_volunteer_create")
def my_volunteer_create(request: Request, session: SessionDep,
                        actor: Allowed("volunteer.create"), form: NewProfileForm):
    """A volunteer account without a profile yet makes one, with consent to keep it."""
    if form.ok:
        try:
            people.create_volunteer(session, actor, form.data)
        except KoppelError as exc:
            form.refuse(exc)
    if not form.ok:
        return _page(request, session, actor, _own_volunteer(session, actor), form,
                     status_code=422)
    return RedirectResponse(f"{request.url_for('my_volunteer').path}?nieuw=1",
                            status_code=303)

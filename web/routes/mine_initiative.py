"""Mijn initiatief: the initiator runs the profile, needs, offers and answers."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.permissions import Allowed
from web.deps import render

router = APIRouter()


@router.get("/mijn/initiatief", response_class=HTMLResponse, name="my_initiative")
def my_initiative(request: Request, _actor: Allowed("mine.initiative")):
    """Mijn initiatief (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Mijn initiatief"})

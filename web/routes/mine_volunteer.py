"""Mijn vrijwilligerswerk: the volunteer's profile, invitations, matches and hours."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.permissions import Allowed
from web.deps import render

router = APIRouter()


@router.get("/mijn/vrijwilliger", response_class=HTMLResponse, name="my_volunteer")
def my_volunteer(request: Request, _actor: Allowed("mine.volunteer")):
    """Mijn vrijwilligerswerk (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Mijn vrijwilligerswerk"})

"""Hulpvragen: the public board of published needs with "Ik wil helpen"."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.permissions import Allowed
from web.deps import render

router = APIRouter()


@router.get("/hulpvragen", response_class=HTMLResponse, name="need_board")
def need_board(request: Request, _actor: Allowed("need.list")):
    """Hulpvragen (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Hulpvragen"})

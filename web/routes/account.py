"""Accounts for people: sign up, confirm the address, reset and change the password."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.permissions import Allowed
from web.deps import render

router = APIRouter()


@router.get("/aanmelden", response_class=HTMLResponse, name="signup_form")
def signup_form(request: Request, _actor: Allowed("auth.signup")):
    """Aanmelden (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Aanmelden"})


@router.get("/wachtwoord-vergeten", response_class=HTMLResponse, name="password_forgotten_form")
def password_forgotten_form(request: Request, _actor: Allowed("auth.signup")):
    """Wachtwoord vergeten (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Wachtwoord vergeten"})


@router.get("/mijn/gegevens", response_class=HTMLResponse, name="my_data")
def my_data(request: Request, _actor: Allowed("me.export")):
    """Mijn gegevens (placeholder until the area is built)."""
    return render(request, "placeholder.html", {"title": "Mijn gegevens"})

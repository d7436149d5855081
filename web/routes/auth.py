"""Logging in and out with a session cookie."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.permissions import permission
from db.session import SessionDep, unit_of_work
from services.auth import login as login_flow
from services.auth import service as auth
from services.auth.service import LoginBlocked, LoginFailed, LoginUnconfirmed
from web import security
from web.deps import render

router = APIRouter()
# Without an explicit page to return to, a login lands on the person's own area.
HOME = "/mijn"
# What the login page says when another page sends people to it (?melding=…).
NOTICES = {"bevestigd": "Uw e-mailadres is bevestigd. U kunt nu inloggen.",
           "wachtwoord": "Uw nieuwe wachtwoord is opgeslagen. Log in met uw nieuwe wachtwoord.",
           "e-mailadres": "Uw nieuwe e-mailadres is bevestigd. Log voortaan daarmee in."}


@router.get("/login", response_class=HTMLResponse, name="login_form",
            dependencies=[permission("auth.login")])
def login_form(request: Request):
    """The login form."""
    wanted = request.query_params.get("next")
    return render(request, "auth/login.html", {
        "next": security.safe_next(wanted) if wanted else HOME, "error": None,
        "notice": NOTICES.get(request.query_params.get("melding", ""))})


@router.post("/login", response_class=HTMLResponse, name="login",
             dependencies=[permission("auth.login")])
def login(request: Request, username: Annotated[str, Form(max_length=320)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=500)] = HOME):
    """Check the credentials and start a fresh session (a new id at every login)."""
    target = security.safe_next(next)
    address = request.client.host if request.client else None
    if not username.strip() or not password:
        return render(request, "auth/login.html", {
            "next": target, "error": "Vul uw e-mailadres en wachtwoord in.",
            "username": username}, 422)
    try:
        user = login_flow.login(username, password, address)
    except (LoginFailed, LoginBlocked, LoginUnconfirmed) as exc:
        return render(request, "auth/login.html", {
            "next": target, "error": exc.detail, "username": username,
            "unconfirmed": isinstance(exc, LoginUnconfirmed)}, exc.status_code)
    with unit_of_work() as session:
        old = request.cookies.get(auth.SESSION_COOKIE)
        if old:
            auth.end_web_session(session, old)
        token = auth.start_web_session(session, user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout", name="logout", dependencies=[permission("auth.logout")])
def logout(request: Request, session: SessionDep):
    """End the session on the server and in the browser."""
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        auth.end_web_session(session, token)
    response = RedirectResponse(request.url_for("initiative_list").path, status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response

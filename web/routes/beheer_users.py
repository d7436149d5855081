"""Beheer: users invited by e-mail, deactivated or given another role; the invitation link."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import KoppelError, ValidationFailed
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.auth import invites, passwords
from services.auth import service as auth
from services.auth.schemas import NewPassword
from services.municipalities import service as municipalities
from web.deps import choices, render
from web.forms import Form, form_of
from web.routes.account import Token

router = APIRouter()
LABELS = {"email": "E-mailadres", "name": "Naam", "role": "Rol", "municipality": "Gemeente",
          "organisation_id": "Organisatie"}
InviteForm = form_of(invites.Invitation, labels=LABELS)
PasswordForm = form_of(NewPassword, labels={"password": "Wachtwoord"})
DONE = {"uitgenodigd": "De uitnodiging is verstuurd.", "uit": "Het account staat op non-actief.",
        "aan": "Het account is weer actief.", "rol": "De rol is gewijzigd."}


def _page(request: Request, session, form: Form | None = None, error: str = "",
          status_code: int = 200) -> HTMLResponse:
    return render(request, "admin/users.html", {
        "users": invites.list_users(session), "roles": choices("roles"),
        "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
        "organisations": [(o.id, o.name) for o in invites.organisations(session)],
        "form": form or Form(None, {}, {}, LABELS), "error": error,
        "done": DONE.get(request.query_params.get("gedaan", ""), "")}, status_code)


def _back(request: Request, done: str) -> RedirectResponse:
    return RedirectResponse(f"{request.url_for('admin_users').path}?gedaan={done}",
                            status_code=303)


@router.get("/beheer/gebruikers", response_class=HTMLResponse, name="admin_users")
def users(request: Request, session: SessionDep, actor: Allowed("user.manage")):
    """Every account with its role, scope and state, and the invitation form."""
    return _page(request, session)


@router.post("/beheer/gebruikers", response_class=HTMLResponse, name="admin_user_invite")
def invite(request: Request, session: SessionDep, actor: Allowed("user.manage"),
           form: InviteForm):
    """Invite someone by e-mail with a role and its scope."""
    if form.ok:
        try:
            invites.invite(session, actor, form.data)
        except KoppelError as exc:
            form.refuse(exc)
        else:
            return _back(request, "uitgenodigd")
    return _page(request, session, form, status_code=422)


@router.post("/beheer/gebruikers/{user_id}/actief", response_class=HTMLResponse,
             name="admin_user_active")
async def set_active(request: Request, session: SessionDep, actor: Allowed("user.manage"),
                     user_id: Id):
    """Deactivate or reactivate an account."""
    active = (await request.form()).get("actief") == "ja"
    try:
        invites.set_active(session, actor, user_id, active)
    except ValidationFailed as exc:
        return _page(request, session, error=next(iter(exc.fields.values())), status_code=422)
    return _back(request, "aan" if active else "uit")


@router.post("/beheer/gebruikers/{user_id}/rol", response_class=HTMLResponse,
             name="admin_user_role")
async def change_role(request: Request, session: SessionDep, actor: Allowed("user.manage"),
                      user_id: Id):
    """Give an account another role."""
    role = str((await request.form()).get("role", ""))
    try:
        invites.change_role(session, actor, user_id, role)
    except ValidationFailed as exc:
        return _page(request, session, error=next(iter(exc.fields.values())), status_code=422)
    return _back(request, "rol")


@router.get("/welkom/{token}", response_class=HTMLResponse, name="invite_accept_form")
def accept_form(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                token: Token):
    """The link in the invitation: choose a password."""
    user = invites.user_for_invite(session, token)
    return render(request, "admin/welcome.html", {
        "token": token, "email": user.email, "min_length": passwords.MIN_LENGTH,
        "form": Form(None, {}, {}, {"password": "Wachtwoord"})})


@router.post("/welkom/{token}", response_class=HTMLResponse, name="invite_accept")
def accept(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
           token: Token, form: PasswordForm):
    """Set the first password, then log in with it."""
    if form.ok:
        try:
            invites.accept(session, token, form.data.password.get_secret_value())
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            response = RedirectResponse(
                f"{request.url_for('login_form').path}?melding=wachtwoord", status_code=303)
            response.delete_cookie(auth.SESSION_COOKIE, path="/")
            return response
    user = invites.user_for_invite(session, token)
    return render(request, "admin/welcome.html", {
        "token": token, "email": user.email, "min_length": passwords.MIN_LENGTH,
        "form": form}, 422)

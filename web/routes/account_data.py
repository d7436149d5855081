"""`/mijn/gegevens`: each signed-in person's own account — address, password, export, delete."""

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.errors import ValidationFailed
from core.permissions import Actor, Allowed
from db.models import User
from db.session import SessionDep
from services.auth import passwords, signup
from services.auth import service as auth
from services.auth.schemas import DeleteConfirmation, EmailChange, PasswordChange
from services.people import service as people
from services.people.schemas import VolunteerUpdate
from web.deps import render
from web.forms import Form, form_of

router = APIRouter()
Token = Annotated[str, Path(max_length=1000)]
PASSWORD_LABELS = {"current_password": "Huidig wachtwoord", "password": "Nieuw wachtwoord"}
EMAIL_LABELS = {"email": "Nieuw e-mailadres", "current_password": "Huidig wachtwoord"}
DELETE_LABELS = {"confirm": "Typ VERWIJDEREN"}
PasswordForm = form_of(PasswordChange, labels=PASSWORD_LABELS)
EmailChangeForm = form_of(EmailChange, labels=EMAIL_LABELS)
DeleteForm = form_of(DeleteConfirmation, labels=DELETE_LABELS)
CONFIRM_WORD = "VERWIJDEREN"
DONE = {"wachtwoord": "Uw nieuwe wachtwoord is opgeslagen. Op andere apparaten bent u "
                      "uitgelogd.",
        "e-mailadres": "We hebben een link gestuurd naar het nieuwe e-mailadres. Pas als u "
                       "die volgt, logt u met het nieuwe adres in.",
        "nieuw-adres": "Uw nieuwe e-mailadres is bevestigd. Log voortaan daarmee in."}


def _page(request: Request, session, actor: Actor, *, password_form: Form | None = None,
          email_form: Form | None = None, status: int = 200) -> HTMLResponse:
    user = session.get(User, actor.user_id)
    return render(request, "account/my_data.html", {
        "user": user, "done": DONE.get(request.query_params.get("klaar", "")),
        "password_form": password_form or Form(None, {}, {}, PASSWORD_LABELS),
        "email_form": email_form or Form(None, {}, {}, EMAIL_LABELS),
        "min_length": passwords.MIN_LENGTH}, status)


def _to_page(request: Request, done: str) -> RedirectResponse:
    return RedirectResponse(f"{request.url_for('my_data').path}?klaar={done}", status_code=303)


@router.get("/mijn/gegevens", response_class=HTMLResponse, name="my_data")
def my_data(request: Request, session: SessionDep, actor: Allowed("account.manage")):
    """My account: change the address or password, download my data, delete the account."""
    return _page(request, session, actor)


@router.post("/mijn/gegevens/wachtwoord", response_class=HTMLResponse, name="my_password")
def my_password(request: Request, session: SessionDep, actor: Allowed("account.manage"),
                form: PasswordForm):
    """A new password; this browser stays signed in, every other session ends."""
    if form.ok:
        try:
            signup.change_password(session, actor, form.data.current_password.get_secret_value(),
                                   form.data.password.get_secret_value(),
                                   keep_session=request.cookies.get(auth.SESSION_COOKIE))
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_page(request, "wachtwoord")
    form.values.clear()  # passwords are never sent back into the page
    return _page(request, session, actor, password_form=form, status=422)


@router.post("/mijn/gegevens/e-mailadres", response_class=HTMLResponse, name="my_email")
def my_email(request: Request, session: SessionDep, actor: Allowed("account.manage"),
             form: EmailChangeForm):
    """Mail a confirmation link to the new address; the login changes once it is followed."""
    if form.ok:
        try:
            signup.request_email_change(session, actor, form.data.email,
                                        form.data.current_password.get_secret_value())
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            return _to_page(request, "e-mailadres")
    form.values.pop("current_password", None)
    return _page(request, session, actor, email_form=form, status=422)


@router.get("/mijn/gegevens/e-mailadres/{token}", name="my_email_confirm")
def my_email_confirm(request: Request, session: SessionDep, actor: Allowed("auth.signup"),
                     token: Token):
    """The link in the mail to the new address (it works without logging in)."""
    user, old = signup.confirm_email_change(session, token)
    owner = auth.actor_for(session, user)
    if owner.volunteer_id is not None:
        # Invitations go to the volunteer profile's address: it moves along with the login.
        volunteer = people.get_volunteer(session, owner, owner.volunteer_id,
                                         "e-mailadres gewijzigd")
        if volunteer.email == old:
            people.update_volunteer(session, owner, volunteer.id,
                                    VolunteerUpdate(email=user.email), "e-mailadres gewijzigd")
    if actor is not None and actor.user_id == user.id:
        return _to_page(request, "nieuw-adres")
    return RedirectResponse(f"{request.url_for('login_form').path}?melding=e-mailadres",
                            status_code=303)


@router.get("/mijn/gegevens/export", name="my_export")
def my_export(session: SessionDep, actor: Allowed("me.export")):
    """Everything Koppel keeps about me, as a JSON file to save."""
    body = json.dumps(people.export_for(session, actor), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="koppel-mijn-gegevens.json"'})


@router.get("/mijn/gegevens/verwijderen", response_class=HTMLResponse, name="my_delete_form")
def my_delete_form(request: Request, _actor: Allowed("me.delete")):
    """What deleting the account means, and the word to type to confirm."""
    return render(request, "account/delete.html", {
        "form": Form(None, {}, {}, DELETE_LABELS), "word": CONFIRM_WORD})


@router.post("/mijn/gegevens/verwijderen", response_class=HTMLResponse, name="my_delete")
def my_delete(request: Request, session: SessionDep, actor: Allowed("me.delete"),
              form: DeleteForm):
    """Erase the account (as DELETE /api/v1/me does) and sign out."""
    if form.ok and form.data.confirm.strip().upper() != CONFIRM_WORD:
        form.errors["confirm"] = f"typ {CONFIRM_WORD} om te bevestigen"
    if not form.ok:
        return render(request, "account/delete.html", {"form": form, "word": CONFIRM_WORD},
                      422)
    people.erase_account(session, actor.user_id, reason="verzoek van de vrijwilliger",
                         actor=actor)
    request.state.actor = None  # the page below is already shown to nobody in particular
    response = render(request, "account/deleted.html")
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response

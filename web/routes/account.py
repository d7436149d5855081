"""Accounts for people: sign up, confirm the address, and a new password when it is forgotten.

What each person does with their own account afterwards is in `account_data` (/mijn/gegevens).
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import ValidationFailed
from core.permissions import Allowed, Role
from db.session import SessionDep
from services.auth import links, passwords, signup
from services.auth import service as auth
from services.auth.schemas import EmailAddress, NewPassword, SignUp
from services.municipalities import service as municipalities
from services.people import service as people
from services.people.schemas import VolunteerCreate
from web.deps import render
from web.forms import Form, form_of
from web.routes import account_data

router = APIRouter()
router.include_router(account_data.router)
Token = Annotated[str, Path(max_length=1000)]
SIGNUP_LABELS = {"kind": "Ik meld me aan als", "name": "Uw naam", "email": "E-mailadres",
                 "password": "Wachtwoord", "initiative_name": "Naam van uw initiatief",
                 "pc4": "Postcode (4 cijfers)", "municipality": "Gemeente",
                 "consent": "Toestemming"}
SignUpForm = form_of(SignUp, labels=SIGNUP_LABELS)
EmailForm = form_of(EmailAddress, labels={"email": "E-mailadres"})
NewPasswordForm = form_of(NewPassword, labels={"password": "Nieuw wachtwoord"})
KINDS = [("volunteer", "Vrijwilliger: ik wil helpen"),
         ("initiator", "Initiatiefnemer: ons initiatief zoekt hulp")]


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _signup_page(request: Request, session, form: Form, status: int = 200) -> HTMLResponse:
    return render(request, "account/signup.html", {
        "form": form, "kinds": KINDS,
        "municipalities": [(m.code, m.name) for m in municipalities.list_all(session)],
        "min_length": passwords.MIN_LENGTH}, status)


@router.get("/aanmelden", response_class=HTMLResponse, name="signup_form")
def signup_form(request: Request, session: SessionDep, _actor: Allowed("auth.signup")):
    """Sign up as a volunteer or as the initiator of an initiative."""
    kind = request.query_params.get("als")
    values = {"kind": kind if kind in ("volunteer", "initiator") else "volunteer"}
    return _signup_page(request, session, Form(None, values, {}, SIGNUP_LABELS))


@router.post("/aanmelden", response_class=HTMLResponse, name="signup")
def signup_post(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                form: SignUpForm):
    """Create the account (and the draft initiative or volunteer profile) and mail the link."""
    if form.ok:
        signup.check_requests(session, "signup", _address(request))
        try:
            user = signup.sign_up(session, form.data)
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            if user is not None and user.role == Role.VOLUNTEER:
                # The people domain keeps volunteer profiles; it builds on auth, not reverse.
                people.create_volunteer(session, auth.actor_for(session, user), VolunteerCreate(
                    name=form.data.name, email=user.email, pc4=form.data.pc4, consent=True))
            return render(request, "account/sent.html", {
                "title": "Kijk in uw e-mail", "email": form.data.email, "what": "signup",
                "days": links.CONFIRM_VALID.days})
    form.values.pop("password", None)  # never sent back into the page
    return _signup_page(request, session, form, 422)


@router.get("/aanmelden/bevestigen/{token}", name="signup_confirm")
def signup_confirm(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                   token: Token):
    """The link in the confirmation mail: the address is confirmed, now log in."""
    signup.confirm_email(session, token)
    return RedirectResponse(f"{request.url_for('login_form').path}?melding=bevestigd",
                            status_code=303)


@router.post("/aanmelden/opnieuw", response_class=HTMLResponse, name="signup_resend")
def signup_resend(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                  form: EmailForm):
    """Send the confirmation link again; the same answer whatever the address."""
    if form.ok:
        signup.check_requests(session, "resend", _address(request))
        signup.resend_confirmation(session, form.data.email)
    return render(request, "account/sent.html", {
        "title": "Kijk in uw e-mail", "email": form.values.get("email", ""), "what": "resend",
        "days": links.CONFIRM_VALID.days})


@router.get("/wachtwoord-vergeten", response_class=HTMLResponse, name="password_forgotten_form")
def password_forgotten_form(request: Request, _actor: Allowed("auth.signup")):
    """Ask for a link to choose a new password."""
    return render(request, "account/forgotten.html", {
        "form": Form(None, {}, {}, {"email": "E-mailadres"})})


@router.post("/wachtwoord-vergeten", response_class=HTMLResponse, name="password_forgotten")
def password_forgotten(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                       form: EmailForm):
    """Mail a reset link if the address has an account; the answer is the same either way."""
    if not form.ok:
        return render(request, "account/forgotten.html", {"form": form}, 422)
    signup.check_requests(session, "reset", _address(request))
    signup.request_reset(session, form.data.email)
    return render(request, "account/sent.html", {
        "title": "Kijk in uw e-mail", "email": form.data.email, "what": "reset",
        "hours": int(links.RESET_VALID.total_seconds() // 3600)})


@router.get("/wachtwoord-herstellen/{token}", response_class=HTMLResponse,
            name="password_reset_form")
def password_reset_form(request: Request, session: SessionDep,
                        _actor: Allowed("auth.signup"), token: Token):
    """The link in the reset mail: choose a new password."""
    signup.user_for_reset(session, token)
    return render(request, "account/reset.html", {
        "token": token, "form": Form(None, {}, {}, {"password": "Nieuw wachtwoord"}),
        "min_length": passwords.MIN_LENGTH})


@router.post("/wachtwoord-herstellen/{token}", response_class=HTMLResponse,
             name="password_reset")
def password_reset(request: Request, session: SessionDep, _actor: Allowed("auth.signup"),
                   token: Token, form: NewPasswordForm):
    """Set the new password; every session of the account ends, so log in again."""
    if form.ok:
        try:
            signup.reset_password(session, token, form.data.password.get_secret_value())
        except ValidationFailed as exc:
            form.refuse(exc)
        else:
            response = RedirectResponse(
                f"{request.url_for('login_form').path}?melding=wachtwoord", status_code=303)
            response.delete_cookie(auth.SESSION_COOKIE, path="/")
            return response
    signup.user_for_reset(session, token)  # a link that died meanwhile is a 404, not a form
    return render(request, "account/reset.html", {
        "token": token, "form": form, "min_length": passwords.MIN_LENGTH}, 422)

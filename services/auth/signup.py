"""Self-service accounts: sign up, confirm the address, reset or change password and address.

Nothing here tells a visitor whether an address has an account: a sign-up with a taken
address mails its owner instead, and "password forgotten" answers the same for any address.
A volunteer's profile is added by the caller through the people domain (which uses this one).
"""

import logging
from datetime import timedelta

from sqlmodel import Session, select

from core import geo
from core.errors import Conflict, KoppelError, NotFound, ValidationFailed
from core.permissions import Actor, Role
from db.models import ApiToken, Organisation, User, WebSession
from db.types import utcnow
from services.auth import links, passwords, service, throttle
from services.auth.schemas import SignUp
from services.initiatives import service as initiatives
from services.municipalities import service as municipalities
from services.notifications import service as notifications

log = logging.getLogger(__name__)
MAX_PASSWORD = 200
USED_OR_EXPIRED = "Deze link is al gebruikt of verlopen. Vraag een nieuwe aan."


class TooManyRequests(KoppelError):
    """Too many sign-up or reset requests from one address; try again later."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"Te veel aanvragen vanaf uw verbinding. Probeer het over {minutes} "
                         f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.")
        self.retry_after = retry_after


def check_requests(session: Session, kind: str, address: str | None) -> None:
    """Count a sign-up, reset or resend request from a client address; refuse past the limit."""
    block = throttle.count_request(session, kind, address)
    if block is not None:
        log.warning("account request refused while blocked: %s", block.key)
        raise TooManyRequests(block.retry_after_seconds)


def password_errors(password: str, email: str, field: str = "password") -> dict[str, str]:
    """The Dutch reason a new password is not accepted, per field (empty when fine)."""
    if len(password) < passwords.MIN_LENGTH:
        return {field: f"kies een wachtwoord van minstens {passwords.MIN_LENGTH} tekens"}
    if len(password) > MAX_PASSWORD:
        return {field: f"kies een wachtwoord van hoogstens {MAX_PASSWORD} tekens"}
    if password.strip().lower() == email.strip().lower():
        return {field: "kies iets anders dan uw e-mailadres"}
    return {}


def municipality_for(session: Session, pc4: str, chosen: str | None) -> tuple[str | None, str]:
    """The municipality chosen, else the postcode's default, else the one named like its place.

    Returns (code, "") or (None, the Dutch reason) when it cannot be told."""
    if chosen:
        if municipalities.get(session, chosen) is None:
            return None, "kies een gemeente uit de lijst"
        return chosen, ""
    by_default = municipalities.default_for_pc4(session, pc4)  # CBS/Kadaster boundaries
    if by_default is not None:
        return by_default.code, ""
    postcode = geo.lookup(pc4)
    place = postcode.place.casefold() if postcode else ""
    for municipality in municipalities.list_all(session):
        if municipality.name.casefold() == place:
            return municipality.code, ""
    where = f" ({postcode.place})" if postcode else ""
    return None, (f"bij postcode {pc4}{where} vinden we de gemeente niet vanzelf; "
                  "kies hem uit de lijst")


def _user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == service.normalise_email(email))).first()


def sign_up(session: Session, data: SignUp) -> User | None:
    """A new, unconfirmed account with a confirmation mail; None when the address is taken
    (its owner gets a mail instead, and the visitor sees the same answer)."""
    password = data.password.get_secret_value()
    errors = password_errors(password, data.email)
    if data.kind == "initiator" and not data.initiative_name:
        errors["initiative_name"] = "vul de naam van uw initiatief in"
    if data.kind == "volunteer" and not data.consent:
        errors["consent"] = "zonder uw toestemming kunnen we uw profiel niet bewaren"
    municipality, reason = municipality_for(session, data.pc4, data.municipality)
    if municipality is None:
        errors["municipality"] = reason
    if errors:
        raise ValidationFailed(errors)
    existing = _user_by_email(session, data.email)
    if existing is not None:
        passwords.hash_password(password)  # the same work as a new account: no timing hint
        _tell_owner(session, existing)
        return None
    if data.kind == "volunteer":
        user = service.create_user(session, email=data.email, password=password,
                                   role=Role.VOLUNTEER, municipality=municipality,
                                   display_name=data.name, verified=False)
    else:
        user = _sign_up_initiator(session, data, password, municipality)
    send_confirmation(session, user)
    log.info("account %s signed up as %s", user.id, user.role)
    return user


def _sign_up_initiator(session: Session, data: SignUp, password: str,
                       municipality: str) -> User:
    """A new organisation of its own (never an existing one of the same name), its initiator
    and the initiative in draft, linked as the demo initiator is."""
    organisation = Organisation(kind="initiative", name=data.initiative_name,
                                municipality_code=municipality)
    session.add(organisation)
    session.flush()
    user = service.create_user(session, email=data.email, password=password,
                               role=Role.INITIATOR, organisation_id=organisation.id,
                               display_name=data.name, verified=False)
    draft = initiatives.InitiativeCreate.model_validate({
        "name": data.initiative_name, "scope": "local", "municipality": municipality,
        "pc4": data.pc4, "contact_name": data.name, "contact_email": user.email,
        "published": False})
    initiatives.create(session, draft, actor=service.actor_for(session, user))
    return user


def _tell_owner(session: Session, user: User) -> None:
    if not user.is_active:
        return
    if user.email_verified_at is None:
        send_confirmation(session, user)
        return
    notifications.queue_account_mail(
        session, kind="account_exists", to=user.email, template="account_exists",
        context={"name": user.display_name, "login_url": links.url("/login"),
                 "reset_url": links.url("/wachtwoord-vergeten")})


def send_confirmation(session: Session, user: User) -> None:
    """Queue the mail with the link that confirms the account's address."""
    token = links.make("confirm", {"u": user.id, "e": user.email})
    notifications.queue_account_mail(
        session, kind="account_confirm", to=user.email, template="account_confirm",
        context={"name": user.display_name, "url": links.url(f"/aanmelden/bevestigen/{token}"),
                 "days": links.CONFIRM_VALID.days})


def confirm_email(session: Session, token: str) -> User:
    """Mark the address confirmed (again is harmless); NotFound for a bad or old link."""
    payload = links.read("confirm", token, links.CONFIRM_VALID)
    user = session.get(User, payload["u"])
    if user is None or not user.is_active or user.email != payload.get("e"):
        raise NotFound(links.GARBLED)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.flush()
    return user


def resend_confirmation(session: Session, email: str) -> None:
    """Send the confirmation link again to an unconfirmed account; silent otherwise."""
    user = _user_by_email(session, email)
    if user is not None and user.is_active and user.email_verified_at is None:
        send_confirmation(session, user)


def request_reset(session: Session, email: str) -> None:
    """Mail a reset link to an active account; the same silence for unknown addresses."""
    user = _user_by_email(session, email)
    if user is None or not user.is_active:
        return
    token = links.make("reset", {"u": user.id, "f": links.fingerprint(user.password_hash)})
    notifications.queue_account_mail(
        session, kind="password_reset", to=user.email, template="password_reset",
        context={"name": user.display_name,
                 "url": links.url(f"/wachtwoord-herstellen/{token}"),
                 "hours": int(links.RESET_VALID.total_seconds() // 3600)})


def user_for_password_link(session: Session, kind: str, token: str, valid: timedelta,
                           used_or_expired: str = USED_OR_EXPIRED) -> User:
    """The account a reset or invitation link was made for, while its password is unchanged
    (the link signs a fingerprint of the password hash, so it works once)."""
    payload = links.read(kind, token, valid)
    user = session.get(User, payload["u"])
    if user is None or not user.is_active or \
            links.fingerprint(user.password_hash) != payload.get("f"):
        raise NotFound(used_or_expired)
    return user


def user_for_reset(session: Session, token: str) -> User:
    """The account a reset link was made for, while the password is still the same."""
    return user_for_password_link(session, "reset", token, links.RESET_VALID)


def set_password_by_link(user: User, password: str) -> None:
    """Check and set a password chosen through a mailed link; the address counts as confirmed."""
    errors = password_errors(password, user.email)
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = passwords.hash_password(password)
    # The link reached the mailbox, so the address is confirmed too.
    user.email_verified_at = user.email_verified_at or utcnow()


def reset_password(session: Session, token: str, password: str) -> User:
    """Set a new password through a reset link; every session and token of the account ends."""
    user = user_for_reset(session, token)
    set_password_by_link(user, password)
    end_sessions(session, user.id)
    for row in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)):
        row.revoked_at = row.revoked_at or utcnow()
    session.flush()
    log.info("password of account %s reset", user.id)
    return user


def end_sessions(session: Session, user_id: int, keep: str | None = None) -> None:
    """End the account's web sessions, except the one whose cookie is keep."""
    kept = service.digest(keep) if keep else None
    for row in session.exec(select(WebSession).where(WebSession.user_id == user_id)):
        if row.token_hash != kept:
            session.delete(row)
    session.flush()


def _checked_user(session: Session, actor: Actor, current_password: str) -> User:
    user = session.get(User, actor.user_id)
    if user is None or not passwords.verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": "uw huidige wachtwoord klopt niet"})
    return user


def change_password(session: Session, actor: Actor, current_password: str, password: str,
                    keep_session: str | None = None) -> None:
    """A new password, proven with the current one; other sessions of the account end."""
    user = _checked_user(session, actor, current_password)
    errors = password_errors(password, user.email)
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = passwords.hash_password(password)
    end_sessions(session, user.id, keep=keep_session)


def request_email_change(session: Session, actor: Actor, email: str,
                         current_password: str) -> None:
    """Mail a link to the new address; the login changes only once it is followed.

    A taken address gets no mail, and the page says the same as for a free one."""
    user = _checked_user(session, actor, current_password)
    new = service.normalise_email(email)
    if new == user.email:
        raise ValidationFailed({"email": "dit is al uw e-mailadres"})
    if _user_by_email(session, new) is not None:
        log.info("account %s asked for an address that is taken", user.id)
        return
    token = links.make("email", {"u": user.id, "e": new, "f": links.fingerprint(user.email)})
    notifications.queue_account_mail(
        session, kind="email_change", to=new, template="email_change",
        context={"name": user.display_name,
                 "url": links.url(f"/mijn/gegevens/e-mailadres/{token}"),
                 "days": links.CONFIRM_VALID.days})


def confirm_email_change(session: Session, token: str) -> tuple[User, str]:
    """Move the login to the confirmed new address; returns the account and its old address."""
    payload = links.read("email", token, links.CONFIRM_VALID)
    user = session.get(User, payload["u"])
    new = payload.get("e")
    if user is None or not user.is_active or not isinstance(new, str) or \
            links.fingerprint(user.email) != payload.get("f"):
        raise NotFound(USED_OR_EXPIRED)
    if _user_by_email(session, new) is not None:
        raise Conflict("Dit e-mailadres is inmiddels in gebruik bij een ander account.")
    old = user.email
    user.email, user.email_verified_at = new, utcnow()
    session.flush()
    log.info("account %s moved to a new address", user.id)
    return user, old

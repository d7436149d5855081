"""Users, login, API tokens and web sessions."""

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from core.errors import Conflict, KoppelError, NotFound, Unauthorized, ValidationFailed
from core.permissions import Actor, Role
from db.models import ApiToken, Organisation, User, Volunteer, WebSession
from db.types import utcnow
from services.auth import passwords, throttle
from services.municipalities import service as municipalities

log = logging.getLogger(__name__)

SESSION_COOKIE = "koppel_session"
TOKEN_LIFETIME = timedelta(days=30)
# "Last used" and "last seen" are written at most this often, not on every request: a write
# per request is wasted work, and on SQLite it makes requests queue for the write lock.
TOUCH_EVERY = timedelta(minutes=5)
SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
MUNICIPAL_ROLES = {Role.BROKER, Role.CONSULTANT, Role.STAFF}
ORGANISATION_ROLES = {Role.INITIATOR, Role.FUND}


class LoginFailed(KoppelError):
    """Wrong e-mail or password (deliberately vague)."""

    status_code = 401
    code = "login_failed"


class LoginBlocked(KoppelError):
    """Too many failed attempts; try again later."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Te veel mislukte pogingen. Probeer het over {retry_after} seconden "
                         "opnieuw.")
        self.retry_after = retry_after


class LoginUnconfirmed(KoppelError):
    """Right password, but the address of a self sign-up was never confirmed."""

    status_code = 403
    code = "email_unconfirmed"


def digest(token: str) -> str:
    """The stored form of a secret token."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


def create_user(session: Session, *, email: str, password: str, role: str,
                municipality: str | None = None, organisation_id: int | None = None,
                display_name: str = "", verified: bool = True) -> User:
    """Create a user after checking that role and scope fit together."""
    # Accounts made by staff, the demo or the command line count as confirmed; a self sign-up
    # passes verified=False and confirms its address through the mailed link.
    errors: dict[str, str] = {}
    if role not in Role.__members__.values():
        errors["role"] = f"onbekende rol '{role}'"
    if len(password) < passwords.MIN_LENGTH:
        errors["password"] = f"minstens {passwords.MIN_LENGTH} tekens"
    role_enum = Role(role) if "role" not in errors else None
    if role_enum in MUNICIPAL_ROLES | {Role.VOLUNTEER} and not municipality:
        errors["municipality"] = "deze rol hoort bij een gemeente"
    if municipality and municipalities.get(session, municipality) is None:
        errors["municipality"] = f"onbekende gemeente {municipality}"
    if role_enum in ORGANISATION_ROLES:
        org = session.get(Organisation, organisation_id) if organisation_id else None
        if org is None:
            errors["organisation"] = "deze rol hoort bij een bestaande organisatie"
        elif org.kind != {Role.INITIATOR: "initiative", Role.FUND: "fund"}[role_enum]:
            errors["organisation"] = f"organisatie {org.id} past niet bij rol {role}"
    if errors:
        raise ValidationFailed(errors)
    email = normalise_email(email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("Er bestaat al een account met dit e-mailadres.",
                       fields={"email": "al in gebruik"})
    user = User(email=email, password_hash=passwords.hash_password(password), role=role,
                municipality_code=municipality,
                organisation_id=organisation_id if role_enum in ORGANISATION_ROLES else None,
                display_name=display_name, email_verified_at=utcnow() if verified else None)
    session.add(user)
    session.flush()
    return user


def ensure_organisation(session: Session, *, kind: str, name: str,
                        initiative_id: int | None = None,
                        municipality: str | None = None) -> Organisation:
    """The organisation with this kind and name, created when missing."""
    org = session.exec(select(Organisation).where(Organisation.kind == kind,
                                                  Organisation.name == name)).first()
    if org is None:
        org = Organisation(kind=kind, name=name, initiative_id=initiative_id,
                           municipality_code=municipality)
        session.add(org)
        session.flush()
    return org


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def actor_for_bearer(session: Session, authorization: str | None) -> Actor | None:
    """The actor behind an `Authorization: Bearer …` header; None without a bearer token.

    A bearer token that is not valid is refused outright rather than read as anonymous.
    """
    token = bearer_token(authorization)
    if token is None:
        return None
    user = user_for_token(session, token)
    if user is None:
        raise Unauthorized("Het token is ongeldig, verlopen of ingetrokken.")
    return actor_for(session, user)


def actor_for_cookie(session: Session, token: str | None) -> Actor | None:
    """The actor of a live web session; None for no cookie or a dead session."""
    user = user_for_web_session(session, token) if token else None
    return actor_for(session, user) if user else None


def actor_for(session: Session, user: User) -> Actor:
    """The Actor view of a user."""
    initiative_id = None
    if user.organisation_id:
        org = session.get(Organisation, user.organisation_id)
        initiative_id = org.initiative_id if org else None
    volunteer_id = session.exec(select(Volunteer.id).where(Volunteer.user_id == user.id)).first()
    return Actor(user_id=user.id, email=user.email, role=Role(user.role),
                 municipality_code=user.municipality_code,
                 organisation_id=user.organisation_id, initiative_id=initiative_id,
                 volunteer_id=volunteer_id)


def check_not_blocked(session: Session, email: str, address: str | None) -> None:
    """Refuse an attempt while a growing delay is in force."""
    block = throttle.blocked(session, email, address)
    if block:
        log.warning("login refused while blocked: %s", block.key)
        raise LoginBlocked(block.retry_after_seconds)


def verify_credentials(session: Session, email: str, password: str) -> User | None:
    """The active user for these credentials, or None. Costs the same for unknown e-mails."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.is_active:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        return None
    return user if passwords.verify_password(user.password_hash, password) else None


def issue_token(session: Session, user: User, name: str = "") -> tuple[str, ApiToken]:
    """Create a personal access token; the secret is returned once, only its hash is kept."""
    token = "kpl_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:100], token_hash=digest(token),
                   expires_at=utcnow() + TOKEN_LIFETIME)
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str) -> User | None:
    """The user of a valid, unrevoked, unexpired token."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = _active_user(session, row.user_id)
    if user is not None and (row.last_used_at is None or row.last_used_at + TOUCH_EVERY <= now):
        row.last_used_at = now
    return user


def _active_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    """The actor's own tokens."""
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                             .order_by(ApiToken.id)))


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's own tokens."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound(f"Token {token_id} bestaat niet.")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()


def start_web_session(session: Session, user: User) -> str:
    """A new session for a login; the returned token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(token_hash=digest(token), user_id=user.id, created_at=now,
                           last_seen_at=now, expires_at=now + SESSION_ABSOLUTE))
    session.flush()
    return token


def user_for_web_session(session: Session, token: str) -> User | None:
    """The user of a live session; touching it extends the idle window."""
    row = session.get(WebSession, digest(token))
    now = utcnow()
    if row is None:
        return None
    if row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        session.delete(row)
        session.flush()
        return None
    user = _active_user(session, row.user_id)
    if user is not None and row.last_seen_at + TOUCH_EVERY <= now:
        row.last_seen_at = now
    return user


def end_web_session(session: Session, token: str) -> None:
    """Invalidate a session (logout)."""
    row = session.get(WebSession, digest(token))
    if row is not None:
        session.delete(row)
        session.flush()


def close_account(session: Session, user: User, *, placeholder: str) -> None:
    """Make an account unusable and anonymous: no e-mail, no password, no token, no session."""
    user.email = placeholder
    user.display_name = ""
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    user.is_active = False
    for token in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)):
        token.revoked_at = token.revoked_at or utcnow()
    for web_session in session.exec(select(WebSession).where(WebSession.user_id == user.id)):
        session.delete(web_session)
    session.flush()

"""Accounts made by an admin: an invitation by e-mail, deactivation and role changes (audited).

The invited account starts with a random password nobody knows; the signed link in the mail
lets its owner choose one. Like a reset link it carries a fingerprint of the password hash, so
it works once.
"""

import logging
import secrets
from datetime import timedelta

from pydantic import BaseModel, EmailStr
from sqlmodel import Session, select

from core.errors import NotFound, ValidationFailed
from core.fields import STRICT, MunicipalityCode, Title, code_of
from core.nl import label
from core.permissions import Actor, Role
from db.models import ApiToken, Organisation, User
from db.types import utcnow
from services.audit import service as audit
from services.auth import links, service
from services.auth.signup import (
    end_sessions,
    set_password_by_link,
    user_for_password_link,
)
from services.notifications import service as notifications

log = logging.getLogger(__name__)
INVITE_VALID = timedelta(days=7)
USED_OR_EXPIRED = ("Deze uitnodiging is al gebruikt of verlopen. Vraag de beheerder om een "
                   "nieuwe, of kies een nieuw wachtwoord via 'Wachtwoord vergeten'.")
RoleCode = code_of("roles", "rol")


class Invitation(BaseModel):
    """Who is invited, with which role and scope."""

    model_config = STRICT

    email: EmailStr
    name: Title
    role: RoleCode
    municipality: MunicipalityCode | None = None
    organisation_id: int | None = None


def invite(session: Session, actor: Actor, data: Invitation) -> User:
    """Create the account without a usable password and queue the invitation mail."""
    user = service.create_user(
        session, email=data.email, password=secrets.token_urlsafe(32), role=data.role,
        municipality=data.municipality if data.role not in service.ORGANISATION_ROLES else None,
        organisation_id=data.organisation_id, display_name=data.name, verified=False)
    send_invitation(session, user)
    audit.record_change(session, action="user.invite", subject_type="user",
                        subject_id=user.id, purpose=f"uitgenodigd als {label('roles', user.role)}",
                        municipality_code=user.municipality_code, actor=actor)
    return user


def send_invitation(session: Session, user: User) -> None:
    """Queue the mail with the link that lets the invited person choose a password."""
    token = links.make("invite", {"u": user.id, "f": links.fingerprint(user.password_hash)})
    notifications.queue_account_mail(
        session, kind="account_invite", to=user.email, template="account_invite",
        context={"name": user.display_name, "role": label("roles", user.role),
                 "url": links.url(f"/welkom/{token}"), "days": INVITE_VALID.days})


def user_for_invite(session: Session, token: str) -> User:
    """The account an invitation was made for, while nobody has chosen a password yet."""
    return user_for_password_link(session, "invite", token, INVITE_VALID, USED_OR_EXPIRED)


def accept(session: Session, token: str, password: str) -> User:
    """Set the first password through the invitation; the address counts as confirmed."""
    user = user_for_invite(session, token)
    set_password_by_link(user, password)
    session.flush()
    log.info("account %s accepted its invitation", user.id)
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by e-mail address."""
    return list(session.exec(select(User).order_by(User.email)))


def organisations(session: Session) -> list[Organisation]:
    """Organisations an invited initiator or fund can belong to, by name."""
    return list(session.exec(select(Organisation).order_by(Organisation.name)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    return user


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (every session and token ends) or reactivate an account; audited."""
    user = _user(session, user_id)
    if user.id == actor.user_id and not active:
        raise ValidationFailed({"user": "u kunt uw eigen account niet op non-actief zetten"})
    if user.is_active != active:
        user.is_active = active
        if not active:
            end_sessions(session, user.id)
            for row in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)):
                row.revoked_at = row.revoked_at or utcnow()
        session.flush()
        audit.record_change(session, action="user.activate" if active else "user.deactivate",
                            subject_type="user", subject_id=user.id,
                            purpose="weer actief" if active else "op non-actief gezet",
                            municipality_code=user.municipality_code, actor=actor)
    return user


def change_role(session: Session, actor: Actor, user_id: int, role: str) -> User:
    """Give an account another role that fits its scope; audited with the old and new role."""
    user = _user(session, user_id)
    if role not in Role.__members__.values():
        raise ValidationFailed({"role": "kies een rol uit de lijst"})
    if user.id == actor.user_id:
        raise ValidationFailed({"role": "u kunt uw eigen rol niet wijzigen"})
    new = Role(role)
    if new in service.MUNICIPAL_ROLES | {Role.VOLUNTEER} and not user.municipality_code:
        raise ValidationFailed({"role": "deze rol hoort bij een gemeente; dit account heeft er "
                                        "geen"})
    if new in service.ORGANISATION_ROLES:
        org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
        if org is None or org.kind != {Role.INITIATOR: "initiative", Role.FUND: "fund"}[new]:
            raise ValidationFailed({"role": "deze rol hoort bij een organisatie van die soort"})
    old = user.role
    if old != role:
        user.role = role
        end_sessions(session, user.id)  # the next login carries the new role's reach
        session.flush()
        change = f"rol {label('roles', old)} → {label('roles', role)}"
        audit.record_change(session, action="user.role", subject_type="user",
                            subject_id=user.id, purpose=change,
                            municipality_code=user.municipality_code, actor=actor)
    return user


def page_users(session: Session, *, cursor: int | None,
               limit: int) -> tuple[list[User], int | None]:
    """Accounts by id after cursor, and the next cursor (keyset pages for the API)."""
    stmt = select(User)
    if cursor:
        stmt = stmt.where(User.id > cursor)
    rows = list(session.exec(stmt.order_by(User.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more and rows else None


def get_user(session: Session, user_id: int) -> User:
    """One account, else NotFound."""
    return _user(session, user_id)

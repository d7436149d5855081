"""The one permission table (role × action → scope), the actor, and the one scope helper.

Anything not listed is denied. Routes declare their action with `Allowed(...)`; services ask
`covers(actor, action, obj)` for one object and `scoped(stmt, actor, action, Model)` for lists,
so every page, export and API answer draws the same line.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import false
from sqlalchemy.sql import Select

from core.errors import Forbidden, Unauthorized


class Role(StrEnum):
    """User roles."""

    INITIATOR = "initiator"
    FUND = "fund"
    VOLUNTEER = "volunteer"
    BROKER = "broker"
    CONSULTANT = "consultant"
    STAFF = "staff"
    ADMIN = "admin"


ANONYMOUS = "anonymous"


class Scope(StrEnum):
    """How far an allowed action reaches."""

    ANY = "any"  # everything
    MUNICIPALITY = "municipality"  # objects of the user's own municipality
    ORGANISATION = "organisation"  # the user's own initiative or fund
    OWN = "own"  # records the user is responsible for (a consultant's clients)
    SELF = "self"  # the user's own account and profile
    PUBLISHED = "published"  # published initiative profiles only
    PUBLIC = "public"  # open to anyone, also without logging in


R, S = Role, Scope
_EVERYONE_PUBLISHED = {ANONYMOUS: S.PUBLISHED} | {role: S.PUBLISHED for role in Role}
_SIGNED_IN_SELF = {role: S.SELF for role in Role}
_PUBLIC = {ANONYMOUS: S.PUBLIC} | {role: S.PUBLIC for role in Role}
_INITIATIVE_EDITORS = {R.INITIATOR: S.ORGANISATION, R.BROKER: S.MUNICIPALITY,
                       R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY}

PERMISSIONS: dict[str, dict[str, Scope]] = {
    "system.public": _PUBLIC,
    "auth.login": _PUBLIC,
    "auth.logout": _SIGNED_IN_SELF,
    "me.read": _SIGNED_IN_SELF,
    "me.export": _SIGNED_IN_SELF,
    "me.delete": {R.VOLUNTEER: S.SELF},
    "token.manage": _SIGNED_IN_SELF,
    "initiative.list": _EVERYONE_PUBLISHED,
    "initiative.read": _EVERYONE_PUBLISHED | {R.INITIATOR: S.ORGANISATION,
                                              R.BROKER: S.MUNICIPALITY,
                                              R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "initiative.create": _INITIATIVE_EDITORS,
    "initiative.update": _INITIATIVE_EDITORS,
    "initiative.delete": _INITIATIVE_EDITORS,
    # Funds and the public see no personal contact data until a match is introduced.
    "initiative.contact": _INITIATIVE_EDITORS,
    # Needs marked "brokers only" (often posted for a resident): never on public pages.
    "need.private": _INITIATIVE_EDITORS,
    "volunteer.create": {R.VOLUNTEER: S.SELF, R.BROKER: S.MUNICIPALITY,
                         R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "volunteer.read": {R.VOLUNTEER: S.SELF, R.BROKER: S.MUNICIPALITY,
                       R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "volunteer.update": {R.VOLUNTEER: S.SELF, R.BROKER: S.MUNICIPALITY,
                         R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # Only the client's consultant and the municipality's staff see a client record;
    # brokers see a candidate (skills and availability, no pseudonym, no benefit status).
    "client.create": {R.CONSULTANT: S.OWN},
    "client.read": {R.CONSULTANT: S.OWN, R.STAFF: S.MUNICIPALITY,
                    R.BROKER: S.MUNICIPALITY},
    "client.update": {R.CONSULTANT: S.OWN},
    "audit.list": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "fund.create": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    "fund.update": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    "fund.matches": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    "instrument.create": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "need.matches": {R.INITIATOR: S.ORGANISATION, R.BROKER: S.MUNICIPALITY,
                     R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "volunteer.matches": {R.VOLUNTEER: S.SELF},
    # Placement suggestions go to the client's consultant, never to the client.
    "client.matches": {R.CONSULTANT: S.OWN},
    "matching.run": {R.ADMIN: S.ANY},
    "tasks.manage": {R.ADMIN: S.ANY},
    # The local mail outbox holds live invitation links: admins only, and only in development.
    "dev.mail": {R.ADMIN: S.ANY},
    "broker.queue": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # The signed link in the invitation is the credential; no login needed.
    "invitation.respond": _PUBLIC,
    "match.decide": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "broker.on_behalf": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "broker.intake": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "referral.list": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # Brokers move a referral on (accepted, closed) and keep its contact person current.
    "referral.update": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "hours.log": {R.INITIATOR: S.ORGANISATION, R.VOLUNTEER: S.SELF},
    # Self-service: residents sign up, confirm, reset and run their own account.
    "auth.signup": _PUBLIC,
    "account.manage": _SIGNED_IN_SELF,
    # The public board of published needs, and a volunteer's "Ik wil helpen".
    "need.list": _EVERYONE_PUBLISHED,
    "need.offer_help": {R.VOLUNTEER: S.SELF},
    # The initiative answers suggestions and offers of help for its own needs.
    "match.respond": {R.INITIATOR: S.ORGANISATION},
    # A volunteer answers an invitation in the app (the same step as the e-mail link).
    "volunteer.respond": {R.VOLUNTEER: S.SELF},
    "mine.initiative": {R.INITIATOR: S.ORGANISATION},
    "mine.volunteer": {R.VOLUNTEER: S.SELF},
    # Consulent: the caseload (staff see their municipality's), and the consultant's own yes or
    # no on a placement proposed for one of their clients.
    "client.list": {R.CONSULTANT: S.OWN, R.STAFF: S.MUNICIPALITY},
    "placement.decide": {R.CONSULTANT: S.OWN},
    # Saved searches (funds and brokers): own searches and their digests only.
    "search.save": {R.FUND: S.SELF, R.BROKER: S.SELF, R.ADMIN: S.SELF},
    # The signed link in a digest mail is the credential; no login needed.
    "search.unsubscribe": _PUBLIC,
    # Funds (13): a fund reads, lists and awards grants from its own fund; admins any.
    "fund.read": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    "fund.list": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    "grant.create": {R.FUND: S.ORGANISATION, R.ADMIN: S.ANY},
    # Beheer (admin): the municipality list is public facts; onboarding and users are admin work.
    "municipality.list": _PUBLIC,
    "municipality.manage": {R.ADMIN: S.ANY},
    "user.manage": {R.ADMIN: S.ANY},
    "admin.home": {R.ADMIN: S.ANY},
    "instrument.read": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "instrument.update": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # Issue 16: a need's case file (timeline with personal data) and its notes.
    "case.read": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "case.note": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # Issue 14: the social price list and the map (staff: their own municipality's), and the
    # open-data files (published data only, for anyone).
    "prices.read": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "prices.update": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "map.read": {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "opendata.read": _PUBLIC,
}

# Built-in routes that are not ours to declare (OpenAPI and static files).
BUILTIN_PUBLIC_PATHS = {"/openapi.json", "/docs/assets", "/static"}


def scope_for(role: str | None, action: str) -> Scope | None:
    """The scope a role (None: anonymous) has for an action, or None when denied."""
    table = PERMISSIONS[action]
    return table.get(role or ANONYMOUS)


@dataclass(frozen=True)
class Actor:
    """A signed-in user with the scope-relevant parts of their account."""

    user_id: int
    email: str
    role: Role
    municipality_code: str | None = None
    organisation_id: int | None = None
    initiative_id: int | None = None
    volunteer_id: int | None = None

    def scope(self, action: str) -> Scope | None:
        """This actor's scope for an action, None when denied."""
        return scope_for(self.role, action)


# Koppel itself (demo loader, CLI, background tasks) acting with full reach.
SYSTEM = Actor(user_id=0, email="system@koppel.invalid", role=Role.ADMIN)


def scope_of(actor: Actor | None, action: str) -> Scope | None:
    """Scope for an actor that may be anonymous."""
    return scope_for(actor.role if actor else None, action)


def allows(actor: Actor | None, action: str) -> bool:
    """Whether the actor may do this kind of thing at all (before looking at an object)."""
    return scope_of(actor, action) is not None


# How an object answers to each scope: pairs of (object attribute, actor attribute) that must
# be equal. Tables declare theirs as `__scope__`; PUBLISHED names a boolean attribute instead.
ScopeRules = Mapping[Scope, tuple[tuple[str, str | None], ...]]


def _rules(target: Any, rules: ScopeRules | None) -> ScopeRules:
    return rules if rules is not None else target.__scope__


def covers(actor: Actor | None, action: str, obj: Any, *,
           rules: ScopeRules | None = None) -> bool:
    """Whether the actor's scope for action reaches this object (deny by default)."""
    scope = scope_of(actor, action)
    if scope is None:
        return False
    if scope in (Scope.ANY, Scope.PUBLIC):
        return True
    pairs = _rules(obj, rules).get(scope)
    if not pairs:
        return False
    if scope is Scope.PUBLISHED:
        return all(bool(getattr(obj, attr)) for attr, _ in pairs)
    return actor is not None and all(
        getattr(actor, mine) is not None and getattr(obj, attr) == getattr(actor, mine)
        for attr, mine in pairs)


def scoped(stmt: Select, actor: Actor | None, action: str, model: Any, *,
           rules: ScopeRules | None = None) -> Select:
    """stmt narrowed to the rows of model that the actor's scope for action reaches."""
    scope = scope_of(actor, action)
    if scope is None:
        return stmt.where(false())
    if scope in (Scope.ANY, Scope.PUBLIC):
        return stmt
    pairs = _rules(model, rules).get(scope)
    if not pairs:
        return stmt.where(false())
    if scope is Scope.PUBLISHED:
        return stmt.where(*[getattr(model, attr).is_(True) for attr, _ in pairs])
    values = [getattr(actor, mine) if actor else None for _attr, mine in pairs]
    if any(value is None for value in values):
        return stmt.where(false())
    return stmt.where(*[getattr(model, attr) == value
                        for (attr, _mine), value in zip(pairs, values, strict=True)])


def permission(action: str) -> Any:
    """A route dependency: the caller (resolved by the adapter into request.state.actor) must
    be allowed this action; anonymous callers are asked to log in, others are refused."""

    def _check(request: Request) -> Actor | None:
        actor = getattr(request.state, "actor", None)
        if not allows(actor, action):
            if actor is None:
                raise Unauthorized("Log in om dit te doen.")
            raise Forbidden("Uw rol mag dit niet.")
        return actor

    _check.koppel_action = action  # read by the permission-matrix test
    return Depends(_check)


def Allowed(action: str) -> Any:  # noqa: N802 - reads as a type in signatures
    """`actor: Allowed("volunteer.read")`: the caller, after the permission check."""
    return Annotated[Actor | None, permission(action)]

# Municipal dashboard (14): aggregates only, staff of their own municipality, admins any.
PERMISSIONS["dashboard.read"] = {R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY}

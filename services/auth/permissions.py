"""The one permission table: role × action → scope. Anything not listed is denied."""

from enum import StrEnum


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
    "broker.queue": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    # The signed link in the invitation is the credential; no login needed.
    "invitation.respond": _PUBLIC,
    "match.decide": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "broker.on_behalf": {R.BROKER: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "broker.intake": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "referral.list": {R.BROKER: S.MUNICIPALITY, R.STAFF: S.MUNICIPALITY, R.ADMIN: S.ANY},
    "hours.log": {R.INITIATOR: S.ORGANISATION, R.VOLUNTEER: S.SELF},
}

# Built-in routes that are not ours to declare (OpenAPI and static files).
BUILTIN_PUBLIC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}


def scope_for(role: str | None, action: str) -> Scope | None:
    """The scope a role (None: anonymous) has for an action, or None when denied."""
    table = PERMISSIONS[action]
    return table.get(role or ANONYMOUS)

"""Who is asking: the signed-in user as the domain services see them."""

from dataclasses import dataclass

from services.auth.permissions import Role, Scope, scope_for


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


def scope_of(actor: "Actor | None", action: str) -> Scope | None:
    """Scope for an actor that may be anonymous."""
    return scope_for(actor.role if actor else None, action)


# Koppel itself (demo loader, CLI, background tasks) acting with full reach.
SYSTEM = Actor(user_id=0, email="system@koppel.invalid", role=Role.ADMIN)

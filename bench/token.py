"""Print an admin API token for the bench database (creates the admin once)."""

from sqlmodel import select

from db.models import User
from db.session import unit_of_work
from services.auth import service as auth


def main() -> None:
    """Create bench-admin if missing and print a fresh token."""
    with unit_of_work() as session:
        user = session.exec(select(User).where(User.email == "bench-admin@koppel.invalid")).first()
        if user is None:
            user = auth.create_user(session, email="bench-admin@koppel.invalid",
                                    password="bench-only-password", role="admin")
        token, _row = auth.issue_token(session, user, name="bench")
    print(token)

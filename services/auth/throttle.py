"""Growing delays after failed logins, per account and per client address.

Kept in the database so every API process sees the same counts (an in-memory rate limiter
would not), and so a restart does not reset an attack in progress.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from db.models import LoginThrottle
from db.types import utcnow

# Failures before the next attempt must wait, and the first wait; each further failure
# doubles it. With 5, the sixth rapid attempt on an account is refused.
ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class Block:
    """A refusal: which key is blocked and for how long."""

    key: str
    retry_after_seconds: int


def keys(email: str, address: str | None) -> list[tuple[str, int]]:
    """Throttle keys for a login attempt with their free-failure allowance."""
    out = [(f"account:{email.strip().lower()}", ACCOUNT_FREE_FAILURES)]
    if address:
        out.append((f"address:{address}", ADDRESS_FREE_FAILURES))
    return out


def blocked(session: Session, email: str, address: str | None,
            now: datetime | None = None) -> Block | None:
    """The block in force for this attempt, if any."""
    now = now or utcnow()
    for key, _free in keys(email, address):
        row = session.get(LoginThrottle, key)
        if row and row.blocked_until and row.blocked_until > now:
            return Block(key, max(1, int((row.blocked_until - now).total_seconds())))
    return None


def record_failure(session: Session, email: str, address: str | None) -> None:
    """Count a failed attempt; from the allowance on, each failure doubles the delay."""
    now = utcnow()
    for key, free in keys(email, address):
        row = session.get(LoginThrottle, key) or LoginThrottle(key=key)
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= free:
            delay = min(FIRST_DELAY * 2 ** (row.failures - free), MAX_DELAY)
            row.blocked_until = now + delay
        session.add(row)
    session.flush()


def record_success(session: Session, email: str) -> None:
    """A successful login clears the account's counter."""
    row = session.get(LoginThrottle, keys(email, None)[0][0])
    if row is not None:
        session.delete(row)
        session.flush()

"""Delays after failed logins: growing per account, a sliding window per client address.

Kept in the database so every API process sees the same counts (an in-memory rate limiter
would not), and so a restart does not reset an attack in progress.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from db.models import LoginThrottle
from db.types import utcnow

# Failures on one account before the next attempt must wait, and the first wait; each further
# failure doubles it. With 5, the sixth rapid attempt on an account is refused.
ACCOUNT_FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# Failures from one address within the window before it must wait. Old failures fall out of
# the window, and a successful login from the address clears it, so an office behind one
# NAT is not locked out for good by its own typos.
ADDRESS_FREE_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Block:
    """A refusal: which key is blocked and for how long."""

    key: str
    retry_after_seconds: int


def account_key(email: str) -> str:
    """The throttle key of an account."""
    return f"account:{email.strip().lower()}"


def address_key(address: str) -> str:
    """The throttle key of a client address."""
    return f"address:{address}"


def _keys(email: str, address: str | None) -> list[str]:
    return [account_key(email)] + ([address_key(address)] if address else [])


def blocked(session: Session, email: str, address: str | None,
            now: datetime | None = None) -> Block | None:
    """The block in force for this attempt, if any."""
    now = now or utcnow()
    for key in _keys(email, address):
        row = session.get(LoginThrottle, key)
        if row and row.blocked_until and row.blocked_until > now:
            return Block(key, max(1, int((row.blocked_until - now).total_seconds())))
    return None


def record_failure(session: Session, email: str, address: str | None) -> None:
    """Count a failed attempt against the account and the address."""
    now = utcnow()
    account = session.get(LoginThrottle, account_key(email)) or \
        LoginThrottle(key=account_key(email))
    account.failures += 1
    account.last_failure_at = now
    if account.failures >= ACCOUNT_FREE_FAILURES:
        delay = FIRST_DELAY * 2 ** (account.failures - ACCOUNT_FREE_FAILURES)
        account.blocked_until = now + min(delay, MAX_DELAY)
    session.add(account)
    if address:
        row = session.get(LoginThrottle, address_key(address)) or \
            LoginThrottle(key=address_key(address))
        # The window keeps a few more than the allowance, so the delay can keep doubling.
        window = [t for t in (row.recent or []) if datetime.fromisoformat(t) > now -
                  ADDRESS_WINDOW][-2 * ADDRESS_FREE_FAILURES:]
        window.append(now.isoformat())
        row.recent, row.failures, row.last_failure_at = window, len(window), now
        if len(window) >= ADDRESS_FREE_FAILURES:
            delay = FIRST_DELAY * 2 ** (len(window) - ADDRESS_FREE_FAILURES)
            row.blocked_until = now + min(delay, ADDRESS_WINDOW)
        session.add(row)
    session.flush()


def record_success(session: Session, email: str, address: str | None) -> None:
    """A successful login clears the account's counter and the address's window."""
    for key in _keys(email, address):
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)
    session.flush()


# Account requests (sign-up, password forgotten, resend the link) per client address: a sliding
# window like the address throttle above, so one machine cannot mail-bomb or probe at speed.
REQUESTS_PER_WINDOW = 10
REQUEST_WINDOW = timedelta(minutes=15)


def count_request(session: Session, kind: str, address: str | None,
                  now: datetime | None = None) -> Block | None:
    """Count one account request from an address; a Block once the window is full."""
    if not address:
        return None
    now = now or utcnow()
    key = f"requests:{kind}:{address}"
    row = session.get(LoginThrottle, key) or LoginThrottle(key=key)
    window = [t for t in (row.recent or [])
              if datetime.fromisoformat(t) > now - REQUEST_WINDOW]
    if len(window) >= REQUESTS_PER_WINDOW:
        wait = datetime.fromisoformat(window[0]) + REQUEST_WINDOW - now
        return Block(key, max(1, int(wait.total_seconds())))
    window.append(now.isoformat())
    row.recent, row.failures, row.last_failure_at = window, len(window), now
    session.add(row)
    session.flush()
    return None

"""Signed links in account mails: confirm an address, reset a password, move to a new address.

Each kind has its own salt, so a link of one kind never opens another door, and a limited
lifetime. A reset link carries a fingerprint of the password hash it was made for: once the
password changes the fingerprint no longer matches, so the link works only once.
"""

import hashlib
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.config import get_settings
from core.errors import NotFound

CONFIRM_VALID = timedelta(days=3)
RESET_VALID = timedelta(hours=2)
EXPIRED = "Deze link is verlopen. Vraag een nieuwe aan."
GARBLED = "Deze link klopt niet. Kopieer de hele link uit de e-mail, of vraag een nieuwe aan."


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=salt)


def fingerprint(password_hash: str) -> str:
    """A short digest of a password hash: it changes whenever the password does."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make(kind: str, payload: dict) -> str:
    """A signed token of one kind ('confirm', 'reset', 'email')."""
    return _serializer(f"koppel-account-{kind}").dumps(payload)


def read(kind: str, token: str, valid: timedelta) -> dict:
    """The payload of a valid, unexpired token of this kind; NotFound in Dutch otherwise."""
    try:
        payload = _serializer(f"koppel-account-{kind}").loads(
            token, max_age=int(valid.total_seconds()))
    except SignatureExpired:
        raise NotFound(EXPIRED) from None
    except BadSignature:
        raise NotFound(GARBLED) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise NotFound(GARBLED)
    return payload


def url(path: str) -> str:
    """An absolute address for a mail (KOPPEL_BASE_URL)."""
    return get_settings().base_url.rstrip("/") + path

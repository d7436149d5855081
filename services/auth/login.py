"""One login procedure for the API token endpoint and the web form."""

import logging

from db.models import User
from db.session import unit_of_work
from db.types import utcnow
from services.audit import service as audit
from services.auth import service, throttle
from services.auth.service import LoginFailed, LoginUnconfirmed

log = logging.getLogger(__name__)


def login(email: str, password: str, address: str | None) -> User:
    """Check credentials under the throttle; log and audit the outcome without the password.

    Each step commits on its own so a failed attempt is counted although the request fails.
    A self sign-up logs in only once its address is confirmed; only someone who knows the
    password learns that, so it tells nothing about which addresses have an account.
    """
    with unit_of_work() as session:
        service.check_not_blocked(session, email, address)
    with unit_of_work() as session:
        user = service.verify_credentials(session, email, password)
        if user is None:
            throttle.record_failure(session, email, address)
        else:
            throttle.record_success(session, email, address)
            if user.email_verified_at is not None:
                user.last_login_at = utcnow()
    unconfirmed = user is not None and user.email_verified_at is None
    outcome = "unconfirmed" if unconfirmed else "success" if user else "failed"
    log.info("login %s for %s from %s", outcome, service.normalise_email(email), address)
    audit.write_event(actor_user_id=user.id if user else None,
                      actor_role=user.role if user else "anonymous", action="login",
                      subject_type="user", subject_id=user.id if user else None,
                      purpose="inloggen", outcome=outcome,
                      request_id=audit.request_id.get(),
                      municipality_code=user.municipality_code if user else None)
    if user is None:
        raise LoginFailed("Onbekend e-mailadres of onjuist wachtwoord.")
    if unconfirmed:
        raise LoginUnconfirmed("Bevestig eerst uw e-mailadres met de link in de e-mail die we "
                               "u stuurden.")
    return user

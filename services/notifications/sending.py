"""Sending a mail at most once, however often its task is delivered.

The mail is claimed in a committed transaction of its own before SMTP is contacted, and it
carries a Message-ID fixed when it was written. A task delivered twice, or again after a crash
between SMTP's "250 OK" and our commit, finds the claim and sends nothing. What SMTP refuses for
good is recorded on the mail (failed_at, attempts, last_error) for the broker to see.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlparse

from sqlalchemy import update

from core.config import get_settings
from db.models import MailMessage
from db.session import unit_of_work
from db.types import utcnow

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 500
# A claim older than this without a result: the worker died mid-send; nobody knows whether
# the mail arrived, so it is shown to the broker instead of being sent again.
CLAIM_UNCERTAIN_AFTER = timedelta(minutes=15)

Mail = MailMessage


class TemporaryFailure(Exception):
    """SMTP could not be reached or said to try again later."""


@dataclass(frozen=True)
class Claimed:
    """What is needed to send a claimed mail, read before the claim's transaction ends."""

    mail_id: int
    message_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str


def new_message_id() -> str:
    """A Message-ID in this site's domain."""
    host = urlparse(get_settings().base_url).hostname or "koppel.invalid"
    return make_msgid(domain=host)


def send(mail_id: int) -> str:
    """Send one mail unless it was claimed before: 'sent', 'failed' or 'skipped'.

    Raises TemporaryFailure (after releasing the claim) when a later attempt may succeed.
    """
    claimed = _claim(mail_id)
    if claimed is None:
        return "skipped"
    try:
        transport = _deliver(claimed)
    except TemporaryFailure as exc:
        _record(mail_id, claimed_at=None, last_error=str(exc)[:MAX_ERROR_LENGTH])
        raise
    except (smtplib.SMTPException, ValueError) as exc:
        log.warning("mail %s refused for good: %s", mail_id, exc)
        give_up(mail_id, str(exc))
        return "failed"
    _record(mail_id, sent_at=utcnow(), transport=transport, last_error=None)
    return "sent"


def give_up(mail_id: int, error: str) -> None:
    """Record that a mail will not be sent (the broker can send it again from the site)."""
    _record(mail_id, failed_at=utcnow(), last_error=error[:MAX_ERROR_LENGTH])


def _claim(mail_id: int) -> Claimed | None:
    with unit_of_work() as session:
        claimed = session.execute(
            update(Mail).where(Mail.id == mail_id, Mail.claimed_at.is_(None),
                               Mail.sent_at.is_(None), Mail.failed_at.is_(None))
            .values(claimed_at=utcnow(), attempts=Mail.attempts + 1)
            .returning(Mail.id)).first()
        if claimed is None:
            log.info("mail %s already claimed, sent, failed or gone; not sending", mail_id)
            return None
        mail = session.get(Mail, mail_id)
        if mail.message_id is None:  # written before Message-IDs were fixed at creation
            mail.message_id = new_message_id()
        return Claimed(mail.id, mail.message_id, mail.to_address, mail.subject, mail.body_text,
                       mail.body_html)


def _record(mail_id: int, **values) -> None:
    with unit_of_work() as session:
        session.execute(update(Mail).where(Mail.id == mail_id).values(**values))


def _deliver(mail: Claimed) -> str:
    """Hand the mail to SMTP; without an SMTP host (the demo) it stays in the local outbox."""
    settings = get_settings()
    if not settings.smtp_host:
        return "local"
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        if any(code < 500 for code, _msg in exc.recipients.values()):
            raise TemporaryFailure(str(exc)) from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code < 500:
            raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    except smtplib.SMTPNotSupportedError:
        raise  # the server lacks what the settings ask for (STARTTLS, login): not temporary
    except OSError as exc:  # no connection, a timeout, or the server hung up
        raise TemporaryFailure(str(exc) or type(exc).__name__) from exc
    return "smtp"

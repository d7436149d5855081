"""Invitations and notices by e-mail: composed in Dutch, queued with the change, sent once."""

import logging
from datetime import timedelta
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session, select

from core import nl
from core.config import get_settings
from core.errors import Conflict, NotFound
from core.vocabulary import get_vocabulary
from db.models import (
    Fund,
    Initiative,
    Instrument,
    MailMessage,
    Match,
    Need,
    ParticipationClient,
    User,
    Volunteer,
)
from db.types import utcnow
from services.notifications import sending
from services.outbox import service as outbox
from services.worker.queues import TaskName

log = logging.getLogger(__name__)
_env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                   autoescape=select_autoescape(["html"]))
_env.filters.update(nl.FILTERS)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(),
                                  salt="koppel-invitation")


def invitation_token(match_id: int) -> str:
    """A signed token for the accept and decline links of one match."""
    return _signer().dumps({"m": match_id})


def match_for_token(token: str) -> int:
    """The match id inside a valid, unexpired token; NotFound otherwise."""
    max_age = get_settings().invite_valid_days * 86400
    try:
        return int(_signer().loads(token, max_age=max_age)["m"])
    except SignatureExpired:
        raise NotFound("Deze uitnodiging is verlopen. Neem contact op met de makelaar.") \
            from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("Deze link klopt niet.") from None


def _recipient(session: Session, match: Match) -> tuple[str | None, str]:
    """Address and greeting name of the resource side."""
    if match.resource_kind == "volunteer":
        volunteer = session.get(Volunteer, match.resource_id)
        return (volunteer.email, volunteer.name or "") if volunteer else (None, "")
    if match.resource_kind == "placement":
        client = session.get(ParticipationClient, match.resource_id)
        consultant = session.get(User, client.consultant_user_id) if client else None
        return (consultant.email, consultant.display_name) if consultant else (None, "")
    if match.resource_kind == "fund":
        fund = session.get(Fund, match.resource_id)
        return (fund.contact_email, fund.name) if fund else (None, "")
    instrument = session.get(Instrument, match.resource_id)
    return (instrument.desk_email, instrument.desk_name) if instrument else (None, "")


def _queue(session: Session, *, match_id: int, kind: str, to: str, template: str,
           context: dict) -> MailMessage | None:
    existing = session.exec(select(MailMessage).where(
        MailMessage.match_id == match_id, MailMessage.kind == kind,
        MailMessage.to_address == to)).first()
    if existing is not None:
        return None
    text = _env.get_template(f"{template}.txt").render(**context)
    html = _env.get_template(f"{template}.html").render(**context)
    subject = text.splitlines()[0].removeprefix("Onderwerp: ").strip()
    body = "\n".join(text.splitlines()[2:])
    mail = MailMessage(match_id=match_id, kind=kind, to_address=to, subject=subject,
                       body_text=body, body_html=html, message_id=sending.new_message_id())
    session.add(mail)
    session.flush()
    outbox.enqueue(session, TaskName.SEND_MAIL, mail_id=mail.id)
    return mail


def invite_for_approval(session: Session, match: Match,
                        kind: str = "invitation") -> list[MailMessage]:
    """Queue the personal invitation to the resource side and a notice to the initiator.

    kind="reminder" sends the invitation once more (at most once per match)."""
    need = session.get(Need, match.need_id)
    initiative = session.get(Initiative, need.initiative_id)
    base = get_settings().base_url.rstrip("/")
    token = invitation_token(match.id)
    context = {"need": need, "initiative": initiative, "match": match,
               "need_kind": get_vocabulary().label("support_needs", need.kind),
               "accept_url": f"{base}/i/{token}/accept",
               "decline_url": f"{base}/i/{token}/decline",
               "days": get_settings().invite_valid_days}
    queued = []
    to, name = _recipient(session, match)
    if to:
        template = {"volunteer": "invite_volunteer", "placement": "invite_consultant"}.get(
            match.resource_kind, "invite_organisation")
        mail = _queue(session, match_id=match.id, kind=kind, to=to, template=template,
                      context=context | {"name": name})
        queued += [mail] if mail else []
    else:
        log.warning("match %s approved but its %s has no e-mail address", match.id,
                    match.resource_kind)
    if initiative.contact_email and kind == "invitation":
        mail = _queue(session, match_id=match.id, kind="initiator_notice",
                      to=initiative.contact_email, template="notice_initiator",
                      context=context | {"name": initiative.contact_name or ""})
        queued += [mail] if mail else []
    return queued


def follow_up(session: Session, match: Match) -> list[MailMessage]:
    """Ask both sides "Is de hulp gelukt?" with links that need no login."""
    need = session.get(Need, match.need_id)
    initiative = session.get(Initiative, need.initiative_id)
    base = get_settings().base_url.rstrip("/")
    token = invitation_token(match.id)
    context = {"need": need, "initiative": initiative, "match": match,
               "outcome_url": f"{base}/i/{token}/gelukt", "hours_url": f"{base}/i/{token}/uren"}
    queued = []
    to, name = _recipient(session, match)
    for address, who in ((to, name), (initiative.contact_email, initiative.contact_name)):
        if address:
            mail = _queue(session, match_id=match.id, kind="follow_up", to=address,
                          template="follow_up", context=context | {"name": who or ""})
            queued += [mail] if mail else []
    return queued


def resend(session: Session, mail_id: int) -> MailMessage:
    """Send a mail that failed (or whose sending was interrupted) once more, as a new message."""
    mail = session.get(MailMessage, mail_id)
    if mail is None:
        raise NotFound(f"Bericht {mail_id} bestaat niet.")
    if mail.sent_at is not None:
        raise Conflict("Dit bericht is al verstuurd.")
    mail.claimed_at = mail.failed_at = mail.last_error = None
    mail.message_id = sending.new_message_id()
    session.flush()
    outbox.enqueue(session, TaskName.SEND_MAIL, mail_id=mail.id)
    return mail


def undelivered(session: Session, match_ids: list[int]) -> dict[int, MailMessage]:
    """Per match, a mail to the invited side that failed or whose sending was interrupted."""
    if not match_ids:
        return {}
    stale = utcnow() - sending.CLAIM_UNCERTAIN_AFTER
    rows = session.exec(select(MailMessage).where(
        MailMessage.match_id.in_(match_ids), MailMessage.sent_at.is_(None),
        MailMessage.kind.in_(("invitation", "reminder")),
        (MailMessage.failed_at.is_not(None)) | (MailMessage.claimed_at < stale))).all()
    return {mail.match_id: mail for mail in rows}


def recent(session: Session, limit: int = 50) -> list[MailMessage]:
    """The newest messages, for the development outbox page."""
    return list(session.exec(select(MailMessage).order_by(MailMessage.id.desc())
                             .limit(limit)))


# Mijn initiatief: the initiative accepted a volunteer's offer of help.
def offer_accepted(session: Session, match: Match, *,
                   answered_by: str | None = None) -> MailMessage | None:
    """Tell the volunteer the initiative said yes, with the initiative's contact."""
    # A profile without a contact address still gives one: whoever said yes.
    need = session.get(Need, match.need_id)
    initiative = session.get(Initiative, need.initiative_id)
    to, name = _recipient(session, match)
    if not to:
        log.warning("offer %s accepted but the volunteer has no e-mail address", match.id)
        return None
    return _queue(session, match_id=match.id, kind="offer_accepted", to=to,
                  template="offer_accepted",
                  context={"need": need, "initiative": initiative, "name": name,
                           "email": initiative.contact_email or answered_by})

# --- Accounts (self-service): confirmation, reset and address-change mails -------------------
# At most this many account mails of one kind to one address per hour: sign-up and reset
# forms cannot be used to flood someone's inbox.
ACCOUNT_MAILS_PER_HOUR = 3


def queue_account_mail(session: Session, *, kind: str, to: str, template: str,
                       context: dict) -> MailMessage | None:
    """Queue a mail about an account (no match); None when the hourly limit is reached."""
    since = utcnow() - timedelta(hours=1)
    recent_count = len(session.exec(select(MailMessage.id).where(
        MailMessage.match_id.is_(None), MailMessage.kind == kind,
        MailMessage.to_address == to, MailMessage.created_at >= since)).all())
    if recent_count >= ACCOUNT_MAILS_PER_HOUR:
        log.warning("account mail %s to an address held back: hourly limit reached", kind)
        return None
    text = _env.get_template(f"{template}.txt").render(**context)
    html = _env.get_template(f"{template}.html").render(**context)
    mail = MailMessage(match_id=None, kind=kind, to_address=to,
                       subject=text.splitlines()[0].removeprefix("Onderwerp: ").strip(),
                       body_text="\n".join(text.splitlines()[2:]), body_html=html,
                       message_id=sending.new_message_id())
    session.add(mail)
    session.flush()
    outbox.enqueue(session, TaskName.SEND_MAIL, mail_id=mail.id)
    return mail

# Board (D): a volunteer said "Ik wil helpen" on the public board.
def offer_of_help(session: Session, match: Match, need: Need,
                  message: str = "") -> MailMessage | None:
    """Tell the initiative that someone wants to help, with a link to the need in Mijn."""
    initiative = session.get(Initiative, need.initiative_id)
    if not initiative.contact_email:
        log.warning("offer of help %s but initiative %s has no e-mail address", match.id,
                    initiative.id)
        return None
    base = get_settings().base_url.rstrip("/")
    context = {"need": need, "initiative": initiative, "match": match, "message": message,
               "name": initiative.contact_name or "",
               "need_url": f"{base}/mijn/initiatief/vragen/{need.id}"}
    return _queue(session, match_id=match.id, kind="offer_of_help",
                  to=initiative.contact_email, template="offer_of_help", context=context)

# Saved searches: the digest of what is new for one saved search.
def queue_digest(session: Session, *, to: str, context: dict) -> MailMessage:
    """Queue one digest mail; the caller has claimed the search, so it is queued once."""
    text = _env.get_template("search_digest.txt").render(**context)
    html = _env.get_template("search_digest.html").render(**context)
    mail = MailMessage(match_id=None, kind="search_digest", to_address=to,
                       subject=text.splitlines()[0].removeprefix("Onderwerp: ").strip()[:200],
                       body_text="\n".join(text.splitlines()[2:]), body_html=html,
                       message_id=sending.new_message_id())
    session.add(mail)
    session.flush()
    outbox.enqueue(session, TaskName.SEND_MAIL, mail_id=mail.id)
    return mail

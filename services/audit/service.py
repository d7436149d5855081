"""Record access to personal data: one event per access, also when the request fails."""

import logging

from sqlmodel import Session, select

from core.permissions import Actor, scoped
from db.models import AuditEvent
from db.session import after_finish, unit_of_work
from services.audit.context import request_id

log = logging.getLogger(__name__)

# The roles whose reads of personal data are audited (people acting on others' data).
AUDITED_ROLES = {"staff", "broker", "consultant", "admin",
                 # Mijn initiatief: an initiator reading a volunteer's contact after a match.
                 "initiator"}


def record_access(session: Session, actor: Actor | None, *, action: str, subject_type: str,
                  subject_id: int | str | None, purpose: str,
                  municipality_code: str | None) -> None:
    """Write one audit event when the current unit of work ends, whatever its outcome."""
    if actor is None or actor.role not in AUDITED_ROLES or actor.user_id == 0:
        return
    rid = request_id.get()

    def _write(committed: bool) -> None:
        write_event(actor_user_id=actor.user_id, actor_role=actor.role, action=action,
                    subject_type=subject_type, subject_id=subject_id, purpose=purpose,
                    outcome="success" if committed else "failed", request_id=rid,
                    municipality_code=municipality_code or actor.municipality_code)

    after_finish(session, _write)


def write_event(**fields) -> None:
    """Append one event in its own transaction."""
    if fields.get("subject_id") is not None:
        fields["subject_id"] = str(fields["subject_id"])
    try:
        with unit_of_work() as session:
            session.add(AuditEvent(**fields))
    except Exception:
        # Fail loudly: a read whose audit event cannot be written must not be answered.
        log.exception("could not write audit event %s", fields)
        raise


def record_change(session: Session, *, action: str, subject_type: str,
                  subject_id: int | str | None, purpose: str,
                  municipality_code: str | None = None, actor: Actor | None = None) -> None:
    """An erasure or similar change, logged once its transaction has committed."""
    rid = request_id.get()

    def _write(committed: bool) -> None:
        if committed:
            write_event(actor_user_id=actor.user_id if actor else None,
                        actor_role=actor.role if actor else "system", action=action,
                        subject_type=subject_type, subject_id=subject_id, purpose=purpose,
                        outcome="success", request_id=rid, municipality_code=municipality_code)

    after_finish(session, _write)


def list_events(session: Session, actor: Actor, *, limit: int,
                before_id: int | None) -> list[AuditEvent]:
    """Newest events first, as far as the actor's scope reaches."""
    stmt = scoped(select(AuditEvent), actor, "audit.list", AuditEvent)
    stmt = stmt.order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    return list(session.exec(stmt))

"""Reading the audit trail (there is no way to change it)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from core.errors import ERROR_RESPONSES
from core.fields import MAX_ID
from core.permissions import Allowed
from db.session import SessionDep
from services.audit import service

router = APIRouter(tags=["audit"], responses=ERROR_RESPONSES)


class AuditEventRead(BaseModel):
    """One audit event."""

    id: int
    at: datetime
    actor_user_id: int | None
    actor_role: str
    action: str
    subject_type: str
    subject_id: str | None
    purpose: str
    outcome: str
    request_id: str | None
    municipality_code: str | None


@router.get("/audit-events", response_model=list[AuditEventRead], name="api_audit_list")
def list_audit_events(session: SessionDep, actor: Allowed("audit.list"),
                      limit: Annotated[int, Query(ge=1, le=500)] = 100,
                      before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None):
    """Newest first; staff see their own municipality's events."""
    events = service.list_events(session, actor, limit=limit, before_id=before_id)
    return [AuditEventRead.model_validate(e, from_attributes=True) for e in events]

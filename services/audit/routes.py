"""Reading the audit trail (there is no way to change it)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.api.deps import SessionDep
from services.api.errors import ERROR_RESPONSES
from services.audit import service
from services.auth.deps import Allowed
from services.auth.permissions import Scope

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
                      before_id: Annotated[int | None, Query(ge=1)] = None):
    """Newest first; staff see their own municipality's events."""
    municipality = None if actor.scope("audit.list") == Scope.ANY else actor.municipality_code
    events = service.list_events(session, municipality_code=municipality, limit=limit,
                                 before_id=before_id)
    return [AuditEventRead.model_validate(e, from_attributes=True) for e in events]
